"""A background job's page: its progress while it runs (htmx polls it; without JavaScript, a link
reloads it), then its result or why it failed, with Run again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from minutes.access import can_follow_job
from minutes.jobs import job_retry
from minutes.models import Job


def _job_for(user, pk):
    job = get_object_or_404(Job.objects.select_related("committee"), pk=pk)
    if not can_follow_job(user, job):
        raise PermissionDenied("This job was started by someone else.")
    return job


@require_safe
@login_required
def job_detail(request, pk):
    job = _job_for(request.user, pk)
    template = "minutes/jobs/_job.html" if request.htmx else "minutes/jobs/job.html"
    return render(request, template, {"job": job})


@require_POST
@login_required
def job_run_again(request, pk):
    job = _job_for(request.user, pk)
    if job_retry(job):
        messages.success(request, f"{job.title}: started again.")
    else:
        messages.error(request, f"{job.title} has not failed: there is nothing to run again.")
    return redirect("minutes:job", pk=job.pk)


urlpatterns = [
    path("jobs/<int:pk>/", job_detail, name="job"),
    path("jobs/<int:pk>/run-again/", job_run_again, name="job-run-again"),
]

"""The actions' background work (minutes/jobs.py): importing an action log."""

from django.urls import reverse
from django.utils import timezone

from actions.imports import read_table
from actions.models import ActionImport
from actions.services.imports import import_actions_in_chunks
from minutes.jobs import job_done, job_progress, job_running
from opsg.tasks import task


@task()
def import_action_log(job_id, upload_id, valid_only):
    """Import the uploaded action log `upload_id` (ActionImport) as it was mapped on its page."""
    with job_running(job_id) as job:
        if job is None:
            return
        upload = ActionImport.objects.select_related("committee").get(pk=upload_id)
        where = reverse("actions:import-preview", args=[upload.committee.code, upload.pk])
        if upload.imported_at is not None:
            job_done(job_id, message=f"{upload.filename} was imported already.", result_url=where)
            return
        table = read_table(upload.filename, bytes(upload.content))
        job_progress(job_id, 0, len(table.rows), f"Checking {len(table.rows):,} rows")

        def progress(done, total):
            job_progress(job_id, done, total, f"Imported {done:,} of {total:,} rows")

        result = import_actions_in_chunks(
            upload.committee,
            table,
            by=job.created_by,
            filename=upload.filename,
            columns=upload.columns,
            statuses=upload.statuses,
            valid_only=valid_only,
            progress=progress,
        )
        ActionImport.objects.filter(pk=upload.pk).update(
            imported_at=timezone.now(),
            imported_by=job.created_by,
            result={**result.counts, "skipped": result.skipped},
        )
        job_done(job_id, message=f"Imported {upload.filename}: {result.summary}.", result_url=where)

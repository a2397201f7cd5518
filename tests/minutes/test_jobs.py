"""Background jobs: their page follows them (progress, result, why one failed, run again), for
whom it may; a large action log is imported a chunk at a time with progress, and resumes."""

import pytest
from django.urls import reverse

from actions.imports import read_table
from actions.models import Action
from actions.services import imports
from actions.tasks import import_action_log
from minutes.jobs import job_progress, job_start
from minutes.models import Job
from tests.actions.test_import import LOG, csv_bytes
from tests.factories import make_organisation, make_person, make_user
from tests.jobs_support import work_the_queue

pytestmark = [pytest.mark.django_db, pytest.mark.tasks]


def started(committee, by, upload_id=None, valid_only=False):
    return job_start(
        task=import_action_log,
        title=f"Import log.csv into {committee.code}",
        by=by,
        committee=committee,
        arguments=[upload_id or 0, valid_only],
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary", 200), ("staff", 200), ("member", 403), ("chair", 403), ("outsider", 403)],
)
def test_a_jobs_page_is_for_who_started_it_the_committees_secretaries_and_staff(
    client, users, committee, who, status
):
    job = started(committee, make_user("starter"))
    client.force_login(users[who])
    assert client.get(reverse("minutes:job", args=[job.pk])).status_code == status
    client.force_login(job.created_by)
    assert client.get(reverse("minutes:job", args=[job.pk])).status_code == 200


def test_the_page_shows_progress_and_htmx_gets_the_part_that_changes(client, users, committee):
    job = started(committee, users["secretary"])
    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:job", args=[job.pk])).content.decode()
    assert "Waiting to start" in page and "Starting…" in page
    assert 'hx-trigger="every 1s"' in page and f'href="/jobs/{job.pk}/">Refresh' in page
    job_progress(job.pk, 250, 1000, "Imported 250 of 1,000 rows")
    part = client.get(reverse("minutes:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part
    assert "Imported 250 of 1,000 rows" in part and "250 of 1000 done (25%)" in part
    assert '<progress class="w-100 mb-2" id="job-progress" max="100" value="25">' in part


def test_a_failed_job_says_why_and_runs_again(
    client, users, committee, owners_and_upload, django_capture_on_commit_callbacks
):
    upload = owners_and_upload
    with django_capture_on_commit_callbacks(execute=True):
        job = started(committee, users["secretary"], upload.pk)
    upload.content = b""  # the file went missing meanwhile: the job fails, in words
    upload.save()
    work_the_queue()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == "The file is empty."
    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:job", args=[job.pk])).content.decode()
    assert "Failed: The file is empty." in page and "Run again" in page and "hx-trigger" not in page

    upload.content = csv_bytes(LOG)
    upload.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("minutes:job-run-again", args=[job.pk]))
    work_the_queue()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert job.message == "Imported log.csv: 3 new, 0 updated, 0 unchanged."
    assert Action.objects.filter(committee=committee).count() == 3
    # Only a failed job runs again.
    response = client.post(reverse("minutes:job-run-again", args=[job.pk]), follow=True)
    assert "has not failed: there is nothing to run again" in response.content.decode()


@pytest.fixture
def owners_and_upload(committee, users):
    from actions.models import ActionImport

    make_organisation("DCC"), make_organisation("SECAS"), make_person("Jane Smith")
    return ActionImport.objects.create(
        committee=committee, filename="log.csv", content=csv_bytes(LOG), uploaded_by=users["secretary"]
    )


def test_a_large_log_is_imported_a_chunk_at_a_time_with_progress_and_resumes(
    committee, owners_and_upload, monkeypatch
):
    monkeypatch.setattr(imports, "CHUNK", 2)
    table = read_table("log.csv", csv_bytes(LOG))
    calls, real = [], imports.import_actions

    def stops_after_the_first_chunk(*args, **kwargs):
        if calls:
            raise RuntimeError("the worker was stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "import_actions", stops_after_the_first_chunk)
    with pytest.raises(RuntimeError):
        imports.import_actions_in_chunks(
            committee,
            table,
            by=None,
            filename="log.csv",
            progress=lambda done, total: calls.append((done, total)),
        )
    assert calls == [(2, 3)] and Action.objects.count() == 2  # the first chunk is kept

    monkeypatch.setattr(imports, "import_actions", real)
    calls.clear()
    result = imports.import_actions_in_chunks(
        committee,
        table,
        by=None,
        filename="log.csv",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(2, 3), (3, 3)]
    assert result.counts == {"new": 1, "updated": 0, "unchanged": 2, "error": 0}
    assert Action.objects.count() == 3

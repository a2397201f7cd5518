"""The minutes' background work (minutes/jobs.py): importing minutes from a Word file."""

import datetime

from django.urls import reverse
from django.utils import timezone

from minutes.jobs import job_done, job_progress, job_running
from minutes.models import MinutesImport
from minutes.services.word_import import import_minutes
from minutes.word_import import read_minutes_docx
from opsg.tasks import task


@task()
def import_word_minutes(job_id, upload_id, number, held_on):
    """Import the uploaded Word minutes `upload_id` (MinutesImport) as its page confirmed them, with
    the number and date (ISO) given there, or those the file says (None)."""
    with job_running(job_id) as job:
        if job is None:
            return
        upload = MinutesImport.objects.select_related("committee", "meeting").get(pk=upload_id)
        if upload.imported_at is not None:
            job_done(
                job_id, message=f"{upload.filename} was imported already.", result_url=_where(upload.meeting)
            )
            return
        job_progress(job_id, 0, 2, f"Reading {upload.filename}")
        data = bytes(upload.content)
        imported = read_minutes_docx(data, filename=upload.filename, committee=upload.committee)
        job_progress(job_id, 1, 2, "Saving the meeting, its attendance, items, decisions and actions")
        meeting, notes = import_minutes(
            committee=upload.committee,
            imported=imported,
            by=job.created_by,
            filename=upload.filename,
            mode=upload.mode,
            original=data,
            number=number,
            held_on=datetime.date.fromisoformat(held_on) if held_on else None,
        )
        MinutesImport.objects.filter(pk=upload.pk).update(
            meeting=meeting, imported_at=timezone.now(), notes=notes
        )
        job_done(
            job_id, message=f"Imported {upload.filename} as {meeting.reference}.", result_url=_where(meeting)
        )


def _where(meeting):
    if meeting is None:
        return ""
    return reverse(
        "minutes:meeting-draft" if meeting.is_draft else "minutes:meeting-detail", args=[meeting.reference]
    )

"""Frozen revisions of circulated minutes, and publication of the final PDF."""

import hashlib

from django.db.models import Max

from minutes.models import MinutesRevision, PublishedMinutes
from minutes.sanitize import paragraphs
from minutes.selectors import meeting_minutes


def snapshot_of(meeting):
    """Everything that prints, as plain data: what a revision freezes and redlines compare.

    Items are keyed by their database id, so a redline follows an item that was
    renumbered or moved.
    """
    minutes = meeting_minutes(meeting)
    items = []
    for item in minutes.all_items:
        entry = {
            "key": f"item-{item.pk}",
            "parent": f"item-{item.parent_id}" if item.parent_id else None,
            "number": item.number,
            "heading_text": item.heading_text,
            "title": item.title,
            "deferred": item.is_deferred,
            "deferred_note": item.deferred_note,
            "html": item.minutes_html,
            "paragraphs": paragraphs(item.minutes_text),
            "decisions": item.decision_wording["text"],
            "actions": [f"{action.callout}: {action.text}" for action in item.item_actions],
            "footnotes": [footnote.text for footnote in item.item_footnotes],
            "outstanding": [
                {
                    "reference": row.action.reference,
                    "text": row.action.text,
                    "raised_on": row.action.raised_on.isoformat(),
                    "last_target_on": row.last_target_on.isoformat() if row.last_target_on else None,
                    "revised_target_on": row.revised_target_on.isoformat() if row.revised_target_on else None,
                    "owners": row.action.owner_names,
                    "update": " ".join(update.text for update in row.updates),
                    "status": row.status_label,
                }
                for row in (item.outstanding if item.is_actions_outstanding else [])
            ],
        }
        items.append(entry)

    def groups(grouped):
        """[[seat category, [person line, ...]], ...], whatever the committee's print layout."""
        rows = []
        for group in grouped:
            for attendance in group.attendances:
                category = attendance.seat_category.name
                if not rows or rows[-1][0] != category:
                    rows.append([category, []])
                rows[-1][1].append(_person_line(attendance))
        return rows

    return {
        "reference": meeting.reference,
        "committee": meeting.committee.name,
        "held_on": meeting.held_on.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "location": meeting.location,
        "present": groups(minutes.present),
        "apologies": groups(minutes.apologies),
        "observers": groups(minutes.observers),
        "items": items,
        "next_main_meeting_on": meeting.next_main_meeting_on.isoformat()
        if meeting.next_main_meeting_on
        else None,
        "next_reporting_meeting_on": (
            meeting.next_reporting_meeting_on.isoformat() if meeting.next_reporting_meeting_on else None
        ),
    }


def _person_line(attendance):
    """The name as the minutes print it, with what they say after it: "Dave Warner (Chair; remote)"."""
    notes = f" ({'; '.join(attendance.notes)})" if attendance.notes else ""
    return f"{attendance.person.name}{notes}"


def freeze_revision(meeting, *, by, note=""):
    """Store the meeting's minutes as its next numbered revision."""
    from minutes.pdf import minutes_html

    last = MinutesRevision.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"] or 0
    return MinutesRevision.objects.create(
        meeting=meeting,
        number=last + 1,
        snapshot=snapshot_of(meeting),
        html=minutes_html(meeting),
        created_by=by,
        note=note,
    )


def publish_pdf(meeting, *, by, note=""):
    """Render the final PDF once and store it with its SHA-256 as the next published version."""
    from minutes.pdf import html_to_pdf, minutes_html

    pdf = html_to_pdf(minutes_html(meeting), published=True)
    last = PublishedMinutes.objects.filter(meeting=meeting).aggregate(last=Max("version"))["last"] or 0
    return PublishedMinutes.objects.create(
        meeting=meeting,
        version=last + 1,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        published_by=by,
        note=note,
    )

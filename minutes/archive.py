"""A committee's archive: everything about it in one zip, written as a stream.

`archive_chunks(committee)` yields the bytes of the zip as they are written (Python's
zipfile writes to a file it cannot seek, with a data descriptor after each entry), so the
download and `manage.py export_archive` never hold the archive in memory. What it holds:

    README.txt                 what each file is
    <CODE>.toml                the conventions file, as export_committee prints it
    committee.json             the committee, its meetings (attendance, items, decisions,
                               footnotes, life cycle, history) and what other apps add
    published/<REF>_v<n>.pdf   every published version, byte for byte as stored
    published/SHA256SUMS       their SHA-256 as stored, for `sha256sum -c`

Meetings are read a few at a time (MEETINGS_PER_QUERY, a fixed number of queries each
time) and committee.json is written meeting by meeting; published PDFs are read one at a
time. Orders are stable, so two exports of the same data hold the same files.

Other apps add their parts with `register_archive_part` from their AppConfig.ready() (the
actions app: the actions and their history, and actions.csv): the archive knows where such
parts go, not what they are.
"""

import datetime
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from minutes.conventions_file import export as export_conventions
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    Meeting,
    MinutesRevision,
    MinutesTransition,
    PublishedMinutes,
    number_items,
)
from minutes.services.committees import DEFAULT_STATUSES

FORMAT = "minutes-and-actions committee archive"
FORMAT_VERSION = 1
MEETINGS_PER_QUERY = 50
# The zip's bytes are handed on once this much is written (and after every file).
CHUNK_SIZE = 64 * 1024
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}

README = """\
Archive of the {name} ({code}), made by Minutes & Actions.

README.txt
    This file.

{code}.toml
    The committee's conventions file (numbering, decision lists, action references,
    statuses, seat categories, standard agenda, members), as
    `python manage.py export_committee {code}` prints it. `python manage.py
    configure_committee {code}.toml` sets a committee up from it.

committee.json
    One JSON document (UTF-8): "committee" (its conventions), "seat_categories",
    "statuses", "standard_agenda", then "meetings", oldest number first, each with its
    attendance, its items as printed (numbers, headings, paper references, minutes text
    as HTML, sub-items) with their decisions and footnotes, its life cycle
    ("transitions"), its circulated revisions, its published versions and its history:
    every recorded change to the meeting, its items, decisions, footnotes and attendance,
    deleted ones included ("history", oldest first; "values" are the stored columns,
    foreign keys as ids). Dates and times are ISO 8601; a moment something was recorded
    carries its offset from UTC (+00:00).
{parts}
published/
    Every published version of the minutes, byte for byte as stored when it was
    published: <meeting reference>_v<version>.pdf (OPSG_55_v1.pdf, and _v2 after an
    amendment). SHA256SUMS lists the SHA-256 stored for each: check them with
    `cd published && sha256sum -c SHA256SUMS`.
"""


@dataclass(frozen=True)
class ArchivePart:
    """What another app adds to the archive."""

    name: str  # with `records`: the list it fills in committee.json
    records: Callable | None = None  # records(committee): JSON-ready dicts, in a stable order
    files: Callable | None = None  # files(committee): (name, pieces of bytes or str) for each file it adds
    readme: str = ""  # what it adds, for README.txt ({code} is the committee's code)


_parts = {}


def register_archive_part(name, *, records=None, files=None, readme=""):
    """Add to every archive the list `name` of committee.json (entries from `records(committee)`), the
    files `files(committee)` gives, and `readme` to README.txt. Call this from an AppConfig.ready();
    registering a name again replaces it. Read the committee's rows a chunk at a time: the archive must
    not need them all in memory."""
    _parts[name] = ArchivePart(name, records, files, readme)


def archive_filename(committee, on=None):
    """OPSG_archive_2026-03-16.zip"""
    return f"{committee.code}_archive_{(on or timezone.localdate()):%Y-%m-%d}.zip"


def pdf_name(reference, version, extension="pdf"):
    """OPSG_55_v1.pdf; the original file's extension for minutes imported as a record (OPSG_12_v1.docx)."""
    return f"{reference}_v{version}.{extension}"


# ---- JSON ------------------------------------------------------------------------------


def _default(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value, level=0):
    """`value` as indented JSON, to stand `level` levels deep in committee.json."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=_default)
    # JSON strings hold no raw newline: every newline is the indentation's.
    return text.replace("\n", "\n" + "  " * level)


def username(user):
    return user.get_username() if user is not None else None


def history_records(model, condition, *, m2m_fields=(), leave_out=()):
    """The django-simple-history records of `model` matching `condition` (on its history table), oldest
    first, as JSON-ready dicts: the object's id, when, what (created, changed, deleted), who, and the
    stored columns but `leave_out` (foreign keys as ids; `m2m_fields` as sorted lists of ids)."""
    history = model.history.model
    records = list(
        history.objects.filter(condition)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    related = {}
    for name in m2m_fields:
        through = getattr(history, name).model
        target = model._meta.get_field(name).m2m_reverse_field_name()
        recorded = history.objects.filter(condition).values("history_id")
        rows = through.objects.filter(history_id__in=recorded).values_list("history_id", f"{target}_id")
        for history_id, pk in rows:
            related.setdefault((history_id, name), []).append(pk)
    return [
        {
            "id": record.id,
            "history_id": record.history_id,
            "date": record.history_date,
            "type": HISTORY_TYPES.get(record.history_type, record.history_type),
            "user": username(record.history_user),
            "reason": record.history_change_reason or None,
            "values": {
                **{
                    field.attname: getattr(record, field.attname)
                    for field in record.tracked_fields
                    if field.name not in leave_out
                },
                **{name: sorted(related.get((record.history_id, name), [])) for name in m2m_fields},
            },
        }
        for record in records
    ]


def _committee(committee):
    statuses = list(committee.action_statuses.all())
    if statuses:
        statuses = [{"id": s.pk, "label": s.label, "open": s.is_open} for s in statuses]
    else:
        statuses = [{"id": None, "label": label, "open": is_open} for label, is_open in DEFAULT_STATUSES]
    agenda = list(committee.standard_agenda_items.all())

    def entry(row):
        children = [child for child in agenda if child.parent_id == row.pk]
        return {
            "title": row.title,
            "kind": row.kind,
            "text": row.text,
            "children": [entry(child) for child in children],
        }

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "committee": {
            "code": committee.code,
            "name": committee.name,
            "decision_name": committee.decision_name,
            "decision_verbs": committee.verbs,
            "decision_list": committee.decision_list,
            "item_numbering": committee.item_numbering,
            "print_paper_references": committee.print_paper_references,
            "action_reference": committee.action_reference,
            "action_numbering": committee.action_numbering,
            "last_action_number": committee.last_action_number,
            "attendance_columns": committee.attendance_column_list,
            "attendance_grouping": committee.attendance_grouping,
        },
        "seat_categories": [
            {"id": category.pk, "name": category.name, "position": category.position}
            for category in committee.seat_categories.all()
        ],
        "statuses": statuses,
        "standard_agenda": [entry(row) for row in agenda if row.parent_id is None],
    }


def _grouped(rows, key):
    grouped = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def _item(item, decisions, footnotes):
    return {
        "id": item.pk,
        "number": item.number,
        "kind": item.kind,
        "heading": item.is_heading,
        "title": item.title,
        "paper_reference": item.paper_reference,
        "minutes_text": item.minutes_text,
        "deferred": item.is_deferred,
        "deferred_note": item.deferred_note,
        "updated_at": item.updated_at,
        "decisions": [
            {
                "id": decision.pk,
                "verb": decision.verb,
                "text": decision.text,
                "position": decision.position,
                "approves_minutes_of": (
                    decision.approves_minutes_of.reference if decision.approves_minutes_of_id else None
                ),
            }
            for decision in decisions.get(item.pk, [])
        ],
        "footnotes": [
            {
                "id": footnote.pk,
                "anchor_text": footnote.anchor_text,
                "occurrence": footnote.occurrence,
                "text": footnote.text,
                "position": footnote.position,
            }
            for footnote in footnotes.get(item.pk, [])
        ],
        "sub_items": [_item(child, decisions, footnotes) for child in item.sub_items],
    }


def _attendance(attendance, numbers):
    def item(pk):
        return {"id": pk, "number": numbers.get(pk)} if pk else None

    return {
        "id": attendance.pk,
        "person": attendance.person.name,
        "organisation": attendance.person.organisation.name if attendance.person.organisation_id else None,
        "seat_category": attendance.seat_category.name,
        "status": attendance.status,
        "role_note": attendance.role_note,
        "initials": attendance.initials,
        "remote": attendance.remote,
        "alternate_for": (
            {"id": attendance.alternate_for_id, "person": attendance.alternate_for.person.name}
            if attendance.alternate_for_id
            else None
        ),
        "joined_at_item": item(attendance.joined_at_item_id),
        "left_after_item": item(attendance.left_after_item_id),
        "position": attendance.position,
    }


def _meeting_history(ids):
    """Every recorded change to the meetings `ids` and their parts, deleted ones included, by meeting."""
    items = AgendaItem.history.model.objects.filter(meeting_id__in=ids).values("id")
    item_meeting = dict(
        AgendaItem.history.model.objects.filter(meeting_id__in=ids).values_list("id", "meeting_id").distinct()
    )
    records = []
    for kind, model, condition, meeting_of in (
        ("meeting", Meeting, Q(id__in=ids), lambda record: record["id"]),
        ("item", AgendaItem, Q(meeting_id__in=ids), lambda record: record["values"]["meeting_id"]),
        (
            "decision",
            Decision,
            Q(item_id__in=items),
            lambda record: item_meeting.get(record["values"]["item_id"]),
        ),
        (
            "footnote",
            Footnote,
            Q(item_id__in=items),
            lambda record: item_meeting.get(record["values"]["item_id"]),
        ),
        ("attendance", Attendance, Q(meeting_id__in=ids), lambda record: record["values"]["meeting_id"]),
    ):
        for record in history_records(model, condition):
            records.append((meeting_of(record), {"object": kind, **record}))
    records.sort(key=lambda pair: (pair[1]["date"], pair[1]["history_id"], pair[1]["object"]))
    by_meeting = {}
    for meeting_id, record in records:
        by_meeting.setdefault(meeting_id, []).append(record)
    return by_meeting


def _meetings_chunk(committee, ids):
    """The meetings `ids` of the committee as committee.json holds them, in the order of `ids`."""
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(pk__in=ids).select_related("approved_at_meeting__committee")
    }
    items = _grouped(AgendaItem.objects.filter(meeting_id__in=ids), lambda item: item.meeting_id)
    decisions = _grouped(
        Decision.objects.filter(item__meeting_id__in=ids).select_related("approves_minutes_of__committee"),
        lambda decision: decision.item_id,
    )
    footnotes = _grouped(Footnote.objects.filter(item__meeting_id__in=ids), lambda footnote: footnote.item_id)
    attendances = _grouped(
        Attendance.objects.filter(meeting_id__in=ids).select_related(
            "person__organisation", "seat_category", "alternate_for__person"
        ),
        lambda attendance: attendance.meeting_id,
    )
    transitions = _grouped(
        MinutesTransition.objects.filter(meeting_id__in=ids).select_related("by"), lambda row: row.meeting_id
    )
    revisions = _grouped(
        MinutesRevision.objects.filter(meeting_id__in=ids)
        .defer("snapshot", "html")
        .select_related("created_by"),
        lambda row: row.meeting_id,
    )
    published = _grouped(
        PublishedMinutes.objects.filter(meeting_id__in=ids).defer("pdf").select_related("published_by"),
        lambda row: row.meeting_id,
    )
    history = _meeting_history(ids)
    for pk in ids:
        meeting = meetings[pk]
        meeting.committee = committee
        meeting_items = items.get(pk, [])
        top = number_items(meeting_items, start=meeting.first_item_number)
        numbers = {item.pk: item.number for item in meeting_items}
        yield {
            "id": meeting.pk,
            "reference": meeting.reference,
            "number": meeting.number,
            "kind": meeting.kind,
            "held_on": meeting.held_on,
            "start_time": meeting.start_time,
            "end_time": meeting.end_time,
            "location": meeting.location,
            "minutes_status": meeting.minutes_status,
            "first_item_number": meeting.first_item_number,
            "next_main_meeting_on": meeting.next_main_meeting_on,
            "next_reporting_meeting_on": meeting.next_reporting_meeting_on,
            "created_at": meeting.created_at,
            "approved_at_meeting": (
                meeting.approved_at_meeting.reference if meeting.approved_at_meeting_id else None
            ),
            "printed_conventions": meeting.printed_conventions,
            "attendance": [_attendance(row, numbers) for row in attendances.get(pk, [])],
            "items": [_item(item, decisions, footnotes) for item in top],
            "transitions": [
                {
                    "from": row.from_status,
                    "to": row.to_status,
                    "by": username(row.by),
                    "at": row.at,
                    "note": row.note,
                }
                for row in transitions.get(pk, [])
            ],
            "revisions": [
                {
                    "number": row.number,
                    "created_at": row.created_at,
                    "created_by": username(row.created_by),
                    "note": row.note,
                }
                for row in revisions.get(pk, [])
            ],
            "published_versions": [
                {
                    "version": row.version,
                    "file": f"published/{pdf_name(meeting.reference, row.version, row.extension)}",
                    "sha256": row.sha256,
                    "published_at": row.published_at,
                    "published_by": username(row.published_by),
                    "note": row.note,
                }
                for row in published.get(pk, [])
            ],
            "history": history.get(pk, []),
        }


def chunked(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def meeting_records(committee):
    """Every meeting of the committee as committee.json holds it, by number, a chunk of meetings at a time."""
    ids = list(Meeting.objects.filter(committee=committee).order_by("number").values_list("pk", flat=True))
    for chunk in chunked(ids, MEETINGS_PER_QUERY):
        yield from _meetings_chunk(committee, chunk)


def committee_json(committee):
    """committee.json, piece by piece (str): one JSON document, a meeting (or a part's entry) a piece."""
    head = _committee(committee)
    yield "{\n"
    for key, value in head.items():
        yield f"  {json.dumps(key)}: {dumps(value, 1)},\n"
    sections = [("meetings", meeting_records(committee))]
    sections += [(part.name, part.records(committee)) for part in _parts.values() if part.records]
    for index, (key, records) in enumerate(sections):
        yield f"  {json.dumps(key)}: ["
        empty = True
        for record in records:
            yield ("\n    " if empty else ",\n    ") + dumps(record, 2)
            empty = False
        yield ("]" if empty else "\n  ]") + ("," if index < len(sections) - 1 else "") + "\n"
    yield "}\n"


# ---- Published PDFs -----------------------------------------------------------------------


def published_rows(committee):
    """(id, file name, sha256, published_at) of every published version, by meeting number and
    version; the files themselves are read one at a time (stored_pdf)."""
    return [
        (
            pk,
            pdf_name(
                f"{committee.code}_{number}",
                version,
                PublishedMinutes(filename=filename, content_type=kind).extension,
            ),
            sha256,
            published_at,
        )
        for pk, number, version, sha256, published_at, filename, kind in PublishedMinutes.objects.filter(
            meeting__committee=committee
        )
        .order_by("meeting__number", "version")
        .values_list("pk", "meeting__number", "version", "sha256", "published_at", "filename", "content_type")
    ]


def stored_pdf(pk):
    """The bytes of a published version, as stored."""
    return bytes(PublishedMinutes.objects.filter(pk=pk).values_list("pdf", flat=True).get())


def sha256sums(rows):
    """sha256sum's format: "<hex>  <name>" a line."""
    return "".join(f"{sha256}  {name}\n" for _, name, sha256, _ in rows)


# ---- The zip -----------------------------------------------------------------------------


class _Sink:
    """Where zipfile writes: collects the bytes until they are taken. It cannot seek or tell, so
    zipfile streams (each entry followed by a data descriptor)."""

    def __init__(self):
        self.chunks = []
        self.size = 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


def _entry(name, when):
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(when).timetuple()[:6])
    # Deflated throughout, PDFs too: streaming readers (Java's among them) refuse stored entries
    # followed by a data descriptor, which is how a zip written as a stream ends each entry.
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _files(committee):
    """(name, modified, pieces) of every file of the archive, in order; pieces are str or bytes."""
    now = timezone.now()
    parts = list(_parts.values())
    readme = README.format(
        name=committee.name,
        code=committee.code,
        parts="".join(part.readme.format(code=committee.code) for part in parts),
    )
    yield "README.txt", now, [readme]
    yield f"{committee.code}.toml", now, [export_conventions(committee)]
    yield "committee.json", now, committee_json(committee)
    for part in parts:
        if part.files is not None:
            for name, pieces in part.files(committee):
                yield name, now, pieces
    rows = published_rows(committee)
    for pk, name, _, published_at in rows:
        # Read when its entry is about to be written: a PDF or two in memory at a time, never all.
        yield f"published/{name}", published_at, [stored_pdf(pk)]
    if rows:
        yield "published/SHA256SUMS", now, [sha256sums(rows)]


def archive_chunks(committee):
    """The committee's archive as a zip, in chunks of bytes as they are written (see the module's doc)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, when, pieces in _files(committee):
            with archive.open(_entry(name, when), mode="w") as out:
                for piece in pieces:
                    out.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
                    if sink.size >= CHUNK_SIZE:
                        yield sink.take()
            if sink.size:
                yield sink.take()
    if sink.size:
        yield sink.take()

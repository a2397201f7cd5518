"""The audit engine: pages of recorded changes, newest first, as people read them.

The rows come from django-simple-history (registered in minutes/audit.py and by
other apps) and, for the minutes' status, from MinutesTransition. A `Source`
describes one tracked model and how its entries read; `history_page` pages
through any list of sources. A page costs the same number of queries whatever
the number of changes: one query pages through a UNION of the history tables
(newest first), two per kind of row on the page fetch its rows and their
previous versions, one per many-to-many field of those rows fetches its values,
and one per kind of related object names what changed fields point at.

This module knows the minutes' own sources (MEETING_SOURCES). Other apps bring
theirs, and add links to the meeting's history page with
`register_meeting_links`.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime

from minutes import redline
from minutes.audit import LIFECYCLE_FIELDS, diff_fields
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    Meeting,
    MinutesTransition,
    Person,
    display_name,
)

PER_PAGE = 50
HTML_FIELDS = {"minutes_text"}
# Unchanged stretches of a long text are shortened to their ends.
CONTEXT_WORDS = 8

CREATED, CHANGED, DELETED = "+", "~", "-"


# ---- What a page lists ------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of historical row shown on a page, and how its entries read."""

    key: str
    label: str
    model: type  # the tracked model; its history model is `model.history.model`
    # What someone did, by history type: "+", "~", "-"; {subject} names the row.
    sentences: tuple
    # Fields that only repeat where the page already is (the meeting of an item).
    context_fields: tuple = ()
    quiet_fields: tuple = ()
    # How an entry names its row: subject(record, names) -> "“Reports”"; str(record) if None.
    subject: Callable | None = None
    # The foreign keys `subject` names: fetched with the page's other names.
    subject_fields: tuple = ()
    # Many-to-many fields recorded with each row (simple_history's m2m_fields),
    # shown together as one change labelled `m2m_label`.
    m2m_fields: tuple = ()
    m2m_label: str = ""

    @property
    def history(self):
        return self.model.history.model

    def sentence(self, history_type, subject):
        index = {CREATED: 0, CHANGED: 1, DELETED: 2}.get(history_type, 1)
        return self.sentences[index].format(subject=subject)

    def related_model(self, name):
        return self.model._meta.get_field(name).related_model


# ---- Links on the meeting's history page, from other apps -------------------


@dataclass(frozen=True)
class MeetingHistoryLink:
    """A link from a meeting's history page to the history of something raised there."""

    label: str
    url: str
    is_deleted: bool = False


@dataclass(frozen=True)
class MeetingLinks:
    """One section of links on a meeting's history page."""

    key: str  # the section's heading has the id "<key>-heading"
    heading: str
    links: list


_meeting_links = {}


def register_meeting_links(provider, *, key, heading):
    """Show a section of links on every meeting's history page: `provider(meeting)` lists them.

    `provider` returns MeetingHistoryLinks; a section with none is left out. Call
    this from an AppConfig.ready(); registering a key again replaces it.
    """
    _meeting_links[key] = (heading, provider)


def meeting_links(meeting):
    """The sections of links registered for the meeting's history page, in the order registered."""
    sections = []
    for key, (heading, provider) in _meeting_links.items():
        links = list(provider(meeting))
        if links:
            sections.append(MeetingLinks(key, heading, links))
    return sections


# ---- Entries as the page shows them ----------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    # For long texts: [(kind, text)] with kind "same", "removed" or "added".
    segments: list | None = None


@dataclass
class Entry:
    at: object
    who: str
    kind: str
    summary: str  # what they did: "changed agenda item “Reports”"
    changes: list = field(default_factory=list)
    note: str = ""
    # Created and deleted entries list values as they stood, not old → new.
    lists_values: bool = False


def _who(user):
    return "The system" if user is None else display_name(user)


def _plain(value, name):
    text = str(value or "")
    if name in HTML_FIELDS:
        text = re.sub(r"(?i)</(p|li|h\d|div|ul|ol)>|<br\s*/?>", "\n", text)
        text = html.unescape(strip_tags(text))
    return text.strip()


# ---- Word diffs of long texts -----------------------------------------------

# redline.word_diff joins all whitespace into single spaces: line breaks are
# kept through it as a word of their own. Its first token has no leading space,
# unlike the others, so both texts start with the same word (dropped again).
_LINE_BREAK, _START = "\ue000", "\ue001"


def _words(text):
    return re.findall(r"\s+|\S+", text)


def _shorten(words):
    if len(words) <= 2 * CONTEXT_WORDS + 1:
        return "".join(words)
    return "".join(words[:CONTEXT_WORDS]) + " … " + "".join(words[-CONTEXT_WORDS:])


def _kept_words(stream):
    """Where the words unchanged on both sides are in `stream` ([(kind, char)]): [(start, end)].

    A word is kept when all its characters are equal and, in both texts, a space
    (or the text's end) stands on either side of it; any other word changed.
    """

    def at_boundary(index, step, side):
        index += step
        while 0 <= index < len(stream):
            kind, char = stream[index]
            if kind in side:
                return char == " "
            index += step
        return True

    sides = ((redline.EQUAL, redline.DELETED), (redline.EQUAL, redline.INSERTED))
    kept, start = [], None
    for index, (kind, char) in enumerate([*stream, (None, " ")]):
        if kind == redline.EQUAL and char != " ":
            if start is None:
                start = index
            continue
        if start is not None:
            ends = ((start, -1), (index - 1, 1))
            if all(at_boundary(i, step, side) for i, step in ends for side in sides):
                kept.append((start, index))
            start = None
    return kept


def word_segments(old, new):
    """The changes between two texts, word by word, as [(kind, text)]: "same", "removed", "added".

    redline.word_diff compares them; its segments are widened to whole words (a
    changed comma shows its word changed) and long unchanged stretches shortened.
    """

    def marked(text):
        return f"{_START} " + text.replace("\n", f" {_LINE_BREAK} ")

    stream = [(s.kind, char) for s in redline.word_diff(marked(old), marked(new)) for char in s.text]
    pieces = []

    def add(kind, text):
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1][1] += text
        else:
            pieces.append([kind, text])

    def changed(entries):
        removed = "".join(char for kind, char in entries if kind != redline.INSERTED)
        added = "".join(char for kind, char in entries if kind != redline.DELETED)
        if removed == added:
            add("same", removed)
            return
        head = " " if removed.startswith(" ") and added.startswith(" ") else ""
        removed, added = removed[len(head) :], added[len(head) :]
        tail = " " if removed.endswith(" ") and added.endswith(" ") else ""
        add("same", head)
        add("removed", removed[: len(removed) - len(tail)])
        add("added", added[: len(added) - len(tail)])
        add("same", tail)

    position = 0
    for start, end in _kept_words(stream):
        changed(stream[position:start])
        add("same", "".join(char for _, char in stream[start:end]))
        position = end
    changed(stream[position:])

    pieces[0][1] = pieces[0][1].removeprefix(_START)
    for piece in pieces:
        if piece[1]:
            piece[1] = piece[1].removeprefix(" ")
            break
    pieces = [piece for piece in pieces if piece[1]]
    for piece in pieces:
        piece[1] = re.sub(f" ?{_LINE_BREAK} ?", "\n", piece[1])
    # A word added or removed alone: the space it shares goes with the longer
    # unchanged side, as a diff of words and spaces would have it.
    for before, change, after in zip(pieces, pieces[1:], pieces[2:], strict=False):
        alone = (before[0], after[0]) == ("same", "same")
        shared = before[1].endswith(" ") and change[1].endswith(" ")
        if alone and shared and len(_words(" " + after[1])) > len(_words(before[1])):
            before[1], change[1], after[1] = before[1][:-1], " " + change[1][:-1], " " + after[1]
    return [(kind, _shorten(_words(text)) if kind == "same" else text) for kind, text in pieces if text]


# ---- Names of related objects -----------------------------------------------


class Names:
    """What foreign keys point at, by name: collected first, then fetched in one query per model."""

    def __init__(self):
        self.wanted = {}
        self.found = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self):
        User = get_user_model()
        for model, pks in self.wanted.items():
            if model is Meeting:
                rows = {
                    m.pk: m.reference for m in Meeting.objects.select_related("committee").filter(pk__in=pks)
                }
            elif model is AgendaItem:
                rows = dict(AgendaItem._base_manager.filter(pk__in=pks).values_list("pk", "title"))
                missing = pks - rows.keys()
                if missing:
                    # Items deleted since: their last recorded title.
                    recorded = AgendaItem.history.model.objects.filter(id__in=missing).order_by(
                        "id", "history_date", "history_id"
                    )
                    rows.update(
                        {pk: f"{title} (deleted)" for pk, title in recorded.values_list("id", "title")}
                    )
            elif model is User:
                rows = {user.pk: _who(user) for user in User._base_manager.filter(pk__in=pks)}
            elif model is Person:
                rows = dict(Person._base_manager.filter(pk__in=pks).values_list("pk", "name"))
            else:
                rows = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=pks)}
            self.found[model] = rows

    def __call__(self, model, pk):
        if pk is None:
            return ""
        return self.found.get(model, {}).get(pk, f"{model._meta.verbose_name} {pk} (deleted)")


# ---- Field values as the page shows them ------------------------------------


def _field(record, name):
    return record.instance_type._meta.get_field(name)


def _display(model_field, value, names):
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return names(model_field.related_model, value)
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(model_field, models.DateTimeField):
        return date_format(localtime(value), "j F Y, H:i")
    if isinstance(model_field, models.DateField):
        return date_format(value, "j F Y")
    if isinstance(model_field, models.TimeField):
        return value.strftime("%H:%M")
    return str(value)


def _change(model_field, old, new, names):
    label = capfirst(model_field.verbose_name)
    if isinstance(model_field, models.TextField):
        old_text, new_text = _plain(old, model_field.name), _plain(new, model_field.name)
        if old_text == new_text:
            return Change(label, segments=[("same", "(only the formatting changed)")])
        return Change(label, old_text, new_text, segments=word_segments(old_text, new_text))
    return Change(label, _display(model_field, old, names), _display(model_field, new, names))


def _value(model_field, value, names):
    if isinstance(model_field, models.TextField):
        return Change(capfirst(model_field.verbose_name), new=_plain(value, model_field.name))
    return Change(capfirst(model_field.verbose_name), new=_display(model_field, value, names))


# ---- Fetching a page --------------------------------------------------------


def _index(querysets):
    """One UNION over the history tables: (row_kind, row_id, row_at), newest first."""
    parts = [
        queryset.order_by().values(
            row_kind=Value(key, output_field=CharField()), row_id=F(id_field), row_at=F(at_field)
        )
        for key, queryset, id_field, at_field in querysets
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-row_at", "-row_id", "row_kind")


def _previous(history):
    """The history id of the version before each row (None for the first)."""
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    return Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])


def _fetch(source, ids):
    """The rows `ids` of a source's history with `previous`, the version before each."""
    history = source.history
    rows = list(
        history.objects.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(prev=_previous(history))
    )
    prev_ids = [row.prev for row in rows if row.prev is not None]
    previous = {row.history_id: row for row in history.objects.filter(history_id__in=prev_ids)}
    for row in rows:
        row.previous = previous.get(row.prev)
    return rows


def _m2m_values(source, records):
    """The many-to-many values recorded with each historical row: {history_id: {field: set of pks}}."""
    result = {record.history_id: {name: set() for name in source.m2m_fields} for record in records}
    if not records:
        return result
    for name in source.m2m_fields:
        m2m = getattr(source.history, name).model
        target = source.model._meta.get_field(name).m2m_reverse_field_name()
        rows = m2m.objects.filter(history_id__in=list(result)).values_list("history_id", f"{target}_id")
        for history_id, pk in rows:
            result[history_id][name].add(pk)
    return result


# ---- Entries ----------------------------------------------------------------


def _want_names(source, record, names):
    for name in diff_fields(record, [*source.context_fields, *source.quiet_fields]):
        model_field = _field(record, name)
        if model_field.is_relation:
            names.want(model_field.related_model, getattr(record, model_field.attname))


def _entry(source, record, names, m2m):
    subject = source.subject(record, names) if source.subject else str(record)
    entry = Entry(
        at=record.history_date,
        who=_who(record.history_user),
        kind=source.label,
        summary=source.sentence(record.history_type, subject),
    )
    if record.history_change_reason:
        # Why the change was made where the change was not typed ("imported from log.xlsx").
        entry.summary = f"{entry.summary}, {record.history_change_reason}"
    skip = set(source.context_fields) | set(source.quiet_fields)
    previous = record.previous
    if record.history_type == CHANGED and previous is not None:
        delta = record.diff_against(previous, excluded_fields=[*skip, *source.m2m_fields])
        for change in delta.changes:
            entry.changes.append(_change(_field(record, change.field), change.old, change.new, names))
    else:
        entry.lists_values = True
        if record.history_type == CHANGED:
            entry.note = "The first recorded version: the values as they stood then."
        for name in diff_fields(record, skip):
            model_field = _field(record, name)
            value = getattr(record, model_field.attname)
            if value not in (None, ""):
                entry.changes.append(_value(model_field, value, names))
    if m2m is not None:
        now = m2m.get(record.history_id, {})
        before = m2m.get(previous.history_id, {}) if previous is not None else {}
        if entry.lists_values or now != before:
            old_names = _m2m_names(source, before, names)
            new_names = _m2m_names(source, now, names)
            if entry.lists_values:
                if new_names:
                    entry.changes.append(Change(source.m2m_label, new=new_names))
            elif old_names != new_names:
                entry.changes.append(Change(source.m2m_label, old_names, new_names))
    return entry


def _m2m_names(source, values, names):
    listed = [
        names(source.related_model(name), pk) for name in source.m2m_fields for pk in values.get(name, ())
    ]
    return ", ".join(sorted(listed))


def _transition_entry(transition):
    statuses = dict(Meeting.Status.choices)
    if transition.from_status == Meeting.Status.PUBLISHED:
        summary = "started an amendment of the published minutes"
    else:
        summary = {
            Meeting.Status.DRAFT: "reopened the minutes as a draft",
            Meeting.Status.CIRCULATED: "circulated the minutes",
            Meeting.Status.APPROVED: "approved the minutes",
            Meeting.Status.PUBLISHED: "published the minutes",
        }.get(transition.to_status, "changed the minutes status")
    return Entry(
        at=transition.at,
        who=_who(transition.by),
        kind="Minutes",
        summary=summary,
        changes=[Change("Minutes status", statuses[transition.from_status], statuses[transition.to_status])],
        note=transition.note,
    )


def history_page(sources, scopes, *, page_number, transitions=None):
    """A page of entries, newest first, from `sources` (each limited by its scope) and transitions."""
    querysets = [
        (source.key, source.history.objects.filter(scopes[source.key]), "history_id", "history_date")
        for source in sources
    ]
    if transitions is not None:
        querysets.append(("transition", transitions, "id", "at"))
    page = Paginator(_index(querysets), PER_PAGE).get_page(page_number)
    rows = list(page.object_list)

    wanted = {}
    for row in rows:
        wanted.setdefault(row["row_kind"], []).append(row["row_id"])
    by_key = {source.key: source for source in sources}
    records = {}
    for key, ids in wanted.items():
        if key == "transition":
            fetched = transitions.filter(pk__in=ids).select_related("by")
            records.update({(key, t.pk): t for t in fetched})
        else:
            records.update({(key, r.history_id): r for r in _fetch(by_key[key], ids)})

    m2m = {}
    for key in wanted:
        source = by_key.get(key)
        if source is not None and source.m2m_fields:
            fetched = [r for (k, _), r in records.items() if k == key]
            m2m[key] = _m2m_values(source, fetched + [r.previous for r in fetched if r.previous is not None])

    names = Names()
    for (key, _), record in records.items():
        if key == "transition":
            continue
        source = by_key[key]
        for version in (record, record.previous):
            if version is not None:
                _want_names(source, version, names)
        for name in source.subject_fields:
            model_field = _field(record, name)
            names.want(model_field.related_model, getattr(record, model_field.attname))
    for key, values in m2m.items():
        source = by_key[key]
        for recorded in values.values():
            for name in source.m2m_fields:
                for pk in recorded[name]:
                    names.want(source.related_model(name), pk)
    names.fetch()

    entries = []
    for row in rows:
        record = records.get((row["row_kind"], row["row_id"]))
        if record is None:
            continue
        if row["row_kind"] == "transition":
            entries.append(_transition_entry(record))
        else:
            entries.append(_entry(by_key[row["row_kind"]], record, names, m2m.get(row["row_kind"])))
    return page, entries


# ---- The meeting's history --------------------------------------------------


def _decision_subject(record, names):
    text = Truncator(f"{record.verb} {record.text}").chars(90)
    return f"“{text}” on item “{names(AgendaItem, record.item_id)}”"


def _footnote_subject(record, names):
    return f"“{Truncator(record.text).chars(90)}” on item “{names(AgendaItem, record.item_id)}”"


MEETING_SOURCES = [
    Source(
        "meeting",
        "Meeting",
        Meeting,
        ("set up the meeting", "changed the meeting details", "deleted the meeting"),
        ("committee",),
        LIFECYCLE_FIELDS,
        subject=lambda record, names: "",
    ),
    Source(
        "item",
        "Agenda item",
        AgendaItem,
        ("added agenda item {subject}", "changed agenda item {subject}", "deleted agenda item {subject}"),
        ("meeting",),
        subject=lambda record, names: f"“{record.title}”",
    ),
    Source(
        "decision",
        "Decision",
        Decision,
        ("recorded decision {subject}", "changed decision {subject}", "deleted decision {subject}"),
        subject=_decision_subject,
        subject_fields=("item",),
    ),
    Source(
        "footnote",
        "Footnote",
        Footnote,
        ("added footnote {subject}", "changed footnote {subject}", "deleted footnote {subject}"),
        subject=_footnote_subject,
        subject_fields=("item",),
    ),
    Source(
        "attendance",
        "Attendance",
        Attendance,
        (
            "added {subject} to the attendance",
            "changed the attendance of {subject}",
            "removed {subject} from the attendance",
        ),
        ("meeting",),
        subject=lambda record, names: names(Person, record.person_id),
        subject_fields=("person",),
    ),
]


def _meeting_scopes(meeting):
    items = Q(item_id__in=AgendaItem._base_manager.filter(meeting=meeting).values("pk")) | Q(
        item_id__in=AgendaItem.history.model.objects.filter(meeting_id=meeting.pk).values("id")
    )
    return {
        "meeting": Q(id=meeting.pk),
        "item": Q(meeting_id=meeting.pk),
        "decision": items,
        "footnote": items,
        "attendance": Q(meeting_id=meeting.pk),
    }


def meeting_history_page(meeting, *, page_number):
    """A page of the meeting's history: its details, items, decisions, footnotes, attendance and status."""
    return history_page(
        MEETING_SOURCES,
        _meeting_scopes(meeting),
        page_number=page_number,
        transitions=MinutesTransition.objects.filter(meeting=meeting),
    )

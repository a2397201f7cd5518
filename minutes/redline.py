"""Redlines: what changed between two frozen revisions of a meeting's minutes.

`redline(old, new)` compares two `MinutesRevision.snapshot` dicts (see
`minutes.revisions.snapshot_of`) and returns one `ItemRedline` per item, in the
new revision's order, with removed items where they used to stand. The first
entry is the pseudo-item "Attendance and details".

Items are matched by their key (the database id), so an item that was
renumbered or moved is compared with itself. Within an item each part (minutes
paragraphs, decisions, actions, footnotes, outstanding rows) is a list of
blocks; a changed block carries a word-level diff as segments (equal, inserted,
deleted). A block deleted in one place and inserted in another, identically or
nearly so, is reported as moved ("Moved from item 3.2" / "Moved to item 4"),
not as an unrelated deletion and insertion.

Pure functions over plain data: no database, no templates.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

# A paragraph deleted in one place and inserted in another counts as moved when
# the two are at least this similar.
MOVE_RATIO = 0.9
# Within one changed stretch, an old and a new block at least this similar are
# shown as one edited block (a word-level diff) rather than replaced wholesale.
EDIT_RATIO = 0.5

EQUAL, INSERTED, DELETED = "equal", "inserted", "deleted"

# Block statuses.
UNCHANGED, CHANGED, ADDED, REMOVED, MOVED_HERE, MOVED_AWAY = (
    "unchanged",
    "changed",
    "inserted",
    "deleted",
    "moved_here",
    "moved_away",
)

DETAILS_KEY = "details"


@dataclass
class Segment:
    """A run of words that is the same in both revisions, or only in one of them."""

    kind: str
    text: str

    @property
    def is_equal(self):
        return self.kind == EQUAL

    @property
    def is_inserted(self):
        return self.kind == INSERTED

    @property
    def is_deleted(self):
        return self.kind == DELETED


@dataclass
class Block:
    """One paragraph, decision, action, footnote or table row, and how it changed."""

    status: str
    segments: list
    note: str = ""  # where a moved block came from or went to

    @property
    def text(self):
        """The block as it reads in the new revision (the old one for removed blocks)."""
        if self.status in (REMOVED, MOVED_AWAY):
            return "".join(s.text for s in self.segments)
        return "".join(s.text for s in self.segments if s.kind != DELETED)

    @property
    def is_changed(self):
        return self.status != UNCHANGED


@dataclass
class Section:
    """One part of an item: its paragraphs, decisions, actions, footnotes or outstanding rows."""

    name: str
    label: str
    blocks: list

    @property
    def is_changed(self):
        return any(block.is_changed for block in self.blocks)


@dataclass
class Marker:
    """What happened to an item as a whole: added, removed, renamed, renumbered, moved."""

    code: str
    text: str


@dataclass
class ItemRedline:
    """An item compared across two revisions."""

    key: str
    number: str
    title: str
    status: str  # unchanged, changed, inserted (added item) or deleted (removed item)
    title_segments: list
    level: int = 1
    old_number: str | None = None
    markers: list = field(default_factory=list)
    sections: list = field(default_factory=list)

    @property
    def is_unchanged(self):
        """Nothing in it reads differently. A renumbered item may still be unchanged."""
        return self.status == UNCHANGED

    def section(self, name):
        return next((section for section in self.sections if section.name == name), None)


# ---- Words -------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:[\w’']+|[^\w\s])")


def _normal(text):
    return " ".join((text or "").split())


def _tokens(text):
    return _TOKEN.findall(text)


def _similar(matcher, threshold):
    """The matcher's ratio if it may reach `threshold` (cheap upper bounds first), else 0."""
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


def _ratio(a, b, threshold):
    if a == b:
        return 1.0
    return _similar(difflib.SequenceMatcher(None, _tokens(a), _tokens(b), autojunk=False), threshold)


def word_diff(old, new):
    """Segments that turn `old` into `new`, word by word; deletions before insertions."""
    old, new = _normal(old), _normal(new)
    if old == new:
        return [Segment(EQUAL, new)] if new else []
    a, b = _tokens(old), _tokens(new)
    segments = []

    def add(kind, text):
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1].text += text
        else:
            segments.append(Segment(kind, text))

    pending_deleted, pending_inserted = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add(DELETED, "".join(pending_deleted))
            add(INSERTED, "".join(pending_inserted))
            pending_deleted, pending_inserted = [], []
            add(EQUAL, "".join(a[i1:i2]))
        else:
            pending_deleted += a[i1:i2]
            pending_inserted += b[j1:j2]
    add(DELETED, "".join(pending_deleted))
    add(INSERTED, "".join(pending_inserted))
    return segments


# ---- Blocks of one part ------------------------------------------------------


@dataclass
class _Unit:
    """A block's text in one revision, with what identifies it and where it stood."""

    key: str
    text: str
    index: int  # position within its part, from 0
    keyed: bool = False  # identified by a reference, not by its text


def _may_pair(old, new):
    """Blocks with references (actions, outstanding rows) pair only with the same reference."""
    return not (old.keyed or new.keyed) or old.key == new.key


@dataclass
class _Loose:
    """A block found only on one side of a part's alignment: a move or a plain change."""

    side: str  # "old" or "new"
    unit: _Unit
    group: str  # blocks move only within the same group (paragraphs with paragraphs)
    place: str  # "item 3.2", "Apologies"
    part: object  # the _Part it belongs to
    slot: list  # the output position it fills once resolved
    partner: "_Loose | None" = None


@dataclass
class _Part:
    name: str
    label: str
    group: str
    noun: str
    place_old: str
    place_new: str
    here: str  # how a move within the part names it: "this item", "Attendees"
    slots: list = field(default_factory=list)


def _units(texts, keys=None):
    units = []
    for index, text in enumerate(texts):
        text = _normal(text)
        if not text:
            continue
        key = keys[index] if keys else text
        units.append(_Unit(key=key or text, text=text, index=len(units), keyed=bool(keys and keys[index])))
    return units


def _align(part, old_units, new_units, loose):
    """Fill `part.slots` in reading order; record unmatched blocks in `loose`."""
    matcher = difflib.SequenceMatcher(
        None, [u.key for u in old_units], [u.key for u in new_units], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for old, new in zip(old_units[i1:i2], new_units[j1:j2], strict=True):
                if old.text == new.text:
                    part.slots.append([Block(UNCHANGED, [Segment(EQUAL, new.text)])])
                else:
                    part.slots.append([Block(CHANGED, word_diff(old.text, new.text))])
            continue
        olds = [_Loose("old", unit, part.group, part.place_old, part, []) for unit in old_units[i1:i2]]
        news = [_Loose("new", unit, part.group, part.place_new, part, []) for unit in new_units[j1:j2]]
        if olds and news:
            _pair_edits(olds, news)
        # Deleted blocks read before the inserted ones that replace them.
        for entry in olds + news:
            part.slots.append(entry.slot)
            loose.append(entry)


def _pair_edits(olds, news):
    """Pair old and new blocks of one changed stretch, in order, that are edits of each other."""
    start = 0
    for old in olds:
        best, best_ratio = None, 0.0
        for position in range(start, len(news)):
            if not _may_pair(old.unit, news[position].unit):
                continue
            ratio = _ratio(old.unit.text, news[position].unit.text, EDIT_RATIO)
            if ratio > best_ratio:
                best, best_ratio = position, ratio
        if best is not None:
            old.partner, news[best].partner = news[best], old
            start = best + 1


def _where(source, target, *, moved_from):
    """How a moved block names the place it came from (`moved_from`) or went to."""
    verb = "Moved from" if moved_from else "Moved to"
    if source.part is target.part:
        index = source.unit.index if moved_from else target.unit.index
        return f"{verb} {source.part.noun} {index + 1} of {source.part.here}"
    return f"{verb} {source.place if moved_from else target.place}"


def _resolve(loose):
    """Decide, for every unmatched block, whether it moved, was edited, or is new or gone."""
    olds = [entry for entry in loose if entry.side == "old"]
    news = [entry for entry in loose if entry.side == "new"]
    moves = []

    # 1. Identical text deleted in one place and inserted in another: moved.
    available = {}
    for entry in olds:
        available.setdefault((entry.group, entry.unit.text), []).append(entry)
    for entry in news:
        candidates = available.get((entry.group, entry.unit.text))
        if candidates:
            moves.append((candidates.pop(0), entry))

    moved = {id(entry) for pair in moves for entry in pair}

    # 2. Edits within one changed stretch, unless one side of the pair has moved.
    edits = []
    for entry in olds:
        partner = entry.partner
        if partner is not None and id(entry) not in moved and id(partner) not in moved:
            edits.append((entry, partner))
    edited = {id(entry) for pair in edits for entry in pair}

    # 3. Nearly identical text elsewhere: moved, with the small edit shown.
    rest_old = [e for e in olds if id(e) not in moved and id(e) not in edited]
    rest_new = [e for e in news if id(e) not in moved and id(e) not in edited]
    scored = []
    old_tokens = [_tokens(old.unit.text) for old in rest_old]
    for new in rest_new:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(_tokens(new.unit.text))  # the costly side, prepared once
        for old, tokens in zip(rest_old, old_tokens, strict=True):
            if old.group == new.group and _may_pair(old.unit, new.unit):
                matcher.set_seq1(tokens)
                ratio = _similar(matcher, MOVE_RATIO)
                if ratio:
                    scored.append((ratio, old, new))
    scored.sort(key=lambda entry: -entry[0])
    for _, old, new in scored:
        if id(old) not in moved and id(new) not in moved:
            moves.append((old, new))
            moved.update({id(old), id(new)})

    for old, new in moves:
        old.slot.append(
            Block(MOVED_AWAY, [Segment(EQUAL, old.unit.text)], _where(old, new, moved_from=False))
        )
        new.slot.append(
            Block(MOVED_HERE, word_diff(old.unit.text, new.unit.text), _where(old, new, moved_from=True))
        )
    for old, new in edits:
        # The edit is shown once, where the new text stands.
        new.slot.append(Block(CHANGED, word_diff(old.unit.text, new.unit.text)))
    for entry in loose:
        if id(entry) in moved or id(entry) in edited:
            continue
        if entry.side == "old":
            entry.slot.append(Block(REMOVED, [Segment(DELETED, entry.unit.text)]))
        else:
            entry.slot.append(Block(ADDED, [Segment(INSERTED, entry.unit.text)]))


# ---- Items -------------------------------------------------------------------

ITEM_PARTS = [
    # name, label, how a moved block names its position
    ("deferred", "Deferral", "note"),
    ("paragraphs", "Minutes", "paragraph"),
    ("outstanding", "Actions outstanding", "row"),
    ("actions", "Actions", "action"),
    ("decisions", "Decisions", "decision"),
    ("footnotes", "Footnotes", "footnote"),
]


def _date(value):
    if not value:
        return "N/A"
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _long_date(value):
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def _outstanding_line(row):
    return (
        f"{row.get('reference', '')}: {row.get('text', '')} "
        f"Raised {_date(row.get('raised_on'))}; last target date {_date(row.get('last_target_on'))}; "
        f"revised target date {_date(row.get('revised_target_on'))}; owner {row.get('owners') or 'N/A'}. "
        f"{row.get('update') or ''} Status: {row.get('status', '')}"
    )


def _item_texts(item, name):
    """The texts (and keys, for keyed parts) of part `name` of a snapshot item."""
    if item is None:
        return [], None
    if name == "deferred":
        if item.get("deferred") and item.get("deferred_note"):
            return [f"This item was deferred until {item['deferred_note']}."], None
        return [], None
    if name == "decisions":
        return ([item["decisions"]] if item.get("decisions") else []), None
    if name == "outstanding":
        rows = item.get("outstanding") or []
        return [_outstanding_line(row) for row in rows], [row.get("reference", "") for row in rows]
    if name == "actions":
        actions = list(item.get("actions") or [])
        return actions, [_action_reference(action) for action in actions]
    return list(item.get(name) or []), None


_ACTION_REFERENCE = re.compile(r"^\s*ACTION\s+(.+?):")


def _action_reference(text):
    match = _ACTION_REFERENCE.match(text or "")
    return match.group(1) if match else None


def _place(item):
    return f"item {item['number']}" if item else ""


def _item_order(old_items, new_items, moved):
    """The new order, with each removed item after the item it used to follow.

    Items that moved are no landmark: a removed item follows the nearest earlier
    item that kept its place.
    """
    new_keys = {item["key"] for item in new_items}
    after = {}
    previous = None
    for item in old_items:
        if item["key"] in new_keys:
            if item["key"] not in moved:
                previous = item["key"]
        else:
            after.setdefault(previous, []).append(item)
    order = [(None, item) for item in after.get(None, [])]
    for item in new_items:
        order.append((item, None))
        order += [(None, removed) for removed in after.get(item["key"], [])]
    return order


def _moved_keys(old_items, new_items):
    """Keys of items that stand in a different place: another parent, or out of order."""
    new_by_key = {item["key"]: item for item in new_items}
    kept_old = [item["key"] for item in old_items if item["key"] in new_by_key]
    old_parent = {item["key"]: item.get("parent") for item in old_items}
    kept_set = set(kept_old)
    kept_new = [item["key"] for item in new_items if item["key"] in kept_set]
    in_order = set()
    matcher = difflib.SequenceMatcher(None, kept_old, kept_new, autojunk=False)
    for block in matcher.get_matching_blocks():
        in_order.update(kept_old[block.a : block.a + block.size])
    return {
        key for key in kept_new if key not in in_order or old_parent.get(key) != new_by_key[key].get("parent")
    }


def _item_markers(old, new, moved):
    if old is None:
        return [Marker("added", "Added")]
    if new is None:
        return [Marker("removed", "Removed")]
    markers = []
    if old["key"] in moved:
        markers.append(Marker("moved", f"Moved (was item {old['number']})"))
    elif old["number"] != new["number"]:
        markers.append(Marker("renumbered", f"Renumbered (was {old['number']})"))
    if _normal(old["title"]) != _normal(new["title"]):
        markers.append(Marker("renamed", f"Renamed (was “{_normal(old['title'])}”)"))
    return markers


def _details_texts(snapshot):
    if not snapshot:
        return [], []
    time = snapshot.get("start_time") or ""
    if time and snapshot.get("end_time"):
        time = f"{time} – {snapshot['end_time']}"
    pairs = [
        ("date", f"Date: {_long_date(snapshot.get('held_on'))}"),
        ("time", f"Time: {time}" if time else ""),
        ("location", f"Location: {snapshot.get('location')}" if snapshot.get("location") else ""),
        (
            "next-main",
            f"Next main meeting: {_long_date(snapshot.get('next_main_meeting_on'))}"
            if snapshot.get("next_main_meeting_on")
            else "",
        ),
        (
            "next-reporting",
            f"Next reporting meeting: {_long_date(snapshot.get('next_reporting_meeting_on'))}"
            if snapshot.get("next_reporting_meeting_on")
            else "",
        ),
    ]
    pairs = [(key, text) for key, text in pairs if text]
    return [text for _, text in pairs], [key for key, _ in pairs]


def _people(snapshot, status):
    lines = []
    for category, people in (snapshot or {}).get(status) or []:
        lines += [f"{person} – {category}" for person in people]
    return lines


def redline(old_snapshot, new_snapshot):
    """Compare two revision snapshots: a list of ItemRedline, attendance and details first."""
    old_items = list(old_snapshot.get("items") or [])
    new_items = list(new_snapshot.get("items") or [])
    moved_items = _moved_keys(old_items, new_items)
    old_by_key = {item["key"]: item for item in old_items}
    loose = []
    results = []

    # Attendance and details: a pseudo-item; people may move between attendees and apologies.
    details = ItemRedline(
        key=DETAILS_KEY,
        number="",
        title="Attendance and details",
        status=UNCHANGED,
        title_segments=[Segment(EQUAL, "Attendance and details")],
    )
    for name, label, status in [
        ("present", "Attendees", "present"),
        ("apologies", "Apologies", "apologies"),
        ("observers", "Observers", "observers"),
    ]:
        part = _Part(name, label, "people", "entry", label, label, label)
        _align(part, _units(_people(old_snapshot, status)), _units(_people(new_snapshot, status)), loose)
        details.sections.append(part)
    where = "the meeting details"
    part = _Part("details", "Meeting details", "details", "line", where, where, where)
    old_texts, old_keys = _details_texts(old_snapshot)
    new_texts, new_keys = _details_texts(new_snapshot)
    _align(part, _units(old_texts, old_keys), _units(new_texts, new_keys), loose)
    details.sections.insert(0, part)
    results.append(details)

    for new, removed in _item_order(old_items, new_items, moved_items):
        old = removed if new is None else old_by_key.get(new["key"])
        current = new or old
        entry = ItemRedline(
            key=current["key"],
            number=current["number"],
            title=_normal(current["title"]),
            status=UNCHANGED,
            title_segments=word_diff(old["title"] if old else "", new["title"] if new else "")
            if old and new
            else [Segment(INSERTED if new else DELETED, _normal(current["title"]))],
            level=2 if current.get("parent") else 1,
            old_number=old["number"] if old else None,
            markers=_item_markers(old, new, moved_items),
        )
        for name, label, noun in ITEM_PARTS:
            # Blocks move only between parts of the same kind: paragraphs with paragraphs.
            part = _Part(name, label, name, noun, _place(old), _place(new), "this item")
            old_texts, old_keys = _item_texts(old, name)
            new_texts, new_keys = _item_texts(new, name)
            _align(part, _units(old_texts, old_keys), _units(new_texts, new_keys), loose)
            entry.sections.append(part)
        results.append(entry)

    _resolve(loose)

    for entry in results:
        entry.sections = [
            Section(part.name, part.label, [block for slot in part.slots for block in slot])
            for part in entry.sections
        ]
        entry.sections = [section for section in entry.sections if section.blocks]
        if entry.markers and entry.markers[0].code == "added":
            entry.status = ADDED
        elif entry.markers and entry.markers[0].code == "removed":
            entry.status = REMOVED
        elif any(section.is_changed for section in entry.sections) or any(
            marker.code in ("moved", "renamed") for marker in entry.markers
        ):
            entry.status = CHANGED
    return results

"""A committee's conventions as a TOML file, so that a secretariat can keep them in version control.

`configure(text)` creates or updates the committee the file names, all or nothing, and says
what changed; a file with an unknown key or a bad value is refused with its line and a clear
message, and nothing changes. `export(committee)` writes the file that configures the
committee as it is. See README ("Committee conventions as a file") for the keys.
"""

import re
import tomllib
from dataclasses import dataclass, field

import tomli_w
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from minutes.models import Committee, ItemKind, Membership
from minutes.services.committees import (
    committee_configure,
    committee_set_seat_categories,
    committee_set_standard_agenda,
    committee_set_statuses,
    committee_statuses,
    standard_agenda,
)

# Top-level keys and the committee fields they set.
FIELDS = {
    "name": "name",
    "lead_in": "decision_name",
    "decision_verbs": "decision_verbs",
    "decision_list": "decision_list",
    "item_numbering": "item_numbering",
    "paper_references": "print_paper_references",
    "action_reference": "action_reference",
    "action_numbering": "action_numbering",
    "attendance_columns": "attendance_columns",
    "attendance_grouping": "attendance_grouping",
}
TABLES = {
    "statuses": {"label", "open"},
    "seat_categories": {"name"},
    "standard_agenda": {"title", "kind", "heading", "text", "children"},
    "members": {"username", "role"},
}
KEYS = {"code", *FIELDS, *TABLES}
OPTIONAL = {"kind", "open", "heading", "text", "children"}
BOOLEANS = {"open", "heading"}
CHILD_KEYS = {"title", "kind", "text"}


class FileRefused(Exception):
    """The file cannot be applied; the message names the line and says what to do."""


@dataclass
class Report:
    created: bool = False
    changes: list = field(default_factory=list)

    def __str__(self):
        if not self.changes and not self.created:
            return "Nothing changed: the committee is as the file says."
        head = ["Created the committee."] if self.created else []
        return "\n".join(head + self.changes)


def _line(text, key, occurrence=0, entry_key=None):
    """The line number where `key` (a key, or "[[key]]" for a table) appears in the file; with
    `entry_key`, the line of that key in the `occurrence`-th entry of the table."""
    if key.startswith("[["):
        pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(key[2:-2])}[ \t]*\]\]", re.M)
    else:
        pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.M)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    start = matches[min(occurrence, len(matches) - 1)].start()
    if entry_key is not None:
        end = re.compile(r"^[ \t]*\[", re.M).search(text, start + 1)
        inside = re.compile(rf"^[ \t]*{re.escape(entry_key)}[ \t]*=", re.M).search(
            text, start, end.start() if end else len(text)
        )
        if inside is not None:
            start = inside.start()
    return text.count("\n", 0, start) + 1


def _refuse(text, key, message, occurrence=0, entry_key=None):
    line = _line(text, key, occurrence, entry_key)
    where = f"line {line}" if line else "the file"
    raise FileRefused(f"{where} ({key.strip('[]')}): {message}")


def _text(value, text, key, occurrence=0, entry_key=None):
    if not isinstance(value, str):
        _refuse(text, key, "give text in quotes.", occurrence, entry_key)
    return value.strip()


def parse(text):
    """The file as a dict of checked values; FileRefused (with the line) otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileRefused(f"This is not a TOML file: {error}.") from None
    for key in data:
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            _refuse(
                text,
                f"[[{key}]]" if isinstance(data[key], list) else key,
                f"unknown key; the keys are {known}.",
            )
    if "code" not in data:
        raise FileRefused('the file (code): give the committee\'s code, e.g. code = "OPSG".')
    checked = {"code": _text(data["code"], text, "code")}
    for key, name in FIELDS.items():
        if key not in data:
            continue
        value = data[key]
        if key == "paper_references":
            if not isinstance(value, bool):
                _refuse(text, key, "give true or false.")
        elif key == "decision_verbs":
            if not isinstance(value, list) or not all(isinstance(verb, str) for verb in value):
                _refuse(text, key, 'give a list of verbs, e.g. ["AGREED", "NOTED"].')
            value = "\n".join(verb.strip() for verb in value)
        elif key == "attendance_columns":
            if not isinstance(value, list) or not all(isinstance(column, str) for column in value):
                _refuse(text, key, 'give a list of columns, e.g. ["name", "initials", "organisation"].')
            value = ",".join(column.strip() for column in value)
        else:
            value = _text(value, text, key)
        checked[name] = value
    for table, allowed in TABLES.items():
        if table not in data:
            continue
        rows = data[table]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            _refuse(text, table, f"write each entry as a [[{table}]] table.")
        for index, row in enumerate(rows):
            for key in row:
                if key not in allowed:
                    _refuse(
                        text,
                        f"[[{table}]]",
                        f"entry {index + 1} has an unknown key {key!r}; the keys are {', '.join(sorted(allowed))}.",
                        index,
                        key,
                    )
            for key in allowed - OPTIONAL:
                if key not in row:
                    _refuse(text, f"[[{table}]]", f"entry {index + 1} needs {key}.", index)
            for key in BOOLEANS & row.keys():
                if not isinstance(row[key], bool):
                    _refuse(text, f"[[{table}]]", f"entry {index + 1}: {key} is true or false.", index, key)
            children = row.pop("children", [])
            row = {
                key: value if key in BOOLEANS else _text(value, text, f"[[{table}]]", index, key)
                for key, value in row.items()
            }
            if children:
                row["children"] = _children(text, table, index, children)
            rows[index] = row
        checked[table] = rows
    return checked


def _children(text, table, index, children):
    """The sub-items of a standard agenda entry ([[standard_agenda.children]]), checked."""
    where = f"[[{table}]]"
    if not isinstance(children, list) or not all(isinstance(child, dict) for child in children):
        _refuse(text, where, f"entry {index + 1}: write its sub-items as [[{table}.children]] tables.", index)
    checked = []
    for number, child in enumerate(children, start=1):
        unknown = child.keys() - CHILD_KEYS
        if unknown:
            _refuse(
                text,
                where,
                f"entry {index + 1}, sub-item {number} has an unknown key {sorted(unknown)[0]!r}; "
                f"the keys are {', '.join(sorted(CHILD_KEYS))}.",
                index,
            )
        if "title" not in child:
            _refuse(text, where, f"entry {index + 1}, sub-item {number} needs a title.", index)
        checked.append({key: _text(value, text, where, index) for key, value in child.items()})
    return checked


def _check_tables(text, data, committee):
    names = [row["name"] for row in data.get("seat_categories", [])]
    for index, name in enumerate(names):
        if name in names[:index]:
            _refuse(text, "[[seat_categories]]", f"{name!r} is listed twice.", index, "name")
    kinds = set(ItemKind.values) - {ItemKind.HEADING}
    for index, row in enumerate(data.get("standard_agenda", [])):
        for entry in (row, *row.get("children", [])):
            if entry.get("kind", ItemKind.ITEM) not in kinds:
                _refuse(
                    text,
                    "[[standard_agenda]]",
                    f"entry {index + 1}: kind is one of {', '.join(sorted(kinds))}.",
                    index,
                    "kind",
                )
            if not entry["title"]:
                _refuse(text, "[[standard_agenda]]", f"entry {index + 1} needs a title.", index)
        if row.get("heading") and row.get("children"):
            _refuse(
                text,
                "[[standard_agenda]]",
                f"entry {index + 1}: a heading takes no sub-items; the entries after it stand under it.",
                index,
            )
    roles = set(Membership.Role.values)
    users = get_user_model().objects
    for index, row in enumerate(data.get("members", [])):
        if row["role"] not in roles:
            _refuse(
                text,
                "[[members]]",
                f"entry {index + 1}: role is one of {', '.join(sorted(roles))}.",
                index,
                "role",
            )
        if not users.filter(username=row["username"]).exists():
            _refuse(
                text,
                "[[members]]",
                f"entry {index + 1}: no user {row['username']!r}: create it first.",
                index,
                "username",
            )


def configure(text):
    """Create or update the committee the file names, as it says: all or nothing. Returns a Report."""
    data = parse(text)
    report = Report()
    with transaction.atomic():
        committee = Committee.objects.filter(code=data["code"]).first()
        values = {name: data[name] for name in FIELDS.values() if name in data}
        if committee is None:
            for required in ("name", "decision_name"):
                if required not in values:
                    key = "lead_in" if required == "decision_name" else required
                    _refuse(text, "code", f"a new committee needs {key} too.")
            committee = Committee(code=data["code"], **values)
            try:
                committee.full_clean()
            except ValidationError as error:
                _refuse_validation(text, error)
            committee.save()
            report.created = True
        else:
            before = {name: getattr(committee, name) for name in values}
            try:
                changed = committee_configure(committee=committee, **values)
            except ValidationError as error:
                _refuse_validation(text, error)
            for name in changed:
                report.changes.append(f"{_key(name)}: {before[name]!r} -> {values[name]!r}")
        _check_tables(text, data, committee)
        if "statuses" in data:
            statuses = [(row["label"], row.get("open", True)) for row in data["statuses"]]
            try:
                report.changes += committee_set_statuses(committee=committee, statuses=statuses)
            except ValidationError as error:
                _refuse(text, "[[statuses]]", " ".join(error.messages))
        _apply_seat_categories(text, data, committee, report)
        _apply_standard_agenda(text, data, committee, report)
        _apply_members(data, committee, report)
    return committee, report


def _key(name):
    return next(key for key, field_name in FIELDS.items() if field_name == name)


def _refuse_validation(text, error):
    for name, messages in getattr(error, "message_dict", {"code": error.messages}).items():
        key = _key(name) if name in FIELDS.values() else name
        _refuse(text, key, " ".join(messages))


def _apply_seat_categories(text, data, committee, report):
    if "seat_categories" not in data:
        return
    existing = {category.name: category.pk for category in committee.seat_categories.all()}
    wanted = [(existing.get(row["name"]), row["name"]) for row in data["seat_categories"]]
    try:
        report.changes += committee_set_seat_categories(committee=committee, categories=wanted)
    except ValidationError as error:
        _refuse(text, "[[seat_categories]]", " ".join(error.messages))


def _entry(row):
    kind = ItemKind.HEADING if row.get("heading") else row.get("kind", ItemKind.ITEM)
    return (row["title"], kind, row.get("text", ""))


def _apply_standard_agenda(text, data, committee, report):
    if "standard_agenda" not in data:
        return
    wanted = [
        (_entry(row), [_entry(child) for child in row.get("children", [])]) for row in data["standard_agenda"]
    ]
    try:
        report.changes += committee_set_standard_agenda(committee=committee, entries=wanted)
    except ValidationError as error:
        _refuse(text, "[[standard_agenda]]", " ".join(error.messages))


def _apply_members(data, committee, report):
    users = get_user_model().objects
    for row in data.get("members", []):
        user = users.get(username=row["username"])
        membership = Membership.objects.filter(committee=committee, user=user).first()
        if membership is None:
            Membership.objects.create(committee=committee, user=user, role=row["role"])
            report.changes.append(f"member {row['username']!r} added as {row['role']}")
        elif membership.role != row["role"]:
            report.changes.append(f"member {row['username']!r}: {membership.role} -> {row['role']}")
            membership.role = row["role"]
            membership.save(update_fields=["role"])


def _exported_entry(entry, children):
    title, kind, text = entry
    row = {"title": title}
    if kind == ItemKind.HEADING:
        row["heading"] = True
    elif kind != ItemKind.ITEM:
        row["kind"] = kind
    if text:
        row["text"] = text
    if children:
        row["children"] = [_exported_entry(child, []) for child in children]
    return row


def export(committee):
    """The TOML file that configures `committee` as it is now."""
    data = {"code": committee.code}
    for key, name in FIELDS.items():
        value = getattr(committee, name)
        if key == "decision_verbs":
            value = committee.verbs
        elif key == "attendance_columns":
            value = committee.attendance_column_list
        data[key] = value
    data["statuses"] = [{"label": label, "open": is_open} for label, is_open in committee_statuses(committee)]
    data["seat_categories"] = [{"name": category.name} for category in committee.seat_categories.all()]
    data["standard_agenda"] = [
        _exported_entry(entry, children) for entry, children in standard_agenda(committee)
    ]
    data["members"] = [
        {"username": membership.user.get_username(), "role": membership.role}
        for membership in committee.memberships.select_related("user").order_by("user__username")
    ]
    return tomli_w.dumps(data)

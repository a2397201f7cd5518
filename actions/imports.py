"""Reading a committee's action log from a file, and what importing it would do.

A log is a CSV (UTF-8 with or without a byte order mark, comma, semicolon or tab separated)
or an XLSX workbook (its first sheet). Its columns are recognised by their usual headings
(COLUMN_HEADINGS); the heading row is the first row, within the first few, that names a
reference and an action. Each row becomes a RowPlan saying what importing it would do: a
new action, an update of the action with that reference, nothing (unchanged), or an error
with the row's number. Nothing here writes: actions/services/imports.py does, from a Plan.

Dates are read as UK secretariats write them (23/08/2021, 23 August 2021, 23-Aug-21,
2021-08-23), or as a spreadsheet stores them (a date cell, an Excel serial number).
Spreadsheet formulas are kept as the text they are, never run.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from minutes.conventions import reference_regex
from minutes.dates import parse_date as parse_date  # the import service reads dates with it
from minutes.uploads import MAX_FILE_BYTES as MAX_FILE_BYTES  # the import page says it
from minutes.uploads import UploadRefused, check_size, open_zip

MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10

# What a column holds, and the headings that name it (compared without case, spacing or
# punctuation): the headings of the product's own export are among them.
FIELDS = {
    "reference": "Reference",
    "text": "Action",
    "owners": "Owner(s)",
    "raised_on": "Date raised",
    "meeting": "Meeting raised at",
    "target_on": "Target date",
    "revised_target_on": "Revised target date",
    "status": "Status",
    "update": "Latest update",
    "update_on": "Date of the latest update",
    "closed_on": "Date closed",
}
COLUMN_HEADINGS = {
    "reference": [
        "reference",
        "ref",
        "action id",
        "action ref",
        "action reference",
        "action no",
        "action number",
        "no",
        "number",
        "id",
    ],
    "text": ["action", "description", "action description", "details", "action details"],
    "owners": ["owner", "owners", "owner s", "action owner", "action owners", "owned by", "responsible"],
    "raised_on": ["date raised", "raised on", "raised date", "date opened", "date"],
    "meeting": ["meeting", "raised at", "meeting raised", "raised at meeting", "source meeting"],
    # "Raised" says either: a date or a meeting, read cell by cell.
    "raised": ["raised"],
    "target_on": [
        "target date",
        "target",
        "due",
        "due date",
        "due by",
        "last target date",
        "original target date",
        "deadline",
    ],
    "revised_target_on": ["revised target date", "revised target", "revised due date", "new target date"],
    "status": ["status", "state", "action status"],
    "update": ["update", "latest update", "updates", "comments", "comment", "progress", "notes"],
    "update_on": ["latest update date", "update date", "date of update", "last updated"],
    "closed_on": ["date closed", "closed on", "closed date", "closure date", "date completed"],
}
HEADING_TO_FIELD = {heading: name for name, headings in COLUMN_HEADINGS.items() for heading in headings}
IGNORE = "ignore"
# A field no column gives, as a sentence names it.
MISSING_WORDS = {
    "reference": "the reference",
    "text": "the action",
    "raised_on": "the date raised or the meeting",
}
DATE_FIELDS = ("raised_on", "target_on", "revised_target_on", "update_on", "closed_on")

# Owners in one cell: "DCC, SECAS", "DCC / SECAS", "DCC and SECAS", one per line.
OWNER_SEPARATORS = re.compile(r"\s*(?:[,;/&\n]|\band\b)\s*", re.IGNORECASE)
# A meeting as a log names it: "OPSG 23", "OPSG_23", "OPSG23", "23", "Meeting 23".
MEETING_NAMED = re.compile(r"^\s*(?:[A-Za-z][A-Za-z ]*?)?[\s_#-]*(\d{1,5})\s*$")


class ImportFileError(ValueError):
    """A file that cannot be read as an action log; the message says why, for the person who sent it."""


def normalise(text):
    """A heading, name or label as compared: no case, punctuation or runs of spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split())


def name_key(name):
    """An owner's name as matched: case and spacing ignored."""
    return " ".join(str(name).split()).casefold()


# ---- Reading the file ------------------------------------------------------------------


@dataclass
class Table:
    """The log as read: its headings and its rows (row number as the spreadsheet shows it, cells)."""

    headings: list
    rows: list
    kind: str  # "CSV" or "XLSX"


def read_table(filename, data):
    """The log in `data` (bytes of the file called `filename`), or ImportFileError."""
    try:
        check_size(data)
    except UploadRefused as error:
        raise ImportFileError(str(error)) from None
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        rows, kind = _xlsx_rows(data), "XLSX"
    elif name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        rows, kind = _csv_rows(data), "CSV"
    else:
        raise ImportFileError(
            f"{filename} is neither a CSV nor an XLSX file: save the action log from your spreadsheet "
            "as CSV UTF-8 or as an Excel workbook (.xlsx)."
        )
    return _table(rows, kind)


def _csv_rows(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(
            "The file is in UTF-16 (Excel's “Unicode text”): save it as “CSV UTF-8 (comma delimited)”."
        )
    if b"\x00" in data[:4096]:
        raise ImportFileError("This is not a CSV file: it holds binary data.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_encoding_problem(data, error)) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"The CSV cannot be read: {error}.") from None


def _encoding_problem(data, error):
    """Which encoding a CSV that is not UTF-8 seems to be in, in words."""
    at = f"byte 0x{data[error.start]:02X} at position {error.start}"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        guess = "an encoding that is not UTF-8"
    else:
        guess = "Windows-1252 (Excel's plain “CSV (comma delimited)”)"
    return (
        f"The file is not UTF-8 ({at}); it looks like {guess}. "
        "Save it as “CSV UTF-8 (comma delimited)” and import it again."
    )


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        open_zip(
            data,
            kind="an XLSX file",
            noun="workbook",
            needs=("xl/workbook.xml",),
            advice="Save the action log on its own in a new workbook.",
        ).close()
    except UploadRefused as error:  # not a zip, a zip bomb, a zip without a workbook
        raise ImportFileError(str(error)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(f"The workbook cannot be read ({type(error).__name__}).") from None
    return rows


def _cell_text(value):
    """A cell as text: dates and numbers as a person reads them; formulas as typed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(rows, kind):
    rows = [[_cell_text(cell) for cell in row] for row in rows]
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(c != "" for c in row)]
    if not numbered:
        raise ImportFileError("The file has no rows.")
    if len(numbered) > MAX_ROWS + 1:
        raise ImportFileError(
            f"The file has {len(numbered) - 1:,} rows: import at most {MAX_ROWS:,} at a time."
        )
    header_at = 0
    for index, (_number, row) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        recognised = {recognise_heading(cell) for cell in row if isinstance(cell, str)} - {None}
        if {"reference", "text"} <= recognised or len(recognised) >= 3:
            header_at = index
            break
    headings = [str(cell) if cell != "" else "" for cell in numbered[header_at][1]]
    while headings and headings[-1] == "":
        headings.pop()
    if not headings:
        raise ImportFileError("The first row of the file names no columns.")
    return Table(headings=headings, rows=numbered[header_at + 1 :], kind=kind)


# ---- Columns ---------------------------------------------------------------------------


def recognise_heading(heading):
    """The field a heading usually names, or None."""
    return HEADING_TO_FIELD.get(normalise(heading))


def columns_for(headings, mapping=None):
    """{column index: field} for `headings`: `mapping` ({heading: field or IGNORE}, the secretary's
    choices) first, then the usual headings. Returns (columns, unrecognised headings)."""
    mapping = mapping or {}
    columns, unrecognised, taken = {}, [], set()
    for index, heading in enumerate(headings):
        if heading == "":
            continue
        chosen = mapping.get(heading)
        name = chosen if chosen is not None else recognise_heading(heading)
        if chosen is None and name is None:
            unrecognised.append(heading)
            continue
        if name == IGNORE or name in taken:
            continue
        taken.add(name)
        columns[index] = name
    return columns, unrecognised


def missing_fields(columns):
    """The fields an import cannot do without that no column gives."""
    given = set(columns.values())
    missing = [name for name in ("reference", "text") if name not in given]
    if not given & {"raised_on", "meeting", "raised"}:
        missing.append("raised_on")
    return missing


# ---- Cells -----------------------------------------------------------------------------


def owner_names(cell):
    return [name for name in (part.strip() for part in OWNER_SEPARATORS.split(cell or "")) if name]


def reference_reader(committee):
    """A function reading (meeting number or None, number or None) from a reference as the
    committee's pattern writes it ("OPSG 55/01" -> (55, 1), "Action 004" -> (None, 4));
    (None, None) for a reference the pattern does not write."""
    compiled = reference_regex(committee.action_reference, committee.code)

    def read(reference):
        match = compiled.match(reference)
        if match is None:
            return None, None
        found = match.groupdict()
        meeting = int(found["meeting"]) if found.get("meeting") else None
        return meeting, int(found["n"]) if found.get("n") else None

    return read


# ---- What an import would do -----------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    reference: str = ""
    outcome: str = ""  # "new", "updated", "unchanged" or "error"
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    meeting_number: int | None = None
    sequence: int | None = None

    @property
    def ok(self):
        return not self.errors


@dataclass
class Plan:
    kind: str
    unrecognised: list
    missing: list
    rows: list = field(default_factory=list)
    unknown_statuses: list = field(default_factory=list)
    new_owners: list = field(default_factory=list)  # (name, "organisation" or "person")
    new_meetings: list = field(default_factory=list)  # (number, date)

    @property
    def missing_words(self):
        """ "the reference, the action" for the fields no column gives."""
        words = [MISSING_WORDS[name] for name in self.missing]
        return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""

    @property
    def needs_mapping(self):
        return bool(self.unrecognised or self.missing or self.unknown_statuses)

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def valid(self):
        return [row for row in self.rows if not row.errors]

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self):
        return {outcome: self.count(outcome) for outcome in ("new", "updated", "unchanged", "error")}


def guess_owner_kind(name):
    """A new owner is a person when the name reads like one ("Jane Smith"), else an organisation
    ("DCC", "Elexon", "Code Administrator")."""
    words = name.split()
    looks_personal = 2 <= len(words) <= 4 and all(w[:1].isupper() and not w.isupper() for w in words)
    return "person" if looks_personal else "organisation"

"""Minutes read from a Word file (.docx): what `read_minutes_docx` recognised, for the import page's
preview and for `minutes.services.word_import`, which saves it.

The reader knows the structure minutes/docx.py writes (named styles, see its docstring), so a file
exported by the product reads back as the same meeting; in other Word minutes it recognises what
secretariats usually write: a title block or a "Date: …" / "Time: …" / "Location: …" header,
attendance and apologies tables, numbered headings ("3. PMR Report", "3.1 …") as items, the
committee's decision lines ("The OPSG AGREED …"), "ACTION <reference>: …" call-outs, footnotes and
Actions Outstanding tables. What it could not place goes into the text of the item it stands in and
is listed in `warnings`.

A file is read as the product's when it uses the title block's styles ("Minutes Status", …) or its
core properties say it was made here; then styles decide, and typed wording ("The OPSG AGREED …" in
a Normal paragraph) stays text. Other files are read by their wording, with these rules:

- title block, before the first item: "Date:", "Time:", "Location:"/"Venue:", "Meeting:" lines or a
  two-column table of them; the first short paragraph is the title (committee name, reference
  such as OPSG_55, "Draft"); "Present:"/"Apologies:" followed by a table, by a person a line, or
  by names in the line;
- items: Heading 1/2 paragraphs, and paragraphs numbered "3." / "3.1" (short, not a sentence;
  numbers must go up) or bold, short, numbered by Word; "Open Session" headings without a number;
- decisions: the committee's lead-in and one of its verbs, the verb in capitals or bold (a lead-in
  "The OPSG:" followed by "a) NOTED …" lines, or "NOTED …; and APPROVED …" in one paragraph);
- actions: "ACTION <reference>: text" where the reference is the committee's pattern (with no
  committee: any reference with a digit), with "Owner:" / "Target date:" in it or on the lines after;
- a table whose headings name an action's reference and text is an Actions Outstanding table.

Footnotes: Word footnotes (and endnotes, numbered after them) as printed, each anchored on the last
word before its call and that word's occurrence in the item's HTML, counted as
minutes.sanitize.anchor_offset counts, so that the mark lands where it stood. Tables in the minutes
text become HTML tables where the sanitiser allows them, else a paragraph per row ("a | b").
Left out and said in `warnings`: images, charts, text boxes, equations, hidden text, comments,
tables of contents, deleted tracked changes. A damaged paragraph or table keeps its words.

Nothing here writes to the database.
"""

import datetime
import html
import io
import itertools
import logging
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from minutes.conventions import PatternError, reference_regex
from minutes.dates import parse_date
from minutes.docx import (
    ACTION,
    ACTION_DETAILS,
    APOLOGIES_FROM_ATTENDANCE,
    ATTENDANCE_TABLE,
    ATTENDANCE_TITLE,
    DATE_AND_REFERENCE,
    DECISION,
    DECISION_ENTRY,
    DECISION_LEAD_IN,
    DEFERRED,
    HYPERLINK,
    ITEM_HEADINGS,
    ITEM_NUMBER,
    LOCATION,
    MINUTES_TEXT_TABLE,
    NEXT_MEETINGS,
    OUTSTANDING_TABLE,
    PAPER_REFERENCE,
    STATUS,
    TABLE_HEADING,
    TIME,
    TITLE,
)
from minutes.models import DEFAULT_DECISION_VERBS
from minutes.sanitize import ALLOWED_TAGS, anchor_offset, clean_minutes_html
from minutes.uploads import NotAZip, UploadRefused, ZipBomb, check_size, open_zip


class WordFileRefused(ValueError):
    """A file that cannot be imported as minutes; the message says why, for the person who sent it."""


@dataclass
class ImportedAttendee:
    name: str
    status: str  # "present", "apologies" or "observer" (Attendance.Status values)
    seat_category: str = ""  # as the file names it; "" when the file has none
    organisation: str = ""
    initials: str = ""
    role_note: str = ""  # e.g. "Chair", "Meeting Secretary"
    remote: bool = False
    sits_in_for: str = ""  # the absent member's name ("for X")
    # "from item 4" / "until item 6" / "items 4 to 6": the printed item numbers
    joined_at: str = ""
    left_after: str = ""


@dataclass
class ImportedDecision:
    verb: str  # "AGREED", as printed
    text: str  # what follows the verb, without the list's ending (";", "; and", ".")


@dataclass
class ImportedAction:
    """An action raised on an item (its call-out)."""

    reference: str  # exactly as the file has it, e.g. "OPSG 55/01"
    text: str
    owners: list = field(default_factory=list)  # names as printed
    target_on: datetime.date | None = None


@dataclass
class ImportedOutstanding:
    """A row of an Actions Outstanding table: an earlier action and what the meeting said about it."""

    reference: str
    text: str
    raised_on: datetime.date | None = None
    target_on: datetime.date | None = None  # last target date
    revised_target_on: datetime.date | None = None
    owners: list = field(default_factory=list)
    update: str = ""  # the update given at the meeting (may be empty)
    status: str = ""  # the status label printed after it ("Open", "Closed"; "" if none)


@dataclass
class ImportedFootnote:
    number: int  # as printed
    anchor_text: str  # the word(s) the mark follows in the item's text
    occurrence: int  # which occurrence of anchor_text in the item's text (1 = first)
    text: str


@dataclass
class ImportedItem:
    title: str
    kind: str = "item"  # ItemKind value: item, previous_minutes, actions_outstanding, heading, apologies
    number: str = ""  # as printed ("3", "3.1"; "" for a heading)
    paper_reference: str = ""
    minutes_html: str = ""  # sanitised (minutes.sanitize.clean_minutes_html), without footnote marks
    is_deferred: bool = False
    deferred_note: str = ""
    decisions: list = field(default_factory=list)  # [ImportedDecision]
    actions: list = field(default_factory=list)  # [ImportedAction]
    footnotes: list = field(default_factory=list)  # [ImportedFootnote]
    outstanding: list = field(default_factory=list)  # [ImportedOutstanding], Actions Outstanding only
    children: list = field(default_factory=list)  # [ImportedItem], one level only


@dataclass
class ImportedMinutes:
    committee_name: str = ""  # as the title block names it ("Operations Group")
    reference: str = ""  # "OPSG_55" where the file says it
    number: int | None = None  # the meeting's number, from the reference or a "Meeting" line
    held_on: datetime.date | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    location: str = ""
    draft: bool = True  # "Draft Minutes" (True) or "Minutes" (False)
    attendance: list = field(default_factory=list)  # [ImportedAttendee], in the file's order
    items: list = field(default_factory=list)  # [ImportedItem], top level, in order
    next_main_meeting_on: datetime.date | None = None
    next_reporting_meeting_on: datetime.date | None = None
    warnings: list = field(default_factory=list)  # [str] what was not recognised, in words

    def all_items(self):
        """Every item, sub-items after their parent, in print order."""
        for item in self.items:
            yield item
            yield from item.children


def read_minutes_docx(data, *, filename="", committee=None):
    """The minutes in `data` (the bytes of a .docx file called `filename`) as ImportedMinutes, or
    WordFileRefused. `committee` (a Committee), when given, lends its lead-in, decision verbs and
    action reference pattern to recognise decisions and actions in files not made by the product."""
    document = _open(data, filename)
    try:
        return _Reader(document, committee=committee, filename=filename).read()
    except DAMAGED:
        # Damage the reader could not work around block by block (styles, numbering, notes).
        logger.exception("Word import: %s could not be read", filename or "a file")
        raise WordFileRefused(
            f"{f'“{filename}”' if filename else 'This file'} is a damaged Word document and cannot be "
            "read. Open it in Word, save it again as a Word Document (.docx) and import the copy."
        ) from None


# ---- Refusing what is not a Word document ------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97–2003 files (.doc, .xls, .ppt, .msg)
SAVE_AS_DOCX = "open it in Word and save it as a Word Document (.docx), then import that file"


def _open(data, filename):
    """The python-docx Document of `data`, or WordFileRefused saying what the file seems to be."""
    try:
        check_size(data)
    except UploadRefused as error:
        raise WordFileRefused(str(error)) from None
    this = f"“{filename}”" if filename else "This file"
    if data[:2] != b"PK":
        raise WordFileRefused(f"{this} {_seems_to_be(data, filename)}")
    try:
        archive = open_zip(data, kind="a Word document", noun="Word document")
    except ZipBomb as error:
        raise WordFileRefused(f"{error} Save the minutes on their own in a new Word document.") from None
    except NotAZip:
        raise WordFileRefused(
            f"{this} is damaged: it starts like a Word document but cannot be opened as one. Open it in "
            "Word, save it again as a Word Document (.docx) and import the copy."
        ) from None
    except UploadRefused as error:
        raise WordFileRefused(str(error)) from None
    with archive:
        names = set(archive.namelist())
        if not any(name.startswith("word/") for name in names):
            raise WordFileRefused(f"{this} {_zip_seems_to_be(archive, names)}")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many kinds for a damaged package
        message = str(error)
        if "macroEnabled" in message:
            raise WordFileRefused(
                f"{this} is a macro-enabled Word document (.docm): {SAVE_AS_DOCX}."
            ) from None
        if "template" in message:
            raise WordFileRefused(f"{this} is a Word template (.dotx): {SAVE_AS_DOCX}.") from None
        raise WordFileRefused(
            f"{this} is a damaged Word document and cannot be read ({type(error).__name__}). Open it in "
            "Word, save it again as a Word Document (.docx) and import the copy."
        ) from None
    body = document.element.body
    if body is None:
        raise WordFileRefused(
            f"{this} is a damaged Word document: it has no body. Open it in Word, save it again as a "
            "Word Document (.docx) and import the copy."
        )
    if not body.xpath(".//w:t[normalize-space(.) != '']"):
        raise WordFileRefused(
            f"{this} is a Word document with no text in it: there are no minutes to import."
        )
    return document


def _seems_to_be(data, filename):
    """What a file that is not a zip seems to be, as the rest of a sentence."""
    name = (filename or "").lower()
    head = data[:1024]
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000]:
            return (
                "is a password-protected Word document, which cannot be read: open it in Word, remove "
                "the password (File › Info › Protect Document) and import it again."
            )
        if name.endswith((".xls", ".xlt")):
            return "is an old Excel workbook (.xls), not a Word document."
        if name.endswith((".ppt", ".pps")):
            return "is an old PowerPoint presentation (.ppt), not a Word document."
        if name.endswith(".msg"):
            return "is an Outlook message, not a Word document: save its attachment and import that."
        return f"is a Word 97–2003 document (.doc), which cannot be read: {SAVE_AS_DOCX}."
    if b"%PDF-" in head:
        return "is a PDF, not a Word document: import the Word file the PDF was made from."
    if data.startswith(b"MZ"):
        return "is a Windows program, not a Word document."
    if data.startswith(b"\x7fELF"):
        return "is a program, not a Word document."
    if data.startswith(b"{\\rtf"):
        return f"is a Rich Text (.rtf) document: {SAVE_AS_DOCX}."
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return "is an image, not a Word document."
    if data.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "is a compressed archive, not a Word document."
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") and (b"w:worddocument" in head.lower() or b"pkg:package" in head.lower()):
        return f"is a Word XML document: {SAVE_AS_DOCX}."
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:200]:
        return f"is a web page (HTML): {SAVE_AS_DOCX}."
    if b"\x00" not in head:
        return "is a plain text file, not a Word document (.docx)."
    return "is not a Word document (.docx)."


def _zip_seems_to_be(archive, names):
    """What a zip without a Word document in it seems to be, as the rest of a sentence."""
    if "xl/workbook.xml" in names:
        return (
            "is an Excel workbook, not a Word document: import action logs on the action log's import page."
        )
    if "ppt/presentation.xml" in names:
        return "is a PowerPoint presentation, not a Word document."
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100]
        except Exception:  # a damaged member: say what can be said
            mimetype = b""
        if b"opendocument.text" in mimetype:
            return f"is an OpenDocument text (.odt): {SAVE_AS_DOCX}."
        if b"opendocument" in mimetype:
            return "is an OpenDocument file, not a Word document."
    return "is a zip archive, not a Word document (.docx)."


# ---- What the reader goes by ------------------------------------------------------------------

logger = logging.getLogger(__name__)
# What python-docx and lxml raise on XML that breaks the schema (a missing attribute, a bad value).
DAMAGED = (InvalidXmlError, ValueError, KeyError, TypeError, AttributeError, IndexError, etree.LxmlError)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
W_P, W_TBL, W_R, W_T = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:t")
# Containers whose content reads as if it stood in their place.
_TRANSPARENT = {qn("w:smartTag"), qn("w:customXml"), qn("w:fldSimple"), qn("w:sdtContent"), qn("w:dir")}
_INSERTED = {qn("w:ins"), qn("w:moveTo")}
_DELETED = {qn("w:del"), qn("w:moveFrom")}
_DRAWINGS = {qn("w:drawing"), qn("w:pict"), qn("w:object"), MC_ALTERNATE}

PRODUCT_STYLES = {DATE_AND_REFERENCE, STATUS, ATTENDANCE_TITLE, ACTION_DETAILS, NEXT_MEETINGS, DEFERRED}
PRODUCT_COMMENT = "Made by Minutes & Actions."
HEADING_LEVELS = {name: level for level, name in ITEM_HEADINGS.items()}
ACTION_LEVELS = {name: level for level, name in ACTION.items()}
DECISION_LEVELS = {name: level for level, name in DECISION.items()}
LEAD_IN_LEVELS = {name: level for level, name in DECISION_LEAD_IN.items()}
ENTRY_LEVELS = {name: level for level, name in DECISION_ENTRY.items()}
LIST_STYLE = re.compile(r"^List (Bullet|Number|Continue)(?: (\d))?$")
TABLES_ALLOWED = {"table", "tr", "td"} <= ALLOWED_TAGS

# Decision verbs recognised in files not made for a known committee.
GENERIC_VERBS = [
    *(verb.strip() for verb in DEFAULT_DECISION_VERBS.splitlines()),
    "ENDORSED",
    "RESOLVED",
    "DECIDED",
    "RECOMMENDED",
    "CONFIRMED",
    "ACCEPTED",
    "REJECTED",
    "RATIFIED",
    "DISCUSSED",
    "TOOK NOTE",
]
GENERIC_LEAD = r"The\s+[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3}"
MARKER = r"(?:\(?(?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})[.)]\s*|[•·▪◦\-–]\s*)"
ENDING = re.compile(r"\s*(?:[;,]\s*and|;|\.)\s*$")

NUMBERED = re.compile(
    r"^\s*(?:item\s+)?(?P<number>\d{1,3}(?:\.\d{1,2})?)(?P<mark>[.:)]?)(?![\d.])\s*(?:[–-]\s+)?(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
PAPER = re.compile(r"\s*\((?P<paper>[A-Z][A-Za-z]*_?\d+[_/][A-Za-z0-9_/.-]+)\)$")
SESSION = re.compile(r"\bsession\b|^part [a-z0-9]+$", re.IGNORECASE)
DEFERRED_TEXT = re.compile(
    r"^\s*(?:this\s+)?item\s+(?:was\s+|is\s+)?deferred(?:\s+(?:until|to)\s+(?P<note>.+?))?\s*\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)
PREVIOUS_MINUTES_TITLE = re.compile(
    r"\bminutes\b.*\b(?:previous|last|prior)\b|\b(?:previous|last|prior)\b.*\bminutes\b"
    r"|^(?:approval\s+of\s+(?:the\s+)?)?(?:draft\s+)?minutes\b",
    re.IGNORECASE,
)
OUTSTANDING_TITLE = re.compile(
    r"\bactions?\s+outstanding\b|\boutstanding\s+actions?\b|\baction\s+log\b|\breview\s+of\s+(?:outstanding\s+)?"
    r"actions\b|^actions?(?:\s+(?:log|update|updates|review))?$",
    re.IGNORECASE,
)
APOLOGIES_TITLE = re.compile(r"^apologies\b", re.IGNORECASE)
ATTENDANCE_WORDS = re.compile(
    r"^(?P<word>attendees|attendance|members\s+present|present|in\s+attendance|also\s+present"
    r"|also\s+in\s+attendance|apologies(?:\s+for\s+absence|\s+received(?:\s+from)?)?|observers?)\s*:?\s*$",
    re.IGNORECASE,
)
ATTENDANCE_LINE = re.compile(
    r"^(?P<word>present|attendees|apologies(?:\s+received\s+from|\s+for\s+absence)?|observers?)\s*:\s*(?P<names>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
KEY_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z .#/&]{0,30}?)\s*(?::|\t)\s*(?P<value>\S.*)$", re.DOTALL)
TITLE_KEYS = {
    "date": "date",
    "meeting date": "date",
    "date of meeting": "date",
    "date and time": "date and time",
    "date time": "date and time",
    "time": "time",
    "times": "time",
    "meeting time": "time",
    "location": "location",
    "venue": "location",
    "place": "location",
    "where": "location",
    "meeting": "meeting",
    "meeting no": "meeting",
    "meeting number": "meeting",
    "meeting reference": "meeting",
    "meeting ref": "meeting",
    "reference": "meeting",
    "ref": "meeting",
}
NEXT_MEETING_LINE = re.compile(r"^\s*(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?next\s+", re.IGNORECASE)
NEXT_MEETING = re.compile(
    r"\bnext\s+(?P<kind>main\s+|reporting\s+)?meeting\b[^:;0-9]{0,40}?(?:\bwill\s+be\b|\bis\b|:|–|-|\bon\b)?\s*(?P<rest>[^;]*)",
    re.IGNORECASE,
)
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_IN_TEXT = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+\d{{2,4}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}-{MONTHS}-\d{{2,4}})(?!\d)",
    re.IGNORECASE,
)
WEEKDAY = re.compile(
    r"^\s*(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+", re.IGNORECASE
)
TIME_IN_TEXT = re.compile(
    r"(?<![\d/.:])(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?)?(?![\d/])",
    re.IGNORECASE,
)
REFERENCE_IN_TEXT = re.compile(r"\b(?P<code>[A-Z][A-Z0-9]{1,19})[_ ](?P<number>\d{1,5})\b(?![/.]\d)")
DETAIL_LABEL = re.compile(
    r"\b(?P<label>(?:action\s+)?owners?|target\s+date|target|due\s+date|due\s+by|due|deadline)\s*:\s*",
    re.IGNORECASE,
)
ACTION_LINE = re.compile(
    r"^\s*(?P<callout>action\b[^:\n]{0,60}?)\s*:\s*(?P<text>\S.*)$", re.IGNORECASE | re.DOTALL
)
STATUS_IN_UPDATE = re.compile(r"(?:^|\s)Status\s*:\s*(?P<status>[^:]+?)\s*\.?\s*$", re.IGNORECASE)
NO_DATE = {"", "n a", "na", "none", "tbc", "tba", "tbd", "ongoing", "not applicable"}
NOBODY = {"none", "none recorded", "n a", "nil", "nobody", ""}  # as _key gives them

# Attendance table headings (compared as `_key` gives them) and what each column holds.
ATTENDANCE_HEADINGS = {
    "name": {"name", "names", "attendee", "attendees", "member", "members", "representative", "person"},
    "initials": {"initials", "initial"},
    "organisation": {"organisation", "organization", "organisations", "company", "employer", "party"},
    "role_note": {"role", "position", "job title", "title", "capacity"},
    "seat_category": {
        "category",
        "seat category",
        "seat",
        "constituency",
        "party category",
        "sector",
        "membership category",
        "representing",
    },
    "status": {"attendance", "status", "attended"},
}
# Actions Outstanding table headings (the product's and those action logs use).
OUTSTANDING_HEADINGS = {
    "reference": {
        "action id",
        "action ref",
        "action reference",
        "action no",
        "action number",
        "ref",
        "reference",
        "id",
        "no",
        "number",
    },
    "text": {"action", "description", "action description", "details", "action details"},
    "raised_on": {"date raised", "raised", "raised on", "date opened", "date"},
    "target_on": {
        "last target date",
        "target date",
        "target",
        "due date",
        "due",
        "original target date",
        "deadline",
    },
    "revised_target_on": {"revised target date", "revised target", "new target date", "revised due date"},
    "owners": {"owner", "owners", "owner s", "action owner", "action owners", "responsible"},
    "update": {"update", "updates", "latest update", "comments", "comment", "progress", "notes"},
    "status": {"status", "action status", "state"},
}


def _key(text):
    """A heading or label as compared: no case, punctuation or runs of spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split())


def _squash(text):
    return " ".join((text or "").split())


# What a kind of content left out is called, one and many, for the warnings.
PLURALS = {
    "stretch of hidden text": "stretches of hidden text",
    "line of the table of contents": "lines of the table of contents",
    "text box": "text boxes",
}


def _plural(count, one, many=None):
    return f"{count} {one if count == 1 else (many or PLURALS.get(one) or one + 's')}"


def _find_date(text):
    """The first date written in `text`, or None."""
    for match in DATE_IN_TEXT.finditer(text or ""):
        value = re.sub(r"(?<=[A-Za-z])\.", "", match.group(0))
        value = re.sub(r"\bof\s+", "", value, flags=re.IGNORECASE)
        try:
            return parse_date(value)
        except ValueError:
            continue
    return None


def _date(text):
    """`text` read as a date (a weekday before it is fine), or None."""
    value = WEEKDAY.sub("", _squash(text)).rstrip(".")
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return _find_date(value)


def _times(text):
    """The times written in `text` ("12:20 – 15:20", "10am to 12.30pm"), in order."""
    found = []
    for match in TIME_IN_TEXT.finditer(text or ""):
        hour, minute, half = match.group("hour"), match.group("minute"), match.group("half")
        if minute is None and half is None:
            continue
        hour, minute = int(hour), int(minute or 0)
        half = (half or "").replace(".", "").lower()
        if half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            found.append(datetime.time(hour, minute))
    return found


def _owners(text, *, product=False):
    """Owners as a cell or call-out lists them: "DCC, SECAS" (the product joins them by ", ", other
    files also by ";" or "/"); "none yet" is nobody."""
    text = _squash(text).rstrip(".")
    if _key(text) in ("none yet", "none", "tbc", "n a", ""):
        return []
    separators = r",\s+" if product else r"\s*[,;/]\s*"
    return [name for name in (part.strip() for part in re.split(separators, text)) if name]


def _strip_ending(text):
    return ENDING.sub("", _squash(text))


def _split_notes(text):
    """ "Name (note; note)" as (name, [notes])."""
    text = _squash(text)
    match = re.match(r"^(?P<name>.*?\S)\s*\((?P<notes>[^()]*)\)\s*$", text)
    if not match:
        return text, []
    return match.group("name"), [note.strip() for note in match.group("notes").split(";") if note.strip()]


def _apply_notes(attendee, notes):
    """Fill `attendee` from the notes after its name (minutes.selectors._notes writes them)."""
    roles = []
    for note in notes:
        lowered = note.casefold()
        if lowered in (
            "remote",
            "remotely",
            "online",
            "virtual",
            "by phone",
            "dial-in",
            "via teams",
            "via zoom",
        ):
            attendee.remote = True
        elif match := re.match(r"^items?\s+(\S+)\s+(?:to|-|–)\s+(\S+)$", note, re.IGNORECASE):
            attendee.joined_at, attendee.left_after = match.group(1), match.group(2)
        elif match := re.match(r"^from\s+item\s+(\S+)$", note, re.IGNORECASE):
            attendee.joined_at = match.group(1)
        elif match := re.match(r"^(?:until|to|left\s+after)\s+item\s+(\S+)$", note, re.IGNORECASE):
            attendee.left_after = match.group(1)
        elif match := re.match(
            r"^(?:for|alternate\s+for|on\s+behalf\s+of|deputising\s+for|substitute\s+for)\s+(.+)$",
            note,
            re.IGNORECASE,
        ):
            attendee.sits_in_for = match.group(1).strip()
        elif re.match(r"^represented\s+by\b", note, re.IGNORECASE):
            continue  # said again by the alternate's "for X"
        else:
            roles.append(note)
    if roles and not attendee.role_note:
        attendee.role_note = "; ".join(roles)


def _status_word(word):
    word = _key(word)
    if word.startswith("apolog") or word in ("absent", "sent apologies", "no"):
        return "apologies"
    if word.startswith("observer"):
        return "observer"
    return "present"


def _grid(row):
    """A row's cells by layout-grid column, so that they stand under their headings: a merged cell at
    its first column and None at the others it spans, None where the row has no cell (a ragged row);
    a cell merged down from the row above is that cell."""
    try:
        cells = list(row.cells)
    except Exception:  # a malformed vertical merge: the cells as they stand
        cells = [_Cell(tc, row.table) for tc in row._tr.tc_lst]
    try:
        before = row.grid_cols_before
    except Exception:  # an unreadable w:gridBefore: as if there were none
        before = 0
    grid, previous = [None] * before, None
    for cell in cells:
        grid.append(None if previous is not None and cell._tc is previous._tc else cell)
        previous = cell
    return grid


def _present(grid):
    return [cell for cell in grid if cell is not None]


def _spanning(grid):
    """The row is one cell spanning several columns (a group's name, an action's update)."""
    present = _present(grid)
    return len(present) == 1 and present[0]._tc.grid_span > 1


def _cell_lines(cell):
    """A cell's text, a line per paragraph or line break, empty lines left out."""
    if cell is None:
        return []
    lines = []
    for paragraph in cell.paragraphs:
        lines.extend(_squash(line) for line in paragraph.text.split("\n"))
    return [line for line in lines if line]


def _cell_text(cell):
    return " ".join(_cell_lines(cell))


def _blocks(element, parent):
    """The paragraphs and tables in `element` (the body, a cell), in order, also those inside
    content controls (w:sdt) and custom XML."""
    for child in element.iterchildren():
        if child.tag == W_P:
            yield Paragraph(child, parent)
        elif child.tag == W_TBL:
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, parent)
        elif child.tag in _TRANSPARENT or child.tag in _INSERTED:
            yield from _blocks(child, parent)
        elif child.tag == qn("w:altChunk"):
            yield child


# ---- Paragraphs as pieces of text --------------------------------------------------------------


@dataclass
class _Piece:
    """A stretch of a paragraph's content: text with its formatting and link, a line break, or a
    footnote call."""

    text: str = ""
    formats: tuple = ()
    href: str = ""
    style: str = ""  # the run's character style
    bold: bool = False
    br: bool = False
    note: tuple | None = None  # ("footnote" or "endnote", id)


@dataclass
class _Para:
    paragraph: Paragraph
    style: str
    pieces: list

    @property
    def text(self):
        return "".join("\n" if piece.br else piece.text for piece in self.pieces)

    @property
    def plain(self):
        return _squash(self.text)

    @property
    def bold(self):
        """Every letter of it is bold."""
        written = [piece for piece in self.pieces if piece.text.strip()]
        return bool(written) and all(piece.bold for piece in written)

    @property
    def notes(self):
        return [piece.note for piece in self.pieces if piece.note]

    def split_at_bold(self):
        """(text before the first bold stretch, the bold stretch, the text after it); None when
        nothing is bold."""
        before, bold, after, state = [], [], [], 0
        for piece in self.pieces:
            text = "\n" if piece.br else piece.text
            if state == 0 and piece.bold and text.strip():
                state = 1
            elif state == 1 and not (piece.bold or not text.strip()):
                state = 2
            (before, bold, after)[state].append(text)
        if not bold:
            return None
        return _squash("".join(before)), _squash("".join(bold)), _squash("".join(after))


# ---- Minutes text as HTML ----------------------------------------------------------------------


@dataclass
class _List:
    tag: str
    depth: int
    num_id: object
    items: list = field(default_factory=list)  # [_ListItem]


@dataclass
class _ListItem:
    html: str
    children: list = field(default_factory=list)  # ("p", html) or _List, in order


class _Text:
    """An item's minutes text as it is read, paragraph by paragraph: paragraphs, nested lists (from
    list styles or Word numbering), tables; rendered as HTML."""

    def __init__(self):
        self.blocks = []  # ("p", html), ("raw", html) or _List
        self.stack = []  # the lists open at the end, outermost first

    def __bool__(self):
        return bool(self.blocks)

    def paragraph(self, html_text):
        self.stack = []
        self.blocks.append(("p", html_text))

    def raw(self, html_text):
        self.stack = []
        self.blocks.append(("raw", html_text))

    def list_item(self, tag, depth, num_id, html_text):
        stack = self.stack
        while stack and (
            stack[-1].depth > depth
            or (
                stack[-1].depth == depth
                and (
                    stack[-1].tag != tag
                    or (tag == "ol" and num_id and stack[-1].num_id not in (None, num_id))
                )
            )
        ):
            stack.pop()
        if not stack or stack[-1].depth < depth:
            opened = _List(tag, depth, num_id)
            if stack and stack[-1].items:
                stack[-1].items[-1].children.append(opened)
            else:
                self.blocks.append(opened)
            stack.append(opened)
        stack[-1].items.append(_ListItem(html_text))

    def continuation(self, depth, html_text):
        """A further paragraph of the list item at `depth` ("List Continue")."""
        while self.stack and self.stack[-1].depth > depth:
            self.stack.pop()
        if self.stack and self.stack[-1].items:
            self.stack[-1].items[-1].children.append(("p", html_text))
        else:
            self.paragraph(html_text)

    def render(self):
        return "".join(_render_block(block) for block in self.blocks)


def _render_block(block):
    if isinstance(block, _List):
        return f"<{block.tag}>{''.join(_render_list_item(item) for item in block.items)}</{block.tag}>"
    kind, html_text = block
    return f"<p>{html_text}</p>" if kind == "p" else html_text


def _render_list_item(item):
    if any(not isinstance(child, _List) for child in item.children):
        first = f"<p>{item.html}</p>" if item.html else ""
        return f"<li>{first}{''.join(_render_block(child) for child in item.children)}</li>"
    return f"<li>{item.html}{''.join(_render_block(child) for child in item.children)}</li>"


# ---- The reader --------------------------------------------------------------------------------


@dataclass
class _Mark:
    """A footnote call met in the text: where it stands is found in the item's final HTML."""

    kind: str  # "footnote" or "endnote"
    id: str
    order: int  # its place among the calls of its kind, from 1
    item: object = None
    paragraph_text: str = ""  # the text before it, for a call outside the minutes text
    where: str = ""  # "" in the minutes text, else what it stands in ("a decision")
    anchor: str | None = None  # found in the item's final HTML (None: not in the minutes text)
    occurrence: int = 1


class _Reader:
    def __init__(self, document, *, committee, filename):
        self.document = document
        self.committee = committee
        self.filename = filename
        self.minutes = ImportedMinutes()
        self.body = document._body
        self.product = self._made_by_product()
        self.top = self.sub = self.current = None  # the last top-level item, sub-item, heading read
        self.texts = {}  # id(item) -> _Text
        self.preamble = _Text()  # text before the first item
        self.preamble_lines = []
        self.pending_status = None  # an attendance table's status, from the paragraph before it
        self.last_action = None
        self.lead_in = None  # (_Para, item): a decision lead-in waiting for its entries
        self.title_seen = False
        self.title_block_words = []
        self.top_number = self.sub_number = 0
        self.marks = []
        self.mark_counts = Counter()
        self.nonce = secrets.token_hex(6)
        self.left_out = Counter()  # kinds of content left out -> how many
        self.warnings = []
        self.numbering_formats = {}
        self.tables_as_text = 0
        self.damaged = 0
        self._patterns()

    def _made_by_product(self):
        if self.document.core_properties.comments == PRODUCT_COMMENT:
            return True
        return any(_style_name(paragraph) in PRODUCT_STYLES for paragraph in self.document.paragraphs[:40])

    def _patterns(self):
        committee = self.committee
        verbs = committee.verbs if committee is not None else GENERIC_VERBS
        verbs = sorted({verb for verb in verbs if verb}, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, verb.split())) for verb in verbs)
        if committee is not None and committee.decision_name.strip():
            name = committee.decision_name.strip().rstrip(":").strip()
            lead = "(?i:" + r"\s+".join(map(re.escape, name.split())) + ")"
        else:
            lead = GENERIC_LEAD
        verb = f"(?P<verb>(?i:{alternatives}))"
        self.decision_re = re.compile(rf"^\s*(?P<lead>{lead})\s*:?\s+{verb}\b\s*(?P<rest>.*)$", re.DOTALL)
        self.lead_in_re = re.compile(rf"^\s*(?P<lead>{lead})\s*:\s*$")
        self.entry_re = re.compile(rf"^\s*{MARKER}?{verb}\b\s*(?P<rest>.*)$", re.DOTALL)
        self.entry_marker_re = re.compile(rf"^\s*{MARKER}")
        self.next_verb_re = re.compile(rf"(?:;\s*(?:and\s+)?|,?\s+and\s+)(?=(?:{alternatives})\b)")
        self.reference_re = None
        if committee is not None:
            try:
                self.reference_re = reference_regex(committee.action_reference, committee.code)
            except PatternError:
                self.reference_re = None

    # ---- The whole document ------------------------------------------------------------------

    def read(self):
        blocks = list(_blocks(self.body._element, self.body))
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            try:
                self._block(block, following)
            except DAMAGED as error:  # XML python-docx refuses to read: its words are kept
                logger.info("Word import: a damaged block read as plain text (%r)", error)
                self._damaged(block)
        self._flush_lead_in()
        self._finish()
        return self.minutes

    def _block(self, block, following):
        if isinstance(block, Table):
            self._flush_lead_in()
            self._table(block)
            self.pending_status = None
        elif isinstance(block, Paragraph):
            # An attendance title holds for the table right after it (blank paragraphs aside).
            pending, self.pending_status = self.pending_status, None
            self._paragraph(self._para(block), following, pending)
        else:
            self.left_out["embedded document"] += 1

    def _damaged(self, block):
        """A paragraph or table whose XML is damaged: its text, a paragraph per paragraph."""
        element = block._element if isinstance(block, Paragraph | Table) else block
        paragraphs = element.xpath(".//w:p") if element.tag != W_P else [element]
        sink = self._sink()
        for paragraph in paragraphs:
            text = _squash("".join(paragraph.xpath(".//w:t/text()")))
            if text:
                sink.paragraph(html.escape(text, quote=False))
        self.damaged += 1

    def _finish(self):
        minutes = self.minutes
        if not minutes.items and self.preamble:
            item = ImportedItem(title="Minutes")
            minutes.items.append(item)
            self.texts[id(item)] = self.preamble
            for mark in self.marks:
                if mark.item is None:
                    mark.item = item
            self.preamble = _Text()
            self.warnings.append(
                "No numbered items or headings were found: all the text is in one item, “Minutes”."
            )
        if not self.product:
            self._title_block_from_words()
        for item in minutes.all_items():
            self._infer_kind(item)
            text = self.texts.get(id(item))
            item.minutes_html = self._item_html(item, text.render() if text else "")
        self._footnotes()
        calls = re.compile(r"\[\[" + self.nonce + r":\d+\]\]")
        lines = (_strip_tags(calls.sub("", _render_block(block))) for block in self.preamble.blocks)
        self.preamble_lines.extend(line for line in lines if line)
        if self.preamble_lines:
            shown = "; ".join(f"“{line[:80]}”" for line in self.preamble_lines[:3])
            more = " …" if len(self.preamble_lines) > 3 else ""
            self.warnings.append(
                f"{_plural(len(self.preamble_lines), 'paragraph')} before the first item "
                f"{'was' if len(self.preamble_lines) == 1 else 'were'} not recognised and left out: {shown}{more}."
            )
        if self.damaged:
            self.warnings.append(
                f"{_plural(self.damaged, 'paragraph or table', 'paragraphs or tables')} of the document "
                f"{'is' if self.damaged == 1 else 'are'} damaged: {'its' if self.damaged == 1 else 'their'} "
                "text was kept, without its formatting."
            )
        for kind, count in self.left_out.items():
            self.warnings.append(f"{_plural(count, kind)} {'was' if count == 1 else 'were'} left out.")
        if self._has_part(RT.COMMENTS):
            self.warnings.append("The comments in the document were left out.")
        minutes.warnings = self.warnings + minutes.warnings

    def _has_part(self, reltype):
        try:
            self.document.part.part_related_by(reltype)
        except (KeyError, ValueError):
            return False
        return True

    # ---- Paragraphs ------------------------------------------------------------------------

    def _para(self, paragraph):
        return _Para(paragraph, _style_name(paragraph), self._pieces(paragraph))

    def _pieces(self, paragraph):
        pieces = []
        self._walk(paragraph._p, paragraph, "", pieces)
        return pieces

    def _walk(self, element, paragraph, href, pieces):
        for child in element.iterchildren():
            tag = child.tag
            if tag == W_R:
                self._run(Run(child, paragraph), href, pieces)
            elif tag == qn("w:hyperlink"):
                self._walk(child, paragraph, href or _address(Hyperlink(child, paragraph)), pieces)
            elif tag in _TRANSPARENT:
                self._walk(child, paragraph, href, pieces)
            elif tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._walk(content, paragraph, href, pieces)
            elif tag in _INSERTED or tag in _DELETED:
                self._tracked_changes()
                if tag in _INSERTED:
                    self._walk(child, paragraph, href, pieces)
            elif tag in (qn("m:oMath"), qn("m:oMathPara")):
                self.left_out["equation"] += 1

    def _tracked_changes(self):
        sentence = "Tracked changes were read as accepted: insertions kept, deletions left out."
        if sentence not in self.warnings:
            self.warnings.append(sentence)

    def _run(self, run, href, pieces):
        font = run.font
        if font.hidden:
            self.left_out["stretch of hidden text"] += 1
            return
        style = _style_name(run)
        bold = _flag(run, "bold")
        formats = []
        if bold:
            formats.append("strong")
        if _flag(run, "italic"):
            formats.append("em")
        if font.underline not in (None, False) and not href and style != HYPERLINK:
            formats.append("u")
        if font.superscript:
            formats.append("sup")
        if font.subscript:
            formats.append("sub")
        formats = tuple(formats)
        for child in run._r.iterchildren():
            tag = child.tag
            text = None
            if tag == W_T:
                text = child.text or ""
            elif tag in (qn("w:tab"), qn("w:ptab")):
                text = " "
            elif tag == qn("w:noBreakHyphen"):
                text = "-"
            elif tag in (qn("w:br"), qn("w:cr")):
                if child.get(qn("w:type")) not in ("page", "column"):
                    pieces.append(_Piece(href=href, br=True, style=style))
            elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                if child.get(qn("w:customMarkFollows")) in ("1", "true", "on"):
                    continue
                kind = "footnote" if tag == qn("w:footnoteReference") else "endnote"
                pieces.append(_Piece(href=href, note=(kind, child.get(qn("w:id")))))
            elif tag in _DRAWINGS:
                self.left_out[_drawing_kind(child)] += 1
            if text:
                pieces.append(_Piece(text=text, formats=formats, href=href, style=style, bold=bool(bold)))

    def _paragraph(self, para, following, pending):
        style = para.style
        text = para.plain
        if style.casefold().startswith("toc") or style == "Table of Contents":
            self.left_out["line of the table of contents"] += 1
            return
        if not text and not para.notes:
            self.pending_status = pending
            return
        if self._lead_in_entry(para):
            return
        self._flush_lead_in()
        handler = {
            TITLE: self._title_paragraph,
            DATE_AND_REFERENCE: self._date_and_reference,
            TIME: self._time,
            LOCATION: self._location,
            STATUS: self._status,
            NEXT_MEETINGS: self._next_meetings,
            ACTION_DETAILS: self._action_details_paragraph,
            APOLOGIES_FROM_ATTENDANCE: self._apologies_from_attendance,
            DEFERRED: self._deferred,
        }.get(style)
        if style == TITLE and self.minutes.items:
            handler = None
        if handler is not None:
            handler(para)
            return
        if style == ATTENDANCE_TITLE:
            self.pending_status = _status_word(text)
            return
        if style in HEADING_LEVELS and self._heading(para, HEADING_LEVELS[style]):
            return
        if style in ACTION_LEVELS:
            self._product_action(para, ACTION_LEVELS[style])
            return
        if style in DECISION_LEVELS:
            self._product_decision(para, DECISION_LEVELS[style])
            return
        if style in LEAD_IN_LEVELS:
            return  # the entries that follow name their level themselves
        if style in ENTRY_LEVELS:
            self._product_entry(para, ENTRY_LEVELS[style])
            return
        if not self.product and self._recognised(para, following, pending):
            return
        self._text(para)

    def _recognised(self, para, following, pending):
        """What a file not made by the product says in its own words; True when taken."""
        text = para.plain
        words = ATTENDANCE_WORDS.match(text)
        if words and (not self.minutes.items or isinstance(following, Table)):
            self.pending_status = _status_word(words.group("word"))
            return True
        if self.current is not None and DEFERRED_TEXT.match(text):
            self._deferred(para)
            return True
        if self.current is None and self._title_line(para):
            return True
        if self.current is None and pending and len(text) <= 120 and not NUMBERED.match(text):
            # A person a line under "Present:" or "Apologies:".
            self._attendance_line(pending, text, one_person=True)
            self.pending_status = pending
            return True
        if re.match(r"^Heading [3-9]$", para.style):
            return False
        if self._numbered_item(para):
            return True
        if self.current is None:
            return self._title_words(para)
        if self._decision(para):
            self._loose_notes(para, self.current, "a decision")
            return True
        if self._action(para):
            return True
        if self.last_action is not None and self._action_details(text, self.last_action):
            return True
        self.last_action = None
        if self.lead_in_re.match(text):
            self.lead_in = (para, self.current)
            return True
        title = self.current.title if self.current is not None else ""
        if NEXT_MEETING_LINE.match(text) or re.search(r"\bnext\s+meeting", title, re.IGNORECASE):
            self._next_meetings_in_text(text)  # kept in the text too
        return False

    # ---- Title block -----------------------------------------------------------------------

    def _title_paragraph(self, para):
        text = para.plain
        if self.product:
            self.minutes.committee_name = re.sub(r"\s+Meeting$", "", text)
        elif not self._title_line(para):
            self._title_words(para, title=True)

    def _date_and_reference(self, para):
        when, _, reference = para.plain.rpartition(", ")
        if not when:
            when, reference = reference, ""
        self.minutes.held_on = _date(when)
        if self.minutes.held_on is None:
            self.warnings.append(f"The meeting's date “{when}” was not recognised.")
        self._reference(reference.strip())

    def _reference(self, reference):
        if not reference:
            return
        self.minutes.reference = reference
        match = re.search(r"(\d+)\s*$", reference)
        if match:
            self.minutes.number = int(match.group(1))

    def _time(self, para):
        times = _times(para.plain)
        if not times:
            self.warnings.append(f"The meeting's time “{para.plain}” was not recognised.")
            return
        self.minutes.start_time = times[0]
        if len(times) > 1:
            if times[1] > times[0]:
                self.minutes.end_time = times[1]
            else:
                self.warnings.append(
                    f"The meeting's end time {times[1]:%H:%M} is not after its start: it was left out."
                )

    def _location(self, para):
        self.minutes.location = para.plain

    def _status(self, para):
        self.minutes.draft = "draft" in para.plain.casefold() or "minutes" not in para.plain.casefold()

    def _title_line(self, para):
        """A line of a title block typed by hand ("Date: …", "Meeting: OPSG_55", "Apologies: …");
        True when it was one."""
        text = para.plain
        match = KEY_VALUE.match(text)
        key = TITLE_KEYS.get(_key(match.group("key"))) if match else None
        if key is not None:
            self._title_value(key, match.group("value"))
            return True
        lines = ATTENDANCE_LINE.match(text)
        if lines:
            self._attendance_line(_status_word(lines.group("word")), lines.group("names"))
            return True
        return False

    def _title_words(self, para, *, title=False):
        """The title, "Draft Minutes", a line naming the reference; True when it was one."""
        text = para.plain
        if title or (not self.title_seen and len(text) <= 150 and not text.endswith(".")):
            self.title_seen = True
            self.title_block_words.append(text)
            self.minutes.committee_name = self.minutes.committee_name or self._committee_name(text)
            return True
        if len(text) <= 80 and re.fullmatch(r"(?:(?:draft|final|approved)\s+)?minutes", text, re.IGNORECASE):
            self.title_block_words.append(text)
            return True
        if self._reference_in(text) and len(text) <= 80:
            self.title_block_words.append(text)
            return True
        return False

    def _title_value(self, key, value):
        minutes = self.minutes
        value = _squash(value)
        if key in ("date", "date and time"):
            minutes.held_on = _date(value) if key == "date" else _find_date(value)
            if minutes.held_on is None:
                self.warnings.append(f"The meeting's date “{value}” was not recognised.")
            times = _times(DATE_IN_TEXT.sub(" ", value))
            if times and (key == "date and time" or not minutes.start_time):
                self._set_times(times)
        elif key == "time":
            times = _times(value)
            if times:
                self._set_times(times)
            else:
                self.warnings.append(f"The meeting's time “{value}” was not recognised.")
        elif key == "location":
            minutes.location = value
        elif key == "meeting" and not self._reference_in(value):
            match = re.search(r"\d+", value)
            if match:
                minutes.number = int(match.group(0))
            else:
                self.preamble_lines.append(f"Meeting: {value}")

    def _set_times(self, times):
        self.minutes.start_time = times[0]
        if len(times) > 1 and times[1] > times[0]:
            self.minutes.end_time = times[1]

    def _reference_in(self, text):
        """Take the meeting's reference ("OPSG_55") from `text` if it names one; True if it did."""
        code = self.committee.code if self.committee is not None else None
        for match in REFERENCE_IN_TEXT.finditer(text):
            if code is not None and match.group("code").casefold() != code.casefold():
                continue
            if code is None and "_" not in match.group(0):
                continue
            if not self.minutes.reference:
                self.minutes.reference = f"{code or match.group('code')}_{int(match.group('number'))}"
                self.minutes.number = int(match.group("number"))
            return True
        meeting = re.search(r"\bmeeting\s+(?:no\.?\s*|number\s+)?(\d{1,5})\b", text, re.IGNORECASE)
        if meeting is not None and self.minutes.number is None:
            self.minutes.number = int(meeting.group(1))
        return False

    def _committee_name(self, text):
        if self.committee is not None and self.committee.name.casefold() in text.casefold():
            return self.committee.name
        self._reference_in(text)
        name = REFERENCE_IN_TEXT.sub(" ", text) if self.minutes.reference else text
        name = re.sub(
            r"\b(?:draft|final|approved|minutes|meeting|no\.?|number)\b", " ", name, flags=re.IGNORECASE
        )
        name = DATE_IN_TEXT.sub(" ", name)
        name = re.sub(r"\b\d+\b", " ", name)
        name = re.sub(r"^\W*(?:of\s+)?(?:the\s+)?", "", _squash(name), flags=re.IGNORECASE)
        name = re.sub(r"(?:\s+(?:of|the|held|on))+\s*$", "", name, flags=re.IGNORECASE)
        return _squash(name.strip(" –-:,_|"))

    def _title_block_from_words(self):
        """Draft or final, and the reference, from the title block, the page header and the file
        name of a file not made by the product."""
        words = list(self.title_block_words)
        try:
            for section in self.document.sections[:1]:
                words.extend(paragraph.text for paragraph in section.header.paragraphs)
        except Exception:  # a header python-docx cannot read: it only helps
            pass
        said = " ".join(words).casefold()
        if re.search(r"\bdraft\b", said):
            self.minutes.draft = True
        elif re.search(r"\bminutes\b", said):
            self.minutes.draft = False
        if not self.minutes.reference:
            for text in [*words, self.filename or ""]:
                if self._reference_in(text):
                    break

    # ---- Attendance ------------------------------------------------------------------------

    def _attendance_line(self, status, names, *, one_person=False):
        """ "Apologies: A (DCC), B and C" typed in a line (or one person a line)."""
        if one_person:
            parts = [names]
        else:
            parts = re.split(r"\s*;\s*", names) if ";" in names else re.split(r"\s*,\s*", names)
            if parts and " and " in parts[-1]:
                parts[-1:] = parts[-1].split(" and ")
        for part in parts:
            name, notes = _split_notes(part.strip().rstrip("."))
            if _key(name) not in NOBODY:
                attendee = ImportedAttendee(name=name, status=status)
                _apply_notes(attendee, notes)
                self.minutes.attendance.append(attendee)

    def _attendance_table(self, table, status):
        """An attendance table: the classic layout (a row per seat category, a paragraph per person)
        or a row per person with columns, perhaps grouped by rows that span the table."""
        rows = [grid for grid in (_grid(row) for row in table.rows) if _present(grid)]
        if not rows:
            return
        headings = [_cell_text(cell) for cell in rows[0]]
        columns = _columns(headings, ATTENDANCE_HEADINGS)
        if "name" in columns.values():
            rows = rows[1:]
            for index, heading in enumerate(headings):
                if index not in columns and heading:
                    self.warnings.append(f"The attendance table's column “{heading}” was left out.")
        else:
            width = max(len(cells) for cells in rows)
            columns = {0: "name", 1: "organisation"} if width > 1 else {0: "name"}
            self.warnings.append(
                "An attendance table has no heading row: its first column was read as names"
                + (", its second as organisations." if width > 1 else ".")
            )
        name_at = next(index for index, key in columns.items() if key == "name")
        classic = set(columns.values()) <= {"seat_category", "name"}
        width = max((len(cells) for cells in rows), default=0)
        group = ""
        for cells in rows:
            texts = [_cell_text(cell) for cell in cells]
            if not any(texts):
                continue
            if _spanning(cells) and width > 1:  # a row spanning the table: a seat category's name
                group = "" if _key(" ".join(texts)) in NOBODY else _squash(" ".join(texts))
                continue
            if name_at >= len(cells):
                continue
            values = {key: texts[index] for index, key in columns.items() if index < len(texts)}
            category = values.get("seat_category") or group
            if classic:
                group = category  # a category cell left empty: the one above
            row_status = _status_word(values["status"]) if values.get("status") else status
            names = _cell_lines(cells[name_at]) if classic else [texts[name_at]]
            for line in names:
                name, notes = _split_notes(line)
                if _key(name) in NOBODY:
                    continue
                attendee = ImportedAttendee(
                    name=name,
                    status=row_status,
                    seat_category=category,
                    organisation=values.get("organisation", ""),
                    initials=values.get("initials", ""),
                    role_note=values.get("role_note", ""),
                )
                attendee.remote = "remote" in values.get("status", "").casefold()
                _apply_notes(attendee, notes)
                self.minutes.attendance.append(attendee)

    # ---- Items -----------------------------------------------------------------------------

    def _heading(self, para, level):
        """An item from a heading paragraph; False when it is not one (a title, an attendance title)."""
        pieces = [piece for piece in para.pieces if not piece.note]
        number_run = "".join(piece.text for piece in pieces if piece.style == ITEM_NUMBER)
        paper = "".join(piece.text for piece in pieces if piece.style == PAPER_REFERENCE)
        title = _squash(
            "".join(
                " " if piece.br else piece.text
                for piece in pieces
                if piece.style not in (ITEM_NUMBER, PAPER_REFERENCE)
            )
        )
        number = number_run.strip().rstrip(".").strip()
        paper = paper.strip().strip("()").strip()
        kind = "item"
        if not number_run:
            if self.product:
                kind = "heading" if level == 1 else "item"
            else:
                if not self.minutes.items:
                    words = ATTENDANCE_WORDS.match(title)
                    if words:
                        self.pending_status = _status_word(words.group("word"))
                        return True
                    if re.search(r"\b(?:minutes|meeting)\b", title, re.IGNORECASE) and not (
                        PREVIOUS_MINUTES_TITLE.search(title) or NUMBERED.match(title)
                    ):
                        self._title_words(para, title=True)
                        return True
                match = NUMBERED.match(title)
                if match:
                    number, title = match.group("number"), match.group("title").strip()
                    level = 2 if "." in number else 1
                elif _numbering(para.paragraph) is not None:
                    number = self._next_number(level)
                elif level == 1 and SESSION.search(title):
                    kind = "heading"
                paper_match = PAPER.search(title)
                if paper_match:
                    paper, title = paper_match.group("paper"), title[: paper_match.start()].strip()
        self._start_item(level, number, title, paper, kind, para)
        return True

    def _next_number(self, level):
        if level == 2 and self.top is not None and self.top.number:
            return f"{self.top.number}.{len(self.top.children) + 1}"
        return str(self.top_number + 1)

    def _numbered_item(self, para):
        """A paragraph that is an item's heading by its number ("3. PMR Report", "3.1 …")."""
        text = para.plain
        match = NUMBERED.match(text)
        if match is None:
            numbering = _numbering(para.paragraph)
            if (
                numbering is not None
                and para.bold
                and len(text) <= 100
                and not text.endswith((".", ";", ",", ":"))
                and self._list_format(*numbering) == "ol"
            ):
                level = 2 if numbering[1] >= 1 and self.top is not None else 1
                self._start_item(level, self._next_number(level), text, "", "item", para)
                return True
            return False
        number, title = match.group("number"), match.group("title").strip()
        if len(title) > 120 or not (match.group("mark") or "." in number or para.bold):
            return False
        if title.endswith((".", ";", ",")) and not para.bold:
            return False
        parts = [int(part) for part in number.split(".")]
        if len(parts) == 1:
            if parts[0] < 1 or (self.top_number and parts[0] <= self.top_number):
                return False
            level = 1
        else:
            if self.top is None or parts[0] != self.top_number or parts[1] <= self.sub_number:
                return False
            level = 2
        paper = ""
        paper_match = PAPER.search(title)
        if paper_match:
            paper, title = paper_match.group("paper"), title[: paper_match.start()].strip()
        self._start_item(level, number, title, paper, "item", para)
        return True

    def _start_item(self, level, number, title, paper, kind, para):
        item = ImportedItem(title=title, kind=kind, number=number, paper_reference=paper)
        if level == 2 and self.top is not None and self.top.kind != "heading":
            self.top.children.append(item)
            self.sub = item
            if re.fullmatch(r"\d+\.\d+", number):
                self.sub_number = int(number.split(".")[1])
        else:
            self.minutes.items.append(item)
            self.top, self.sub = item, None
            self.sub_number = 0
            if re.fullmatch(r"\d+", number):
                self.top_number = int(number)
        self.current = item
        self.texts[id(item)] = _Text()
        self.last_action = None
        self._loose_notes(para, item, "a heading")
        return item

    def _level_item(self, level):
        """The item a paragraph in a "… 2" style (level 2) or a plain one (level 1) belongs to."""
        if level == 2 and self.sub is not None:
            return self.sub
        return self.top

    def _deferred(self, para):
        item = self.current
        if item is None:
            self.preamble_lines.append(para.plain)
            return
        match = DEFERRED_TEXT.match(para.plain)
        item.is_deferred = True
        item.deferred_note = (match.group("note") or "").strip() if match else ""

    def _apologies_from_attendance(self, para):
        if self.current is not None:
            self.current.kind = "apologies"

    def _infer_kind(self, item):
        if item.kind != "item":
            return
        title = item.title
        if item.outstanding or OUTSTANDING_TITLE.search(title):
            item.kind = "actions_outstanding"
        elif PREVIOUS_MINUTES_TITLE.search(title):
            item.kind = "previous_minutes"
        elif APOLOGIES_TITLE.match(title):
            item.kind = "apologies"

    # ---- Decisions -------------------------------------------------------------------------

    def _product_decision(self, para, level):
        item = self._level_item(level)
        if item is None:
            self._text(para)
            return
        split = para.split_at_bold()
        if split is not None:
            item.decisions.append(ImportedDecision(verb=split[1], text=_strip_ending(split[2])))
        elif not self._decision(para, item=item):
            self._text(para)
            return
        self._loose_notes(para, item, "a decision")

    def _product_entry(self, para, level):
        item = self._level_item(level)
        if item is None:
            self._text(para)
            return
        split = para.split_at_bold()
        if split is not None:
            item.decisions.append(ImportedDecision(verb=split[1], text=_strip_ending(split[2])))
        else:
            match = self.entry_re.match(para.plain)
            if match:
                item.decisions.append(
                    ImportedDecision(
                        verb=_squash(match.group("verb")).upper(), text=_strip_ending(match.group("rest"))
                    )
                )
            else:
                item.decisions.append(
                    ImportedDecision(verb="", text=_strip_ending(self.entry_marker_re.sub("", para.plain)))
                )
                self.warnings.append(f"A decision without a verb was read as it stands: “{para.plain[:80]}”.")
        self._loose_notes(para, item, "a decision")

    def _written_verb(self, para, verb):
        """The verb as typed is a decision's when it is in capitals or in bold."""
        if verb == verb.upper():
            return True
        bold = " ".join(piece.text for piece in para.pieces if piece.bold)
        return _squash(verb).casefold() in _squash(bold).casefold()

    def _decision(self, para, item=None):
        """ "The OPSG AGREED …" (also "The OPSG: NOTED …; and APPROVED …") in a file's own words."""
        match = self.decision_re.match(para.plain)
        if match is None or not self._written_verb(para, match.group("verb")):
            return False
        item = item or self.current
        text = f"{match.group('verb')} {match.group('rest')}"
        for part in self.next_verb_re.split(text):
            entry = self.entry_re.match(part)
            if entry is None:
                continue
            item.decisions.append(
                ImportedDecision(
                    verb=_squash(entry.group("verb")).upper(), text=_strip_ending(entry.group("rest"))
                )
            )
        return True

    def _lead_in_entry(self, para):
        """A decision after a lead-in typed by hand ("The OPSG:" then "a) NOTED …"); True if taken."""
        if self.lead_in is None or para.style in ENTRY_LEVELS:
            return False
        match = self.entry_re.match(para.plain)
        if match is None or not self._written_verb(para, match.group("verb")):
            return False
        _lead, item = self.lead_in
        item.decisions.append(
            ImportedDecision(
                verb=_squash(match.group("verb")).upper(), text=_strip_ending(match.group("rest"))
            )
        )
        self.lead_in = (None, item)
        self._loose_notes(para, item, "a decision")
        return True

    def _flush_lead_in(self):
        """A lead-in no decision followed is text after all."""
        if self.lead_in is not None:
            para, _item = self.lead_in
            self.lead_in = None
            if para is not None:
                self._text(para)

    # ---- Actions ---------------------------------------------------------------------------

    def _action_reference(self, callout, *, made_by_product):
        """The reference in a call-out ("ACTION OPSG 55/01" -> "OPSG 55/01", "Action 021" stays)."""
        callout = _squash(callout).rstrip(":").strip()
        stripped = re.sub(r"^action\b\s*", "", callout, flags=re.IGNORECASE)
        candidates = [stripped, callout] if callout.startswith("ACTION ") else [callout, stripped]
        if self.reference_re is not None:
            for candidate in candidates:
                if self.reference_re.match(candidate):
                    return candidate
            if not made_by_product:
                return None
        if made_by_product:
            return candidates[0]
        for candidate in candidates:
            if candidate and re.search(r"\d", candidate) and len(candidate) <= 40:
                return candidate
        return None

    def _product_action(self, para, level):
        item = self._level_item(level)
        split = para.split_at_bold()
        if split is not None and not split[0]:
            callout, text = split[1], split[2]
        else:
            callout, _, text = para.plain.partition(":")
        reference = self._action_reference(callout, made_by_product=True)
        if item is None or not reference:
            self._text(para)
            return
        action = ImportedAction(reference=reference, text=_squash(text))
        item.actions.append(action)
        self.last_action = action
        self._loose_notes(para, item, "an action")

    def _action(self, para):
        """ "ACTION OPSG 56/01: text" typed by hand, perhaps with its owner and target date."""
        match = ACTION_LINE.match(para.plain)
        if match is None:
            return False
        reference = self._action_reference(match.group("callout"), made_by_product=False)
        if reference is None:
            return False
        text = match.group("text")
        label = DETAIL_LABEL.search(text)
        action = ImportedAction(reference=reference, text="")
        if label is not None and label.start() > 0:
            self._action_details(text[label.start() :], action)
            text = text[: label.start()]
        action.text = _squash(text).rstrip(" ·|;-–")
        self.current.actions.append(action)
        self.last_action = action
        self._loose_notes(para, self.current, "an action")
        return True

    def _action_details_paragraph(self, para):
        if self.last_action is None or not self._action_details(para.plain, self.last_action):
            self._text(para)

    def _action_details(self, text, action):
        """ "Owner: DCC · Target date: 27/09/2021" (either part alone, in any order) into `action`;
        True when the text was that."""
        labels = list(DETAIL_LABEL.finditer(text))
        if not labels or text[: labels[0].start()].strip(" ·|;.-–\t"):
            return False
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
            value = text[label.end() : end].strip(" ·|;\t").strip()
            name = _key(label.group("label"))
            if "owner" in name:
                action.owners = _owners(value, product=self.product)
            else:
                target = _date(value)
                if target is None and _key(value) not in NO_DATE:
                    self.warnings.append(
                        f"The target date “{value}” of action {action.reference} was not recognised."
                    )
                action.target_on = target
        return True

    # ---- Tables ----------------------------------------------------------------------------

    def _table(self, table):
        style = _style_name(table)
        if style == ATTENDANCE_TABLE or (self.pending_status is not None and style != OUTSTANDING_TABLE):
            self._attendance_table(table, self.pending_status or "present")
            return
        if style == OUTSTANDING_TABLE:
            self._outstanding_table(table)
            return
        if style != MINUTES_TEXT_TABLE and not self.product:
            rows = list(table.rows)
            header = [_cell_text(cell) for cell in _grid(rows[0])] if rows else []
            if self.current is None:
                if self._key_value_table(table):
                    return
                if "name" in _columns(header, ATTENDANCE_HEADINGS).values():
                    self._attendance_table(table, "present")
                    return
            columns = _columns(header, OUTSTANDING_HEADINGS)
            if {"reference", "text"} <= set(columns.values()) and len(columns) >= 3:
                self._outstanding_table(table)
                return
        self._text_table(table)

    def _key_value_table(self, table):
        rows = [_present(_grid(row)) for row in table.rows]
        if not rows or any(len(cells) != 2 for cells in rows):
            return False
        pairs = [(_cell_text(cells[0]).rstrip(":"), _cell_text(cells[1])) for cells in rows]
        known = [TITLE_KEYS.get(_key(key)) for key, _value in pairs]
        if sum(1 for key in known if key) * 2 < len(pairs):
            return False
        for (key, value), title_key in zip(pairs, known, strict=True):
            if title_key:
                self._title_value(title_key, value)
            elif key or value:
                self.preamble_lines.append(f"{key}: {value}")
        return True

    def _outstanding_table(self, table):
        item = self.current
        if item is None:
            item = self._start_item(1, "", "Actions Outstanding", "", "actions_outstanding", None)
        rows = [grid for grid in (_grid(row) for row in table.rows) if _present(grid)]
        if not rows:
            return
        columns = _columns([_cell_text(cell) for cell in rows[0]], OUTSTANDING_HEADINGS)
        if "reference" not in columns.values():
            columns = dict(
                enumerate(["reference", "text", "raised_on", "target_on", "revised_target_on", "owners"])
            )
        else:
            rows = rows[1:]
        reference_at = next(index for index, key in columns.items() if key == "reference")
        record = None
        for cells in rows:
            texts = [_cell_text(cell) for cell in cells]
            if _spanning(cells) or (
                record is not None and (reference_at >= len(texts) or not texts[reference_at])
            ):
                if record is not None:
                    self._update(record, " ".join(text for text in texts if text))
                continue
            values = {key: texts[index] for index, key in columns.items() if index < len(texts)}
            if not values.get("reference"):
                continue
            record = ImportedOutstanding(reference=values["reference"], text=values.get("text", ""))
            for name in ("raised_on", "target_on", "revised_target_on"):
                setattr(record, name, self._table_date(values.get(name, ""), record.reference))
            owners_at = next((index for index, key in columns.items() if key == "owners"), None)
            if owners_at is not None and owners_at < len(cells):  # also one owner a line
                record.owners = _owners(", ".join(_cell_lines(cells[owners_at])), product=self.product)
            if values.get("update"):
                self._update(record, values["update"])
            if values.get("status"):
                record.status = values["status"]
            item.outstanding.append(record)
        if item.kind == "item":
            item.kind = "actions_outstanding"

    def _update(self, record, text):
        text = _squash(text)
        match = STATUS_IN_UPDATE.search(text)
        if match:
            record.status = match.group("status").strip()
            text = text[: match.start()].strip()
        if text:
            record.update = f"{record.update} {text}".strip()

    def _table_date(self, value, reference):
        if _key(value) in NO_DATE:
            return None
        found = _date(value)
        if found is None:
            self.warnings.append(f"The date “{value}” of action {reference} was not recognised.")
        return found

    def _text_table(self, table):
        """A table in the minutes text: an HTML table where minutes text may hold one, else a
        paragraph per row, its cells joined by " | "."""
        rows = []
        for row in table.rows:
            cells = []
            for tc in row._tr.tc_lst:
                cell = _Cell(tc, table)
                merged = tc.vMerge == "continue"
                cells.append((cell, "" if merged else self._cell_html(cell), tc.grid_span))
            header = row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            header = header or all(
                _style_name(cell.paragraphs[0]) == TABLE_HEADING for cell, _h, _s in cells if cell.paragraphs
            )
            rows.append((header, cells))
        if not rows:
            return
        if TABLES_ALLOWED:
            heads = len(list(itertools.takewhile(lambda row: row[0], rows)))
            out = ["<table>"]
            for index, (header, cells) in enumerate(rows):
                if index == 0 and heads:
                    out.append("<thead>")
                if index == heads:
                    out.append("</thead><tbody>" if heads else "<tbody>")
                tag = "th" if header else "td"
                out.append("<tr>")
                for _cell, content, span in cells:
                    colspan = f' colspan="{span}"' if span > 1 else ""
                    out.append(f"<{tag}{colspan}>{content}</{tag}>")
                out.append("</tr>")
            out.append("</tbody></table>" if heads < len(rows) else "</thead></table>")
            self._sink().raw("".join(out))
            return
        sink = self._sink()
        for _header, cells in rows:
            contents = [content for _cell, content, _span in cells if _strip_tags(content)]
            if contents:
                sink.paragraph(" | ".join(contents))
        self.tables_as_text += 1
        if self.tables_as_text == 1:
            self.warnings.append(
                "Tables in the minutes text were kept as text, a paragraph per row with its cells "
                "joined by “|”: the minutes text holds no tables."
            )

    def _cell_html(self, cell):
        lines = []
        for block in _blocks(cell._tc, cell):
            if isinstance(block, Paragraph):
                html_text = self._inline(self._para(block))
                if html_text:
                    lines.append(html_text)
            elif isinstance(block, Table):
                for row in block.rows:
                    words = " | ".join(text for text in map(_cell_text, _grid(row)) if text)
                    if words:
                        lines.append(html.escape(words, quote=False))
        return "<br>".join(lines)

    # ---- Minutes text ----------------------------------------------------------------------

    def _sink(self):
        return self.texts[id(self.current)] if self.current is not None else self.preamble

    def _text(self, para):
        sink = self._sink()
        inline = self._inline(para)
        if not inline:
            return
        if re.match(r"^Heading [3-9]$", para.style) and not para.bold:
            inline = f"<strong>{inline}</strong>"
        listed = LIST_STYLE.match(para.style)
        if listed:
            depth = int(listed.group(2) or 1)
            kind = listed.group(1)
            if kind == "Continue":
                sink.continuation(depth, inline)
                return
            numbering = _numbering(para.paragraph, direct_only=True)
            sink.list_item("ol" if kind == "Number" else "ul", depth, numbering and numbering[0], inline)
            return
        numbering = _numbering(para.paragraph)
        if numbering is not None and not para.style.startswith(("Heading", "Title")):
            tag = self._list_format(*numbering)
            if tag is not None:
                sink.list_item(tag, min(numbering[1] + 1, 9), numbering[0], inline)
                return
        sink.paragraph(inline)

    def _inline(self, para):
        """A paragraph's content as inline HTML; footnote calls as marks found again later."""
        pieces = list(para.pieces)
        _trim(pieces)
        out = []
        for href, group in itertools.groupby(pieces, key=lambda piece: piece.href):
            inner = self._render_pieces(list(group))
            if href:
                out.append(f'<a href="{html.escape(href)}">{inner}</a>')
            else:
                out.append(inner)
        return "".join(out)

    def _render_pieces(self, pieces):
        out = []
        # Runs of the same formatting, one after another, read as one.
        for (formats, br, note), group in itertools.groupby(
            pieces, key=lambda piece: (piece.formats, piece.br, piece.note)
        ):
            group = list(group)
            if note:
                out.append(self._mark(note))
                continue
            if br:
                out.append("<br>" * len(group))
                continue
            text = html.escape("".join(piece.text for piece in group), quote=False)
            for tag in reversed(formats):
                text = f"<{tag}>{text}</{tag}>"
            out.append(text)
        return "".join(out)

    def _list_format(self, num_id, level):
        """ "ul" or "ol" for Word numbering `num_id` at `level`; None for numbering that shows nothing."""
        key = (num_id, level)
        if key not in self.numbering_formats:
            self.numbering_formats[key] = self._numbering_format(num_id, level)
        return self.numbering_formats[key]

    def _numbering_format(self, num_id, level):
        try:
            numbering = self.document.part.part_related_by(RT.NUMBERING).element
            abstract = numbering.xpath(f'./w:num[@w:numId="{int(num_id)}"]/w:abstractNumId/@w:val')
            formats = numbering.xpath(
                f'./w:abstractNum[@w:abstractNumId="{int(abstract[0])}"]/w:lvl[@w:ilvl="{int(level)}"]/w:numFmt/@w:val'
            )
        except (KeyError, ValueError, IndexError, AttributeError):
            return "ul"
        if not formats:
            return "ul"
        return {"bullet": "ul", "none": None}.get(formats[0], "ol")

    # ---- Footnotes -------------------------------------------------------------------------

    def _mark(self, note, *, where="", item=None, before=""):
        kind, note_id = note
        self.mark_counts[kind] += 1
        mark = _Mark(
            kind,
            note_id,
            self.mark_counts[kind],
            item=item or self.current,
            where=where,
            paragraph_text=before,
        )
        self.marks.append(mark)
        return f"[[{self.nonce}:{len(self.marks) - 1}]]"

    def _loose_notes(self, para, item, where):
        """Footnote calls in a paragraph that is not minutes text (a heading, a decision, an action)."""
        if para is None:
            return
        before = ""
        for piece in para.pieces:
            if piece.note:
                self._mark(piece.note, where=where, item=item, before=before)
            else:
                before += "\n" if piece.br else piece.text

    def _item_html(self, item, raw):
        """The item's sanitised HTML, its marks taken out and turned into the item's footnotes."""
        cleaned = clean_minutes_html(raw) if raw else ""
        pattern = re.compile(r"\[\[" + self.nonce + r":(\d+)\]\]")
        # A paragraph holding nothing but footnote calls: the calls alone, after what comes before.
        cleaned = re.sub(
            r"<p>((?:\s|" + pattern.pattern + r")*)</p>",
            lambda empty: "".join(call.group(0) for call in pattern.finditer(empty.group(1))),
            cleaned,
        )
        parts, offsets, at, length = [], [], 0, 0
        for match in pattern.finditer(cleaned):
            parts.append(cleaned[at : match.start()])
            length += match.start() - at
            offsets.append((int(match.group(1)), length))
            at = match.end()
        parts.append(cleaned[at:])
        final = "".join(parts)
        for index, offset in offsets:
            mark = self.marks[index]
            mark.item = item
            mark.anchor, mark.occurrence = _anchor_at(final, offset)
        return final

    def _footnotes(self):
        texts = {
            "footnote": self._note_texts(RT.FOOTNOTES, "footnote"),
            "endnote": self._note_texts(RT.ENDNOTES, "endnote"),
        }
        footnotes = self.mark_counts["footnote"]
        if self.mark_counts["endnote"]:
            self.warnings.append(
                f"{_plural(self.mark_counts['endnote'], 'endnote')} {'was' if self.mark_counts['endnote'] == 1 else 'were'} "
                "read as footnotes, numbered after them."
            )
        for mark in self.marks:
            number = mark.order if mark.kind == "footnote" else footnotes + mark.order
            text = texts[mark.kind].get(mark.id, "")
            if mark.item is None:
                self.warnings.append(
                    f"Footnote {number} stands before the first item and was left out: “{text[:80]}”."
                )
                continue
            if mark.anchor is None:
                words = mark.paragraph_text.split()
                mark.anchor, mark.occurrence = (words[-1] if words else ""), 1
            if mark.where:
                self.warnings.append(
                    f"Footnote {number} stands in {mark.where}, not in the minutes text: it will follow "
                    f"“{mark.anchor}” in the text of item {mark.item.number or mark.item.title}, or end it."
                )
            mark.item.footnotes.append(
                ImportedFootnote(
                    number=number, anchor_text=mark.anchor, occurrence=mark.occurrence, text=text
                )
            )
        for item in self.minutes.all_items():
            item.footnotes.sort(key=lambda footnote: footnote.number)

    def _note_texts(self, reltype, kind):
        """{id: text} of the footnotes (or endnotes) part, separators left out."""
        try:
            blob = self.document.part.part_related_by(reltype).blob
        except (KeyError, ValueError):
            return {}
        try:
            root = etree.fromstring(blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            self.warnings.append(f"The {kind}s of the document are damaged: their text was left out.")
            return {}
        notes = {}
        for note in root.iterchildren(f"{W}{kind}"):
            if note.get(f"{W}type") not in (None, "normal"):
                continue
            paragraphs = []
            for paragraph in note.iter(f"{W}p"):
                paragraphs.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
            notes[note.get(f"{W}id")] = _squash(" ".join(paragraphs))
        return notes

    def _next_meetings(self, para):
        if not self._next_meetings_in_text(para.plain):
            self._text(para)

    def _next_meetings_in_text(self, text):
        """The next meetings' dates where `text` gives them; True if it did."""
        found = False
        for match in NEXT_MEETING.finditer(text):
            date = _find_date(match.group("rest"))
            if date is None:
                continue
            found = True
            if (match.group("kind") or "").strip().casefold() == "reporting":
                self.minutes.next_reporting_meeting_on = self.minutes.next_reporting_meeting_on or date
            else:
                self.minutes.next_main_meeting_on = self.minutes.next_main_meeting_on or date
        return found


def _strip_tags(markup):
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", markup or "")))


def _trim(pieces):
    """No spaces at the start or end of a paragraph's text."""
    for index in range(len(pieces)):
        piece = pieces[index]
        if piece.br or piece.note:
            break
        pieces[index] = _Piece(**{**piece.__dict__, "text": piece.text.lstrip()})
        if pieces[index].text:
            break
    for index in range(len(pieces) - 1, -1, -1):
        piece = pieces[index]
        if piece.br or piece.note:
            break
        pieces[index] = _Piece(**{**piece.__dict__, "text": piece.text.rstrip()})
        if pieces[index].text:
            break
    pieces[:] = [piece for piece in pieces if piece.text or piece.br or piece.note]


def _anchor_at(markup, offset):
    """(anchor_text, occurrence) that put a footnote mark at `offset` in `markup` again, as
    minutes.sanitize.anchor_offset finds it: the last word before the mark (tags and spaces
    between them skipped), and which occurrence of that word it is."""
    end = offset
    while end > 0:
        if markup[end - 1] == ">":
            start = markup.rfind("<", 0, end - 1)
            if start < 0:
                break
            end = start
        elif markup[end - 1].isspace():
            end -= 1
        elif markup.endswith("&nbsp;", 0, end):
            end -= len("&nbsp;")
        else:
            break
    start = end
    while start > 0 and not markup[start - 1].isspace() and markup[start - 1] not in "<>":
        if markup.endswith("&nbsp;", 0, start):
            break
        start -= 1
    anchor = html.unescape(markup[start:end])
    if not anchor:
        return "", 1
    occurrence, last = 1, 1
    while True:
        found = anchor_offset(markup, anchor, occurrence)
        if found is None or found > end:
            return anchor, last
        last = occurrence
        if found == end:
            return anchor, occurrence
        occurrence += 1


def _address(hyperlink):
    try:
        address = hyperlink.address
    except KeyError:  # a link to a relationship that is not there
        return ""
    fragment = hyperlink.fragment
    if address and fragment:
        return f"{address}#{fragment}"
    return address


def _style_name(thing):
    try:
        style = thing.style
    except Exception:  # a style python-docx cannot resolve: as if it had none
        return ""
    return (style.name or "") if style is not None else ""


def _flag(run, name):
    """A run's bold or italic, set on it or by its character style ("Strong", "Emphasis")."""
    value = getattr(run, name)
    if value is not None:
        return value
    try:
        style = run.style
    except Exception:  # a style python-docx cannot resolve
        return False
    depth = 0
    while style is not None and depth < 10 and style.name not in (HYPERLINK, "Default Paragraph Font"):
        value = getattr(style.font, name)
        if value is not None:
            return value
        style, depth = style.base_style, depth + 1
    return False


def _numbering(paragraph, *, direct_only=False):
    """(numId, level) of a paragraph's Word numbering, from it or its style; None without one."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is None and not direct_only:
        try:
            style = paragraph.style
        except Exception:  # a style python-docx cannot resolve
            style = None
        depth = 0
        while style is not None and num_pr is None and depth < 10:
            style_p_pr = style.element.pPr
            num_pr = style_p_pr.numPr if style_p_pr is not None else None
            style, depth = style.base_style, depth + 1
    if num_pr is None or num_pr.numId is None or num_pr.numId.val in (None, 0):
        return None
    level = num_pr.ilvl.val if num_pr.ilvl is not None and num_pr.ilvl.val is not None else 0
    return num_pr.numId.val, level


def _drawing_kind(element):
    """What a drawing in the text is, in words, for the warnings."""
    for child in element.iter():
        if child.tag == qn("w:txbxContent"):
            return "text box"
        if child.tag == "{http://schemas.openxmlformats.org/drawingml/2006/main}graphicData":
            uri = child.get("uri") or ""
            if "chart" in uri:
                return "chart"
            if "picture" in uri:
                return "image"
    if element.tag == qn("w:object"):
        return "embedded object"
    return "image"


def _columns(headings, known):
    """{column index: field} for a table's heading row, by the headings in `known`."""
    columns, taken = {}, set()
    for index, heading in enumerate(headings):
        key = _key(heading)
        name = next((field_name for field_name, words in known.items() if key in words), None)
        if name is None and known is ATTENDANCE_HEADINGS and key.endswith(" members"):
            name = "name"
        if name == "seat_category" and "seat_category" in taken and key == "representing":
            name = "organisation"
        if name is None or name in taken:
            continue
        taken.add(name)
        columns[index] = name
    return columns

"""Minutes as a Word document (.docx), laid out like the PDF. With minutes/word_import.py, which reads
such files back, the only module that imports python-docx.

`meeting_docx(meeting)` builds the file from what the meeting page and the PDF print
(`meeting_minutes`, which also fetches the attendance): item numbers, decision wording,
footnote numbers and attendance columns come from there, never recomputed here.

The file is meant to be read back (an importer gives the same meeting: items, attendance,
decisions, actions, footnotes), so every part is marked by a named style, not by its looks.
The names are the constants below; a reader needs nothing but python-docx and these rules.

Document order (body, top to bottom), each paragraph with its style (`paragraph.style.name`):

1. Title block, one paragraph each, as the PDF prints it:
   - "Title": "<committee name> Meeting" ("Operations Group Meeting");
   - "Meeting Date and Reference": "23 August 2021, OPSG_55" (date as "j F Y", then ", ", then the
     reference; split at the last ", ");
   - "Meeting Time": "12:20 – 15:20" (start and end as H:i, joined by " – "; end may be missing;
     the paragraph is absent when the meeting has no start time);
   - "Meeting Location": the location (absent when empty);
   - "Minutes Status": "Draft Minutes" or "Minutes".
   The core properties say it again: title "<committee> Meeting <reference> – <status>",
   identifier = the reference, category = the committee code, content_status = the status.

2. Attendance tables. Each is announced by a paragraph in style "Attendance Table Title" whose
   text is "Attendees:", "Apologies:" or "Observers:", followed by one table in table style
   "Attendance Table" (`table.style.name`). Row 0 is the header (cells in style "Table Heading").
   - Classic layout (grouped by seat category, columns Category and Name — the OPSG's): two
     columns, headers "Category" | "<committee> Members" (Attendees), "Representing" | "Name"
     (Apologies), "Category" | "Name" (Observers). Each further row is one seat category: cell 0
     holds its name, cell 1 one paragraph per person, "Name" or "Name (note; note)" (role, remote,
     part of the meeting, "for X", "represented by X"). Apologies and Observers tables are absent
     when nobody is listed; an empty Attendees table has the single row "None recorded.".
   - Any other layout: one column per committee attendance column, headers as printed ("Name",
     "Initials", "Organisation", "Role", "Category"); then a row per person, one paragraph per
     cell, the name with its notes in brackets as above. When grouped by seat category, each group
     starts with a row whose one cell spans all columns, in paragraph style "Attendance Group",
     holding the category's name. An empty Attendees table has one spanning row "None recorded.";
     Apologies and Observers tables are absent when empty.

3. Items, in print order. An item starts with its heading: "Heading 1" for a top-level item,
   "Heading 2" for a sub-item. The heading text is the printed heading: "3. PMR Report",
   "3.1. …", with " (PAPER_REF)" after the title where the committee prints paper references.
   The number is in a run of character style "Item Number" ("3. "), the paper reference in a run
   of character style "Paper Reference" ("(OPSG_55_03)"), the title in plain runs between. A
   heading item (kind heading, "Open Session") is a "Heading 1" with no "Item Number" run.
   After the heading, in this order:
   a. "Deferred Note": "This item was deferred until <note>." ("This item was deferred." when it
      has no note: the PDF prints nothing then, the meeting page a Deferred badge).
   b. The minutes text, converted from its HTML: paragraphs in "Normal" (in "Apologies From
      Attendance" where an Apologies item left empty prints the sentence written from the
      attendance: an importer leaves that item's text empty); list items in
      "List Bullet", "List Bullet 2", "List Bullet 3" (ul, by depth) or "List Number",
      "List Number 2", "List Number 3" (ol; each list restarts at 1), further paragraphs inside a
      list item in "List Continue[ n]"; bold, italic, underline, superscript and subscript as run
      properties; links as real hyperlinks (`paragraph.hyperlinks`, `.address`) in character
      style "Hyperlink"; line breaks as <w:br/>; tables in table style "Minutes Text Table"
      (cells in "Table Text", header cells in "Table Heading"); footnote marks as real Word
      footnote references (see 5).
   c. The Actions Outstanding item only: a table in table style "Actions Outstanding Table".
      Row 0: "Action ID" | "Action" | "Date Raised" | "Last Target Date" | "Revised Target Date"
      | "Owner". Then two rows per action: its row (reference, text, dd/mm/yyyy, dd/mm/yyyy or
      "N/A", dd/mm/yyyy or "N/A", owners joined by ", "), then a row whose one cell spans all six
      columns, in paragraph style "Action Update": one run per update given at the meeting (text
      and a trailing space), then a bold run "Status: <status>".
   d. The item's sub-items (their headings, their own a–f).
   e. Action call-outs, one pair of paragraphs per action raised on the item: style "Action"
      (items at level 1) or "Action 2" (sub-items) — a bold run "ACTION OPSG 55/01:" (or
      "Action 021:" where the reference says Action itself), then " " and the action's text;
      then, in style "Action Details": "Owner: <owners or 'none yet'>" and, when it has one,
      " · Target date: dd/mm/yyyy".
   f. Decisions, worded as printed. One decision: one paragraph in "Decision" / "Decision 2":
      "<lead-in> " + bold verb + " <text>." ("The OPSG AGREED that …."). Several: a paragraph in
      "Decision Lead-in" / "Decision Lead-in 2" ("The OPSG:"), then one paragraph per decision
      in "Decision Entry" / "Decision Entry 2": the marker as text where the committee letters
      or numbers them ("a) ", "1. "; bullets are Word bullets, no text), the verb in a bold run,
      then " <text>" ending ";" ("; and" on the last but one, "." on the last), as printed.
   Because (e) and (f) of a top-level item print after its sub-items, their style says the level
   they belong to: "Action", "Decision", "Decision Lead-in" and "Decision Entry" belong to the last
   "Heading 1" item, the "… 2" styles to the last "Heading 2" item.

4. "Next Meetings": "Next main meeting: 7 September 2021; Next reporting meeting: 27 September
   2021." (either part may be missing; absent when neither date is set).

5. Footnotes are real Word footnotes: the part word/footnotes.xml (relationship type
   RT.FOOTNOTES from the document part), with ids -1 and 0 the separators and each footnote
   `<w:footnote w:id="N">`, N the number the page and the PDF print (Word numbers them in the
   same order), its text in one paragraph (style id FootnoteText) after a <w:footnoteRef/> run and
   a space. The call is a run (character style id FootnoteReference) holding
   `<w:footnoteReference w:id="N"/>`, placed right after the words the footnote is anchored to,
   as on the page; the text before it in its paragraph gives the anchor. python-docx has no
   footnote API: read the part as XML, `document.part.part_related_by(RT.FOOTNOTES).blob`; the
   part is absent when the minutes have no footnotes.

Page: A4, margins as the PDF's; the header reads "<reference> <status>" left and
"<committee> Meeting" right, the footer "Page N of M" right (PAGE / NUMPAGES fields). Fonts:
Arial (the metrics of the PDF's Liberation Sans), 10.5 pt body, headings in #1F3864.
"""

import datetime
import io
import re

import lxml.html
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import time as format_time
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.run import Run

from minutes.selectors import meeting_minutes

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# ---- The names a reader of the file goes by (see the module docstring) --------------------
TITLE = "Title"
DATE_AND_REFERENCE = "Meeting Date and Reference"
TIME = "Meeting Time"
LOCATION = "Meeting Location"
STATUS = "Minutes Status"
ATTENDANCE_TITLE = "Attendance Table Title"
ATTENDANCE_TABLE = "Attendance Table"
ATTENDANCE_GROUP = "Attendance Group"
TABLE_TEXT = "Table Text"
TABLE_HEADING = "Table Heading"
ITEM_HEADINGS = {1: "Heading 1", 2: "Heading 2"}
ITEM_NUMBER = "Item Number"
PAPER_REFERENCE = "Paper Reference"
DEFERRED = "Deferred Note"
MINUTES_TEXT_TABLE = "Minutes Text Table"
OUTSTANDING_TABLE = "Actions Outstanding Table"
ACTION_UPDATE = "Action Update"
ACTION = {1: "Action", 2: "Action 2"}
ACTION_DETAILS = "Action Details"
DECISION = {1: "Decision", 2: "Decision 2"}
DECISION_LEAD_IN = {1: "Decision Lead-in", 2: "Decision Lead-in 2"}
DECISION_ENTRY = {1: "Decision Entry", 2: "Decision Entry 2"}
NEXT_MEETINGS = "Next Meetings"
APOLOGIES_FROM_ATTENDANCE = "Apologies From Attendance"
# Word's own styles, by their built-in names and ids.
FOOTNOTE_TEXT = "footnote text"
FOOTNOTE_REFERENCE = "footnote reference"
HYPERLINK = "Hyperlink"
OUTSTANDING_HEADERS = [
    "Action ID",
    "Action",
    "Date Raised",
    "Last Target Date",
    "Revised Target Date",
    "Owner",
]

# ---- Looks, after static/css/print.css ----------------------------------------------------
FONT = "Arial"  # Liberation Sans, the PDF's font, is metric-compatible with Arial
NAVY = RGBColor(0x1F, 0x38, 0x64)
LINK = RGBColor(0x0B, 0x4F, 0x8A)
GREY = RGBColor(0x55, 0x55, 0x55)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(25), "right": Mm(20), "bottom": Mm(22), "left": Mm(20)}
TEXT_WIDTH = Mm(170)


def meeting_docx(meeting):
    """The minutes of `meeting` as .docx bytes."""
    minutes = meeting_minutes(meeting)  # also gives meeting.committee as these minutes print it
    return _MinutesDocument(meeting, minutes).build()


def docx_filename(meeting):
    return f"{meeting.reference} {meeting.minutes_title}.docx"


class _MinutesDocument:
    def __init__(self, meeting, minutes):
        self.meeting = meeting
        self.minutes = minutes
        self.committee = meeting.committee
        self.document = Document()
        self.footnotes = WordFootnotes(self.document)
        self.footnote_texts = {footnote.number: footnote.text for footnote in minutes.footnotes}
        self.lists = _Lists(self.document)

    def build(self):
        _define_styles(self.document)
        self._page()
        self._properties()
        self._title_block()
        self._attendance()
        for item in self.minutes.items:
            self._item(item, level=1)
        self._next_meetings()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    # ---- Page, header, footer, properties ------------------------------------------------

    def _page(self):
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.right_margin = MARGINS["top"], MARGINS["right"]
        section.bottom_margin, section.left_margin = MARGINS["bottom"], MARGINS["left"]
        section.header_distance = section.footer_distance = Mm(10)
        header = section.header.paragraphs[0]
        _right_tab_only(header)
        header.add_run(f"{self.meeting.reference} {self.meeting.minutes_title}")
        header.add_run("\t" + self._committee_title())
        footer = section.footer.paragraphs[0]
        _right_tab_only(footer)
        footer.add_run("\tPage ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")

    def _properties(self):
        meeting, properties = self.meeting, self.document.core_properties
        held = datetime.datetime.combine(meeting.held_on, datetime.time())
        properties.title = f"{self._committee_title()} {meeting.reference} – {meeting.minutes_title}"
        properties.subject = (
            f"{meeting.minutes_title} of the {self.committee.name} meeting {meeting.reference}, "
            f"{format_date(meeting.held_on, 'j F Y')}"
        )
        properties.author = properties.last_modified_by = f"{self.committee.name} Secretariat"
        properties.keywords = f"{self.committee.code}, {meeting.reference}, minutes"
        properties.identifier = meeting.reference
        properties.category = self.committee.code
        properties.content_status = meeting.minutes_title
        properties.language = "en-GB"
        properties.created = properties.modified = held
        properties.revision = 1
        properties.comments = "Made by Minutes & Actions."

    def _committee_title(self):
        return f"{self.committee.name} Meeting"

    # ---- Title block, attendance -----------------------------------------------------------

    def _title_block(self):
        meeting, add = self.meeting, self.document.add_paragraph
        add(self._committee_title(), TITLE)
        when = add(format_date(meeting.held_on, "j F Y"), DATE_AND_REFERENCE)
        when.add_run(", ")
        when.add_run(meeting.reference)
        if meeting.start_time:
            text = format_time(meeting.start_time, "H:i")
            if meeting.end_time:
                text += " – " + format_time(meeting.end_time, "H:i")
            add(text, TIME)
        if meeting.location:
            add(meeting.location, LOCATION)
        add(meeting.minutes_title, STATUS)

    def _attendance(self):
        tables = self.minutes.attendance
        if tables is None:
            return
        if tables.classic:
            members = f"{self.committee.name} Members"
            self._classic_table("Attendees:", tables.present, ("Category", members), empty="None recorded.")
            self._classic_table("Apologies:", tables.apologies, ("Representing", "Name"))
            self._classic_table("Observers:", tables.observers, ("Category", "Name"))
            return
        for position, (title, groups) in enumerate(tables.printed):
            if groups or position == 0:
                self._column_table(title, groups, [header for _key, header in tables.columns])

    def _classic_table(self, title, groups, headers, empty=None):
        if not groups and empty is None:
            return
        self.document.add_paragraph(title, ATTENDANCE_TITLE)
        table = _table(self.document, 2, ATTENDANCE_TABLE, [38, 62])
        _header_row(table, headers)
        for group in groups:
            row = _add_row(table)
            row.cells[0].paragraphs[0].add_run(group.category.name)
            cell = row.cells[1]
            for index, attendance in enumerate(group.attendances):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph(style=TABLE_TEXT)
                paragraph.add_run(_with_notes(attendance))
        if not groups:
            _spanning_row(table).paragraphs[0].add_run(empty)

    def _column_table(self, title, groups, headers):
        self.document.add_paragraph(title, ATTENDANCE_TITLE)
        table = _table(self.document, len(headers), ATTENDANCE_TABLE)
        _header_row(table, headers)
        for group in groups:
            if group.category is not None:
                cell = _spanning_row(table)
                cell.paragraphs[0].style = ATTENDANCE_GROUP
                cell.paragraphs[0].add_run(group.category.name)
            for attendance in group.attendances:
                row = _add_row(table)
                for cell, value in zip(row.cells, attendance.cells, strict=True):
                    if value:
                        cell.paragraphs[0].add_run(str(value))
        if not groups:
            _spanning_row(table).paragraphs[0].add_run("None recorded.")

    # ---- Items -------------------------------------------------------------------------------

    def _item(self, item, level):
        self._heading(item, level)
        if item.is_deferred:
            note = item.deferred_note
            text = f"This item was deferred until {note}." if note else "This item was deferred."
            self.document.add_paragraph(text, DEFERRED)
        if item.minutes_html:
            # An Apologies item left empty prints a sentence written from the attendance.
            style = APOLOGIES_FROM_ATTENDANCE if getattr(item, "generated_text", None) else None
            _HtmlToWord(self).convert(item.minutes_html, self.document, style)
        if item.is_actions_outstanding and item.outstanding:
            self._outstanding(item.outstanding)
        for child in item.sub_items:
            self._item(child, level=2)
        for action in item.item_actions:
            self._action(action, level)
        self._decisions(item.decision_wording, level)

    def _heading(self, item, level):
        """The printed heading (selectors.heading_text), its number and paper reference in runs of
        their own character styles."""
        paragraph = self.document.add_paragraph(style=ITEM_HEADINGS[level])
        text = item.heading_text
        number = "" if item.is_heading else f"{item.number}. "
        printed = self.committee.print_paper_references and item.paper_reference
        paper = f"({item.paper_reference})" if printed else ""
        if number and text.startswith(number):
            paragraph.add_run(number, ITEM_NUMBER)
            text = text[len(number) :]
        if paper and text.endswith(" " + paper):
            paragraph.add_run(text[: -len(paper)])
            paragraph.add_run(paper, PAPER_REFERENCE)
        else:
            paragraph.add_run(text)

    def _outstanding(self, rows):
        table = _table(self.document, 6, OUTSTANDING_TABLE, [14, 40, 12, 12, 12, 10])
        _header_row(table, OUTSTANDING_HEADERS)
        for row in rows:
            action = row.action
            cells = _add_row(table, keep_with_next=True).cells
            values = [
                action.reference,
                action.text,
                format_date(action.raised_on, "d/m/Y"),
                format_date(row.last_target_on, "d/m/Y") or "N/A",
                format_date(row.revised_target_on, "d/m/Y") or "N/A",
                action.owner_names,
            ]
            for cell, value in zip(cells, values, strict=True):
                if value:
                    cell.paragraphs[0].add_run(value)
            cells[0].paragraphs[0].runs[0].bold = True
            update = _spanning_row(table, shade="F3F5F9").paragraphs[0]
            update.style = ACTION_UPDATE
            for given in row.updates:
                update.add_run(f"{given.text} ")
            update.add_run(f"Status: {row.status_label}").bold = True
        for run in table._tbl.xpath(".//w:r"):  # the PDF prints this table smaller
            Run(run, None).font.size = Pt(9.5)

    def _action(self, action, level):
        paragraph = self.document.add_paragraph(style=ACTION[level])
        paragraph.add_run(f"{action.callout}:").bold = True
        paragraph.add_run(f" {action.text}")
        details = f"Owner: {action.owner_names or 'none yet'}"
        if action.current_target_on:
            details += f" · Target date: {format_date(action.current_target_on, 'd/m/Y')}"
        self.document.add_paragraph(details, ACTION_DETAILS)

    def _decisions(self, wording, level):
        if wording["single"]:
            paragraph = self.document.add_paragraph(f"{wording['lead']} ", DECISION[level])
            paragraph.add_run(wording["single"]["verb"]).bold = True
            paragraph.add_run(f" {wording['single']['rest']}")
        elif wording["entries"]:
            self.document.add_paragraph(wording["lead"], DECISION_LEAD_IN[level])
            bullets = None if wording["marked"] else self.lists.bullets()
            for index, entry in enumerate(wording["entries"], start=1):
                paragraph = self.document.add_paragraph(style=DECISION_ENTRY[level])
                # The decisions stand together on a page, as in the PDF.
                paragraph.paragraph_format.keep_with_next = index < len(wording["entries"]) or None
                if entry["marker"]:
                    paragraph.add_run(f"{entry['marker']} ")
                if bullets is not None:
                    _number(paragraph, bullets, 0)
                paragraph.add_run(entry["verb"]).bold = True
                paragraph.add_run(f" {entry['rest']}")

    def _next_meetings(self):
        main, reporting = self.meeting.next_main_meeting_on, self.meeting.next_reporting_meeting_on
        parts = []
        if main:
            parts.append(f"Next main meeting: {format_date(main, 'j F Y')}")
        if reporting:
            parts.append(f"Next reporting meeting: {format_date(reporting, 'j F Y')}")
        if parts:
            self.document.add_paragraph("; ".join(parts) + ".", NEXT_MEETINGS)


def _with_notes(attendance):
    notes = attendance.notes
    return f"{attendance.person.name} ({'; '.join(notes)})" if notes else attendance.person.name


# ---- Footnotes --------------------------------------------------------------------------------


class WordFootnotes:
    """Real Word footnotes, which python-docx 1.2 cannot make: the word/footnotes.xml part (made on
    the first footnote, with its relationship from the document and, through the part's content
    type, its entry in [Content_Types].xml) and the <w:footnoteReference> runs that call them."""

    PARTNAME = "/word/footnotes.xml"
    SEPARATORS = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    )

    def __init__(self, document):
        self.document = document
        self.root = None

    def _part(self):
        if self.root is None:
            self.root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{self.SEPARATORS}</w:footnotes>")
            document_part = self.document.part
            part = XmlPart(PackURI(self.PARTNAME), CT.WML_FOOTNOTES, self.root, document_part.package)
            document_part.relate_to(part, RT.FOOTNOTES)
            settings = self.document.settings.element
            compat = settings.find(qn("w:compat"))
            properties = parse_xml(
                f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
            )
            if compat is not None:
                compat.addprevious(properties)
        return self.root

    def add(self, paragraph, number, text, *, into=None):
        """Call footnote `number` (the number the minutes print) at the end of `paragraph` (or of
        the hyperlink `into` in it), the footnote holding `text`."""
        root = self._part()
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{int(number)}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/>'
            '</w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        text_run = OxmlElement("w:r")
        note[0].append(text_run)
        Run(text_run, paragraph).text = text
        root.append(note)
        call = parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{int(number)}"/></w:r>'
        )
        (into if into is not None else paragraph._p).append(call)


# ---- Minutes text: sanitised HTML to Word ----------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f]+")
_BLOCKS = {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")


class _HtmlToWord:
    """Minutes text (sanitised HTML: p, br, ul/ol/li nested, strong/b, em/i, u, a, and the marks
    the selectors add: sup.footnote-ref; also table/tr/td/th, sup, sub) as Word paragraphs, list
    paragraphs, tables, hyperlinks and formatted runs. Walks the tree lxml.html parses."""

    def __init__(self, writer):
        self.writer = writer
        self.paragraph = None  # where inline content goes; None: the next text starts a paragraph
        self.at_line_start = True  # drop the spaces HTML would not show

    def convert(self, markup, container, style=None):
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
        self._flow(root, container, style=style, depth=0)
        self._close()

    # Block level: paragraphs, lists, tables, and loose inline content between them.

    def _flow(self, element, container, *, style, depth):
        """The content of `element` as blocks in `container`, new paragraphs in `style`; `depth`
        is how many lists deep it stands. A block's first paragraph fills the paragraph already
        open if that is empty (a list item's, a table cell's)."""
        self._text(element.text, container, style)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _BLOCKS:
                if self.paragraph is None or _has_content(self.paragraph):
                    self._close()
                    self._open(container, style)
                self._flow(child, container, style=style, depth=depth)
                self._close()
            elif tag in _LISTS:
                self._close()
                self._list(child, container, depth + 1)
            elif tag == "li":  # a list item outside any list
                self._close()
                self._list_item(child, container, depth + 1, _list_style("ul", depth + 1), None)
            elif tag == "table":
                self._close()
                self._table(child, container)
            elif tag:
                self._inline(child, self._ensure(container, style), {})
            self._text(child.tail, container, style)

    def _text(self, text, container, style):
        if text and (self.paragraph is not None or text.strip()):
            self._add_text(self._ensure(container, style), text, {})

    def _open(self, container, style):
        self.paragraph = container.add_paragraph(style=style)
        self.at_line_start = True
        return self.paragraph

    def _ensure(self, container, style):
        return self.paragraph if self.paragraph is not None else self._open(container, style)

    def _close(self):
        """End the current paragraph: no trailing space; dropped if nothing was written in it."""
        paragraph, self.paragraph = self.paragraph, None
        if paragraph is None:
            return
        texts = paragraph._p.xpath(".//w:t")
        if texts and texts[-1].text and texts[-1].text.endswith(" "):
            texts[-1].text = texts[-1].text.rstrip(" ")
            run = texts[-1].getparent()
            if not texts[-1].text and all(child.tag in (qn("w:t"), qn("w:rPr")) for child in run):
                run.getparent().remove(run)
        if not _has_content(paragraph) and not paragraph._p.xpath(".//w:br"):
            paragraph._p.getparent().remove(paragraph._p)

    def _list(self, element, container, depth):
        style = _list_style(element.tag, depth)
        num_id = self.writer.lists.restarted(style) if element.tag == "ol" else None
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _LISTS:  # a list straight inside a list: one level deeper
                self._list(child, container, depth + 1)
            else:
                self._list_item(child, container, depth, style, num_id)

    def _list_item(self, element, container, depth, style, num_id):
        paragraph = self._open(container, style)
        if num_id is not None:
            _number(paragraph, num_id, 0)
        # Paragraphs after the item's first continue it, indented, without a bullet.
        further = "List Continue" if depth == 1 else f"List Continue {min(depth, 3)}"
        self._flow(element, container, style=further, depth=depth)
        self._close()

    def _table(self, element, container):
        rows = [row for row in element.iter("tr") if _nearest_table(row) is element]
        cells_of = [[cell for cell in row if cell.tag in ("td", "th")] for row in rows]
        columns = max((sum(_colspan(cell) for cell in cells) for cells in cells_of), default=0)
        if not columns:
            return
        table = _table(container, columns, MINUTES_TEXT_TABLE)
        for tr, cells in zip(rows, cells_of, strict=True):
            in_head = tr.getparent().tag == "thead"
            row = _add_row(table, header=in_head)
            column = 0
            for cell_element in cells:
                span = min(_colspan(cell_element), columns - column)
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[column + span - 1])
                column += span
                self.paragraph = cell.paragraphs[0]
                self.paragraph.style = TABLE_HEADING if cell_element.tag == "th" or in_head else TABLE_TEXT
                self.at_line_start = True
                self._flow(cell_element, cell, style=TABLE_TEXT, depth=0)
                self._close()
                if not cell.paragraphs:  # Word wants a paragraph in every cell
                    cell.add_paragraph(style=TABLE_TEXT)

    # Inline level: runs with formatting, hyperlinks, breaks, footnote calls.

    def _inline(self, element, paragraph, formats, link=None):
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = (element.get("class") or "").split()
        if tag == "sup" and "footnote-ref" in classes:
            self._footnote(element, paragraph, link)
            return
        if tag == "br":
            self._run(paragraph, "", formats, link).add_break()
            self.at_line_start = True
            return
        formats = {**formats}
        if tag in ("strong", "b"):
            formats["bold"] = True
        elif tag in ("em", "i"):
            formats["italic"] = True
        elif tag == "u":
            formats["underline"] = True
        elif tag == "sup":
            formats["superscript"] = True
        elif tag == "sub":
            formats["subscript"] = True
        elif tag == "a":
            href = (element.get("href") or "").strip()
            if href.lower().startswith(_LINK_SCHEMES) and link is None:
                link = _hyperlink(paragraph, href)
        self._add_text(paragraph, element.text, formats, link)
        for child in element:
            if isinstance(child.tag, str) and child.tag in _BLOCKS | _LISTS | {"li", "tr", "td"}:
                # Block content inside inline formatting: keep its text on a line of its own.
                self._run(paragraph, "", formats, link).add_break()
                self.at_line_start = True
            self._inline(child, paragraph, formats, link)
            self._add_text(paragraph, child.tail, formats, link)

    def _add_text(self, paragraph, text, formats, link=None):
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if self.at_line_start:
            text = text.lstrip(" ")
        if text:
            self._run(paragraph, text, formats, link)
            self.at_line_start = text.endswith(" ")

    def _run(self, paragraph, text, formats, link):
        element = OxmlElement("w:r")
        (link if link is not None else paragraph._p).append(element)
        run = Run(element, paragraph)
        if text:
            run.text = text
        if link is not None:
            run.style = HYPERLINK
        for name, value in formats.items():
            if name in ("superscript", "subscript"):
                setattr(run.font, name, value)
            else:
                setattr(run, name, value)
        return run

    def _footnote(self, element, paragraph, link):
        try:
            number = int(element.text_content().strip())
        except ValueError:
            return
        text = self.writer.footnote_texts.get(number)
        if text is not None:
            self.writer.footnotes.add(paragraph, number, text, into=link)
            self.at_line_start = False


def _has_content(paragraph):
    return bool(paragraph._p.xpath(".//w:t[string-length(.) > 0] | .//w:footnoteReference"))


def _list_style(tag, depth):
    base = "List Number" if tag == "ol" else "List Bullet"
    depth = min(depth, 3)
    return base if depth == 1 else f"{base} {depth}"


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _colspan(cell):
    try:
        return max(1, min(int(cell.get("colspan", "1")), 50))
    except ValueError:
        return 1


def _hyperlink(paragraph, address):
    """A <w:hyperlink> at the end of `paragraph`, to the external `address`; runs go inside it."""
    r_id = paragraph.part.relate_to(address, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


# ---- Lists and numbering ---------------------------------------------------------------------


class _Lists:
    """Word numbering instances: each ordered list restarts at 1, as in HTML."""

    def __init__(self, document):
        self.document = document

    def _abstract_of(self, style_name):
        numbering = self.document.part.numbering_part.element
        num_id = self.document.styles[style_name].element.pPr.numPr.numId.val
        return numbering, numbering.num_having_numId(num_id).abstractNumId.val

    def restarted(self, style_name):
        """A numbering instance of the list style `style_name` ("List Number 2") starting at 1."""
        numbering, abstract = self._abstract_of(style_name)
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def bullets(self):
        return self.document.styles["List Bullet"].element.pPr.numPr.numId.val


def _number(paragraph, num_id, level):
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = level
    numbering.get_or_add_numId().val = num_id


# ---- Tables ----------------------------------------------------------------------------------


def _table(container, columns, style, shares=None):
    """An empty table (rows come with _add_row) at the end of `container` (the document or a
    cell), of `columns` columns in table style `style`; in the document, as wide as the text,
    its columns in proportion to `shares` (equal by default)."""
    table = container.add_table(0, columns)
    table.style = style
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if isinstance(container, DocumentObject):
        shares = shares or [1] * columns
        table.autofit = False
        for column, share in zip(table.columns, shares, strict=True):
            column.width = int(TEXT_WIDTH * share / sum(shares))  # new rows' cells take it
    return table


def _add_row(table, *, header=False, keep_with_next=False):
    row = table.add_row()
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        cell.paragraphs[0].style = TABLE_TEXT
        cell.paragraphs[0].paragraph_format.keep_with_next = keep_with_next or None
    return row


def _header_row(table, headers):
    row = _add_row(table, header=True, keep_with_next=True)
    for cell, header in zip(row.cells, headers, strict=True):
        cell.paragraphs[0].style = TABLE_HEADING
        cell.paragraphs[0].add_run(header)
        _shade(cell, "DCE3EF")
    return row


def _spanning_row(table, shade=None):
    """A row whose one cell spans every column; that cell."""
    row = _add_row(table)
    cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    if shade:
        _shade(cell, shade)
    return cell


def _shade(cell, fill):
    properties = cell._tc.get_or_add_tcPr()
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    properties.insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


# ---- Header and footer -----------------------------------------------------------------------


def _right_tab_only(paragraph):
    """The header and footer styles' tab stops are for Letter paper: one right tab at the margin."""
    stops = paragraph.paragraph_format.tab_stops
    for position in (4680, 9360):
        stops.add_tab_stop(Twips(position), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _field(paragraph, instruction, shown):
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out pages."""
    field = parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>'
    )
    paragraph._p.append(field)


# ---- Styles ----------------------------------------------------------------------------------


def _define_styles(document):
    styles = document.styles
    _default_font(styles)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    _spacing(normal, after=Mm(2.5), line=1.15)
    normal.paragraph_format.widow_control = True

    title = styles[TITLE]
    _plain_font(title)
    title.element.pPr.remove_all("w:pBdr", "w:contextualSpacing")
    title.font.size, title.font.color.rgb, title.font.bold = Pt(20), NAVY, True
    _spacing(title, after=Mm(2))
    for name, size, bold, before, after in [
        (DATE_AND_REFERENCE, 11, None, 0, 1),
        (TIME, 11, None, 0, 1),
        (LOCATION, 11, None, 0, 1),
        (STATUS, 14, True, 2, 6),
    ]:
        style = _paragraph_style(styles, name, size=size, bold=bold)
        _spacing(style, before=Mm(before), after=Mm(after))
    _border(styles[STATUS], "bottom", size=12, color="1F3864", space=8)

    for level, size, before, after in [(1, 13, 6, 2.5), (2, 11, 4, 2)]:
        heading = styles[ITEM_HEADINGS[level]]
        _plain_font(heading)
        heading.font.size, heading.font.color.rgb, heading.font.bold = Pt(size), NAVY, True
        _spacing(heading, before=Mm(before), after=Mm(after))
        heading.paragraph_format.keep_with_next = True
    heading = _paragraph_style(styles, ATTENDANCE_TITLE, size=11, bold=True, color=NAVY)
    _spacing(heading, before=Mm(4), after=Mm(2))
    heading.paragraph_format.keep_with_next = True

    for name in (ITEM_NUMBER, PAPER_REFERENCE):
        styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    link = _built_in(styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER), "Hyperlink")
    link.font.color.rgb, link.font.underline = LINK, True
    reference = _built_in(styles.add_style(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER), "FootnoteReference")
    reference.font.superscript = True
    note = _built_in(_paragraph_style(styles, FOOTNOTE_TEXT, size=8.5), "FootnoteText")
    _spacing(note, after=Mm(1), line=1.0)
    _paragraph_style(styles, APOLOGIES_FROM_ATTENDANCE)

    table_text = _paragraph_style(styles, TABLE_TEXT)
    _spacing(table_text, after=0, line=1.0)
    _paragraph_style(styles, TABLE_HEADING, base=TABLE_TEXT, bold=True)
    _paragraph_style(styles, ATTENDANCE_GROUP, base=TABLE_TEXT, bold=True)
    _paragraph_style(styles, ACTION_UPDATE, base=TABLE_TEXT, size=9.5)
    for name in (ATTENDANCE_TABLE, OUTSTANDING_TABLE, MINUTES_TEXT_TABLE):
        _table_style(styles, name)
    for name in ("Header", "Footer"):
        styles[name].font.size, styles[name].font.color.rgb = Pt(8.5), GREY

    _paragraph_style(styles, DEFERRED, italic=True)
    for level in (1, 2):
        base = None if level == 1 else ACTION[1]
        action = _paragraph_style(styles, ACTION[level], base=base)
        if level == 1:
            _spacing(action, before=Mm(3), after=0)
            _border(action, "left", size=16, color="1F3864", space=6)
            _paragraph_shading(action, "F3F5F9")
            action.paragraph_format.left_indent = Mm(3)
            action.paragraph_format.keep_with_next = True
        decision = _paragraph_style(styles, DECISION[level], base=None if level == 1 else DECISION[1])
        decision.paragraph_format.keep_together = True
        lead = _paragraph_style(
            styles, DECISION_LEAD_IN[level], base=None if level == 1 else DECISION_LEAD_IN[1]
        )
        if level == 1:
            _spacing(lead, after=Mm(1))
            lead.paragraph_format.keep_with_next = True
        entry = _paragraph_style(
            styles, DECISION_ENTRY[level], base=None if level == 1 else DECISION_ENTRY[1]
        )
        if level == 1:
            entry.paragraph_format.left_indent = Mm(7)
            entry.paragraph_format.first_line_indent = -Mm(5)
            _spacing(entry, after=Mm(1))
            entry.paragraph_format.keep_together = True
    details = _paragraph_style(styles, ACTION_DETAILS, base=ACTION[1], size=9, color=GREY)
    _spacing(details, before=0, after=Mm(3))
    details.paragraph_format.keep_with_next = False
    nxt = _paragraph_style(styles, NEXT_MEETINGS, bold=True)
    _spacing(nxt, before=Mm(8))
    for name in (
        "List Bullet",
        "List Bullet 2",
        "List Bullet 3",
        "List Number",
        "List Number 2",
        "List Number 3",
    ):
        _spacing(styles[name], after=Mm(1))


def _built_in(style, style_id):
    """`style` as one of Word's own (footnote text, Hyperlink…): its usual id, not a custom style."""
    style.element.attrib.pop(qn("w:customStyle"), None)
    style.style_id = style_id
    return style


def _default_font(styles):
    """Arial throughout, in British English: the template's defaults name theme fonts."""
    defaults = styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(properties.find(qn("w:rFonts")))
    language = properties.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "en-GB")
        language.set(qn("w:eastAsia"), "en-GB")


def _fonts(rfonts, name=FONT):
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attribute}"), name)


def _plain_font(style):
    _fonts(style.element.get_or_add_rPr().get_or_add_rFonts())
    style.font.color.rgb = None
    properties = style.element.rPr
    properties.remove_all("w:spacing", "w:kern")


def _paragraph_style(styles, name, *, base=None, size=None, bold=None, italic=None, color=None):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base or "Normal"]
    style.quick_style = True
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color
    return style


def _table_style(styles, name):
    """A table style based on Table Grid, with the PDF's thin grey rules."""
    style = styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Table Grid"]
    rule = 'w:val="single" w:sz="4" w:space="0" w:color="8A8A8A"'
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders><w:top {rule}/><w:left {rule}/><w:bottom {rule}/>"
            f"<w:right {rule}/><w:insideH {rule}/><w:insideV {rule}/></w:tblBorders>"
            '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="113" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        )
    )
    return style


def _spacing(style, *, before=None, after=None, line=None):
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = before
    if after is not None:
        fmt.space_after = after
    if line is not None:
        fmt.line_spacing = line


# pPr children that come after <w:pBdr> and <w:shd> in the schema's order.
_AFTER_SHD = (
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _border(style, side, *, size, color, space):
    properties = style.element.get_or_add_pPr()
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>'
        "</w:pBdr>"
    )
    properties.insert_element_before(border, "w:shd", *_AFTER_SHD)


def _paragraph_shading(style, fill):
    properties = style.element.get_or_add_pPr()
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    properties.insert_element_before(shading, *_AFTER_SHD)

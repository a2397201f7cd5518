"""Hostile input: the corpus, how it is sent, and how pages, PDFs and exports are checked.

Shared by tests/test_hostile_input.py (the corpus through every form, then every
page that shows what was saved) and tests/test_hypothesis_forms.py (generated
text through every form).

What "inert" means here:
- HTML: parsed with html.parser (so escaped text is fine), no element or
  attribute that runs or loads anything the app did not put there: no inline
  script, no script or stylesheet from elsewhere than /static/, no event
  handler attribute (on...), no javascript:/vbscript:/data: URL, no style
  attribute with expression() or url(), no iframe/object/embed/base/meta refresh.
- PDF: no /JavaScript, /JS, /Launch, /OpenAction, /AA, /SubmitForm, /ImportData,
  /EmbeddedFile, and every /URI is http(s) or mailto; searched in the raw bytes
  and in every Flate stream decompressed (objects may sit in object streams).
- CSV/XLSX: no cell that a spreadsheet would run as a formula.
"""

import codecs
import csv
import io
import re
import subprocess
import unicodedata
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_from_bytes

DATA = Path(__file__).parent / "data"
LONG = 100_000


def _decode(line):
    return codecs.decode(line.encode("ascii"), "unicode_escape")


def _read(name):
    values = []
    for number, line in enumerate((DATA / name).read_text(encoding="ascii").splitlines(), start=1):
        if line and line != "#" and not line.startswith("# "):
            values.append((f"{name}:{number}", _decode(line)))
    return values


def load_corpus():
    """(core, more): [(label, value)] of the two corpus files, with the strings they cannot hold."""
    core = _read("hostile_strings.txt") + [
        ("empty", ""),
        ("blank", " \t\r\n "),
        ("long ascii", "A" * LONG),
        ("long script", ("<script>alert(1)</script>" * (LONG // 25 + 1))[:LONG]),
        ("long astral", "\U0001f600" * LONG),
    ]
    more = _read("hostile_markup.txt") + [
        ("long words", ("word " * (LONG // 5 + 1))[:LONG]),
        ("long bidi", ("\u202eabc\u2066" * (LONG // 5 + 1))[:LONG]),
    ]
    return core, more


CORE, MORE = load_corpus()
CORPUS = CORE + MORE
# Every kind of hostile text: sent through every field of every form.
CORE_VALUES = [value for _label, value in CORE]
# The core and more ways of writing markup: the minutes text, the saved pages, Hypothesis.
CORPUS_VALUES = [value for _label, value in CORPUS]


def wire(value):
    """What the server reads: lone surrogates travel as their UTF-8-like bytes and come back as U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _has_surrogate(value):
    return any(0xD800 <= ord(char) <= 0xDFFF for char in value)


def urlencode(data):
    """An application/x-www-form-urlencoded body; lone surrogates sent as (invalid) bytes."""
    pairs = []
    for key, values in data.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            pairs.append(
                quote_from_bytes(str(key).encode("utf-8", "surrogatepass"), safe="")
                + "="
                + quote_from_bytes(str(value).encode("utf-8", "surrogatepass"), safe="")
            )
    return "&".join(pairs)


def send(client, method, url, data=None, *, htmx=False, multipart=False):
    """POST (or GET) `data` as a browser would: urlencoded, or multipart as the editor's autosave."""
    headers = {"HX-Request": "true"} if htmx else {}
    data = data or {}
    if method == "GET":
        query = urlencode(data)
        return client.get(f"{url}?{query}" if query else url, headers=headers)
    surrogates = any(
        _has_surrogate(str(v))
        for values in data.values()
        for v in (values if isinstance(values, list) else [values])
    )
    if multipart and not surrogates:
        return client.post(url, data, headers=headers)
    return client.post(
        url, urlencode(data), content_type="application/x-www-form-urlencoded", headers=headers
    )


# ---- HTML ---------------------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "ping",
    "cite",
    "longdesc",
    "usemap",
    "codebase",
    "manifest",
    "dynsrc",
    "lowsrc",
}
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")  # the app's scripts, and the admin's translations
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "portal", "template"}
_SCHEME_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _scheme(url):
    """The scheme a browser would see: control characters and spaces are ignored in it."""
    cleaned = _SCHEME_NOISE.sub("", url or "").lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []
        self._in = []  # script/style elements open

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag in ("script", "style"):
            self._in.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in:
            if data.strip():
                self.problems.append(f"inline <{self._in[-1]}> content {data[:80]!r}")
        else:
            self.text.append(data)

    def _check(self, tag, attrs):
        values = dict(attrs)
        where = f"<{tag} {' '.join(name for name, _ in attrs)}>"[:120]
        if tag in NEVER:
            self.problems.append(f"element {where}")
        if tag == "script" and not (values.get("src") or "").startswith(OWN_SCRIPTS):
            self.problems.append(f"script not from /static/: {where} src={values.get('src')!r}")
        if tag == "link" and not (values.get("href") or "").startswith("/static/"):
            self.problems.append(f"link not to /static/: {values.get('href')!r}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value[:60]!r} on {where}")
            elif name == "srcdoc":
                self.problems.append(f"srcdoc on {where}")
            elif name in URL_ATTRIBUTES and _scheme(value) in (
                "javascript",
                "vbscript",
                "data",
                "livescript",
            ):
                self.problems.append(f"{name}={value[:60]!r} on {where}")
            elif name == "srcset" and "javascript:" in _SCHEME_NOISE.sub("", value).lower():
                self.problems.append(f"srcset={value[:60]!r}")
            elif name == "style":
                squashed = _SCHEME_NOISE.sub("", value).lower()
                if any(
                    bad in squashed for bad in ("expression(", "url(", "javascript:", "@import", "behavior")
                ):
                    self.problems.append(f"style={value[:60]!r} on {where}")


def inspect_html(html):
    """(problems, text): what in the page could run or load something, and the page's text."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems, "".join(inspector.text)


def assert_inert_html(html, where=""):
    problems, _text = inspect_html(html)
    assert not problems, f"active content in {where}: {problems[:5]}"


def squash(text):
    """Text without any whitespace, for comparing what was typed with what a page or PDF shows."""
    return "".join((text or "").split())


def needle(text, size=40):
    """The start of `text` as it can be looked for in a page: no whitespace, `size` characters."""
    return squash(text)[:size]


_MIRRORED = str.maketrans(")]}>", "([{<")


def visible(text):
    """`text` as compared with a PDF's: its printable ASCII characters only, no spaces.

    Brackets count as their opening half: next to right-to-left text (the corpus has bidi
    controls) a PDF may show "]" mirrored, as "[".
    """
    kept = "".join(c for c in text if c.isascii() and c.isprintable() and not c.isspace())
    return kept.translate(_MIRRORED)


def visible_needle(text, size=30):
    """The start of `text` as looked for in a PDF's text (see `visible`)."""
    return visible(text)[:size]


def page_shows(html, value):
    """Whether the page's text (not its markup) holds the start of `value`."""
    _problems, text = inspect_html(html)
    return needle(value) in squash(text)


ERROR_CLASSES = {"invalid-feedback", "is-invalid", "alert-danger", "errorlist", "form-error-summary"}


class _ErrorFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if classes & ERROR_CLASSES or values.get("aria-invalid") == "true" or values.get("role") == "alert":
            self.found = True


def shows_error(html):
    """Whether the page says what is wrong next to a field (or in the form's error summary)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    finder = _ErrorFinder()
    finder.feed(html)
    return finder.found


# ---- PDF ------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
PDF_ACTIVE = (
    rb"/JavaScript",
    rb"/JS",
    rb"/Launch",
    rb"/OpenAction",
    rb"/AA",
    rb"/SubmitForm",
    rb"/ImportData",
    rb"/EmbeddedFile",
    rb"/RichMedia",
    rb"/GoToR",
)
_URI = re.compile(rb"/URI\s*\((.*?)(?<!\\)\)", re.DOTALL)


def pdf_objects(data):
    """The raw PDF bytes followed by every Flate stream it holds, decompressed."""
    parts = [data]
    for match in _STREAM.finditer(data):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_problems(data):
    """Names of active PDF features present, and URIs that are not http(s)/mailto."""
    everything = pdf_objects(data)
    problems = [
        name.decode() for name in PDF_ACTIVE if re.search(re.escape(name) + rb"(?![A-Za-z])", everything)
    ]
    for uri in _URI.findall(everything):
        scheme = _scheme(uri.decode("latin-1"))
        if scheme not in ("http", "https", "mailto"):
            problems.append(f"/URI {uri[:80]!r}")
    return problems


def pdf_text(data):
    """The PDF's text as pdftotext (poppler-utils) reads it."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=120
    )
    return result.stdout.decode("utf-8", "replace")


# ---- Exports and feeds ------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_problems(data):
    """Cells a spreadsheet would read as a formula."""
    text = data.decode("utf-8-sig")
    problems = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                problems.append(cell[:60])
    return problems


def xlsx_cells(data):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return [cell for row in workbook.active.iter_rows() for cell in row]


def xlsx_problems(data):
    problems = []
    for cell in xlsx_cells(data):
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
            problems.append(f"{cell.coordinate}: {str(cell.value)[:60]!r}")
    return problems


def is_format_or_control(char):
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn")


# ---- The world both test modules post into ---------------------------------------------


class World:
    """A committee with a meeting in each state, and the objects the forms change.

    Small on purpose: every drafting post answers with the whole agenda, so a
    meeting the size of the demo's OPSG_55 would make each post cost half a second.
    OPSG_55 is a draft (three items, a decision, a footnote, two attendees, an
    action raised there and one outstanding from OPSG_54); OPSG_54 is circulated
    (its minutes may be approved by a decision of OPSG_55); OPSG_56 is circulated
    (revision 1, a comment by the member); OPSG_53 approved; OPSG_43 published.
    Users by role: secretary (staff), chair, member, owner (Owner Person, of the
    DCC), reader.
    """


def build_world():
    import datetime

    from django.test import override_settings

    from actions.links import owner_link_token
    from minutes.models import AgendaItem, ItemKind, Meeting, Membership
    from minutes.services.meetings import meeting_create
    from minutes.services.review import comment_add
    from tests.factories import (
        make_attendance,
        make_committee,
        make_decision,
        make_footnote,
        make_organisation,
        make_person,
        make_standard_agenda,
        make_user,
        raise_action,
    )

    w = World()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        w.committee = committee = make_committee()
        w.users = {role: make_user(role, committee=committee, role=role) for role in Membership.Role.values}
        w.users["secretary"].is_staff = True
        w.users["secretary"].save()
    make_standard_agenda(committee, "SEC Panel Reports")
    w.dcc = make_organisation("DCC")
    make_person("Owner Person", organisation=w.dcc, user=w.users["owner"])
    w.seat_category = committee.seat_categories.first()
    secretary, chair = w.users["secretary"], w.users["chair"]

    def meeting(number, day):
        return meeting_create(
            committee=committee,
            number=number,
            kind=Meeting.Kind.MAIN,
            held_on=day,
            start_time=datetime.time(10, 0),
            end_time=datetime.time(12, 0),
        )

    w.published = meeting(43, datetime.date(2020, 11, 2))
    w.published.circulate(by=secretary)
    w.published.approve(by=chair, note="Signed off.")
    w.published.publish(by=secretary)
    w.approved = meeting(53, datetime.date(2021, 6, 7))
    w.approved.circulate(by=secretary)
    w.approved.approve(by=chair, note="Signed off.")
    w.earlier = meeting(54, datetime.date(2021, 7, 12))
    w.outstanding_action = raise_action(
        w.earlier, "The DCC to report on the trial.", owners=[w.dcc], target_on=datetime.date(2021, 8, 1)
    )
    w.earlier.circulate(by=secretary)

    w.draft = meeting(55, datetime.date(2021, 8, 23))
    w.previous_item = AgendaItem.objects.get(meeting=w.draft, kind=ItemKind.PREVIOUS_MINUTES)
    w.outstanding_item = AgendaItem.objects.get(meeting=w.draft, kind=ItemKind.ACTIONS_OUTSTANDING)
    w.item = AgendaItem.objects.get(meeting=w.draft, kind=ItemKind.ITEM)
    w.item.minutes_text = "<p>The Chair presented the report.</p>"
    w.item.save()
    w.decision = make_decision(w.item, "NOTED", "the report")
    w.footnote = make_footnote(w.item, "report", "The report is on the website.")
    w.attendance = make_attendance(w.draft, make_person("Andy Knowles", organisation=w.dcc))
    make_attendance(w.draft, make_person("Dave Warner"), role_note="Chair")
    w.action = raise_action(
        w.draft,
        "The DCC to provide the figures.",
        owners=[w.dcc],
        target_on=datetime.date(2021, 9, 27),
        item=w.item,
    )
    # A second action of the DCC with a pending target-date proposal, for the secretary to decide;
    # OPSG 55/01 stays free of proposals for the owner's own forms.
    w.proposal_action = raise_action(w.draft, "The DCC to confirm the dates.", owners=[w.dcc], item=w.item)
    w.proposal = w.proposal_action.ask_target_date(
        by=w.users["owner"],
        note="Later, please.",
        target_on=datetime.date.today() + datetime.timedelta(days=60),
    )
    w.owner_token = owner_link_token(w.action, w.dcc, email="dcc@example.com")
    # A closed action of the DCC, for the secretary to reopen.
    w.closed_action = raise_action(w.draft, "The DCC to share the slides.", owners=[w.dcc], item=w.item)
    w.closed_action.close(on=datetime.date(2021, 9, 1), text="Shared.", by=secretary)

    w.circulated = meeting(56, datetime.date(2021, 9, 7))
    reports = w.circulated.items.get(title="SEC Panel Reports")
    reports.minutes_text = "<p>The Chair presented the SEC Panel report.</p>"
    reports.save()
    w.revision = w.circulated.circulate(by=secretary)
    w.item_key = f"item-{reports.pk}"
    w.comment = comment_add(
        revision=w.revision, item_key=w.item_key, author=w.users["member"], text="Which report?"
    )
    return w

"""The minutes as a PDF: read back as text, as pages and as a file."""

import difflib
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from minutes import pdf as minutes_pdf
from minutes.models import AgendaItem, Meeting, RenderedPdf
from tests.factories import make_footnote, make_item, make_meeting, raise_action

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "data" / "OPSG_55_draft_minutes.txt"
HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/steal.css">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "url(file:///etc/passwd)",
]


def pdf_text(data, *, layout=False, first=None, last=None, tmp_path=None):
    path = Path(tmp_path or "/tmp") / f"minutes-{id(data)}.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    try:
        return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout
    finally:
        path.unlink()


def page_count(data, tmp_path):
    path = tmp_path / "count.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Meeting.objects.select_related("committee").get_by_reference("OPSG_55")


@pytest.fixture
def demo_pdf(demo):
    return minutes_pdf.meeting_pdf(demo)


def test_the_demo_pdf_is_exactly_as_before_committees_had_conventions(demo_pdf, tmp_path):
    # OPSG's conventions are the defaults: nothing in its minutes may move.
    expected = (SEED.parent / "OPSG_55_draft_minutes.pdf.txt").read_text()
    assert pdf_text(demo_pdf, tmp_path=tmp_path) == expected


def test_the_demo_pdf_reads_like_the_seed_document(demo_pdf, tmp_path):
    seed_words = words(SEED.read_text())
    pdf_words = words(pdf_text(demo_pdf, tmp_path=tmp_path))
    ratio = difflib.SequenceMatcher(None, seed_words, pdf_words, autojunk=False).ratio()
    assert ratio >= 0.90, ratio


def test_text_comes_out_in_reading_order(demo_pdf, tmp_path):
    text = " ".join(pdf_text(demo_pdf, tmp_path=tmp_path).replace("•", " ").split())
    in_order = [
        "Operations Group Meeting",
        "23 August 2021, OPSG_55",
        "12:20 – 15:20",
        "Teleconference",
        "Draft Minutes",
        "Attendees:",
        "Operations Group Chair Dave Warner",
        "Apologies:",
        "1. Previous Meeting Minutes",
        "The OPSG AGREED that the Draft Minutes from OPSG_53 will be published as final.",
        "2. Actions Outstanding",
        "OPSG 43/08",
        "Status: Closed",
        "OPSG 53/10",
        "3. SEC Panel Reports",
        "3.5. DCC Responsible Communications Hubs Returns Quarterly Report",
        "ACTION OPSG 55/01: The DCC to provide a clear view",
        "The OPSG: NOTED the SEC Panel Reports; and",
        "4.1. DXC ‘Failure to Report’",
        "ACTION OPSG 55/02:",
        "ACTION OPSG 55/03:",
        "8.3. Performance Assurance Framework (PAF)",
        "ACTION OPSG 55/04:",
        "Next main meeting: 7 September 2021; Next reporting meeting: 27 September 2021.",
    ]
    position = 0
    for part in in_order:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} is missing or out of order"
        position = found + len(part)


def test_every_page_says_page_x_of_y_and_the_reference(demo_pdf, tmp_path):
    pages = page_count(demo_pdf, tmp_path)
    assert pages >= 4
    for number in range(1, pages + 1):
        text = pdf_text(demo_pdf, first=number, tmp_path=tmp_path)
        assert f"Page {number} of {pages}" in text
        assert "OPSG_55 Draft Minutes" in text


def test_the_footnote_is_at_the_foot_of_the_page_that_calls_it(demo_pdf, tmp_path):
    pages = page_count(demo_pdf, tmp_path)
    for number in range(1, pages + 1):
        text = " ".join(pdf_text(demo_pdf, first=number, tmp_path=tmp_path).split())
        if "as per action 29/15" in text:
            assert "Action OPSG 29/15: The DCC to perform an audit of the CSPs CH triage process" in text
            call, note = text.index("as per action 29/15"), text.index("Action OPSG 29/15:")
            assert call < note  # the note stands below the text, at the foot
            break
    else:
        pytest.fail("The footnote's call was not found on any page.")


def red_pixels(data, tmp_path, page):
    """Pixels of the DRAFT mark's tint (reddish) on a page rendered at 30 dpi."""
    source = tmp_path / "mark.pdf"
    source.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    raw = (tmp_path / "page.ppm").read_bytes()
    header = raw.split(b"\n", 3)
    width, height = map(int, header[1].split())
    pixels = header[3]
    count = 0
    for i in range(0, width * height * 3, 3):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        if r - g > 12 and r - b > 12:
            count += 1
    return count


def test_drafts_carry_a_draft_mark_on_every_page_that_never_reaches_the_text(demo, demo_pdf, tmp_path):
    pages = page_count(demo_pdf, tmp_path)
    for number in range(1, pages + 1):
        assert red_pixels(demo_pdf, tmp_path, number) > 200, f"no DRAFT mark on page {number}"
    text = pdf_text(demo_pdf, tmp_path=tmp_path)
    assert not re.search(r"\bD\s*R\s*A\s*F\s*T\b", text), "the mark must not be text"
    assert not re.search(r"(?m)^\s*[DRAFT]\s*$", text), "no stray letters of the mark"

    Meeting.objects.filter(pk=demo.pk).update(minutes_status=Meeting.Status.PUBLISHED)
    demo.refresh_from_db()
    published = minutes_pdf.meeting_pdf(demo)
    for number in range(1, page_count(published, tmp_path) + 1):
        assert red_pixels(published, tmp_path, number) == 0
    text = pdf_text(published, tmp_path=tmp_path)
    assert "OPSG_55 Minutes" in text and "OPSG_55 Draft Minutes" not in text


def pdf_info(data, tmp_path, *options):
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", *options, str(path)], check=True, capture_output=True, text=True).stdout


def test_drafts_are_tagged_pdf_ua_with_title_language_and_metadata(demo_pdf, tmp_path):
    info = pdf_info(demo_pdf, tmp_path)
    assert re.search(r"Tagged:\s+yes", info)
    assert "Title:           Operations Group Meeting OPSG_55 – Draft Minutes" in info
    assert re.search(r"Author:\s+Operations Group Secretariat", info)
    assert re.search(r"Subject:\s+Draft Minutes of the Operations Group meeting OPSG_55", info)
    xmp = pdf_info(demo_pdf, tmp_path, "-meta")
    assert "pdfuaid:part" in xmp
    objects = inflated(demo_pdf)
    assert "/Lang (en-GB)" in objects
    assert "/StructTreeRoot" in objects
    for tag in ["/H1", "/H2", "/H3", "/Table", "/TH", "/L", "/LI", "/P"]:
        assert f"/S {tag}" in objects or f"/S{tag}" in objects, tag


def inflated(data):
    """The PDF's objects as text, compressed streams included."""
    import zlib

    parts = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def test_published_minutes_are_archival_pdf_a_and_still_tagged(demo, tmp_path):
    Meeting.objects.filter(pk=demo.pk).update(minutes_status=Meeting.Status.PUBLISHED)
    demo.refresh_from_db()
    data = minutes_pdf.meeting_pdf(demo)
    assert re.search(r"Tagged:\s+yes", pdf_info(data, tmp_path))
    xmp = pdf_info(data, tmp_path, "-meta")
    assert "pdfaid:part" in xmp and "pdfaid:conformance" in xmp


def test_every_character_the_minutes_use_has_a_glyph(demo, tmp_path):
    item = demo.items.get(title="Previous Meeting Minutes")
    item.minutes_text = "<p>Costs of £1,245 – “quoted” and ‘single’ … done — 100% • ok.</p>"
    item.save()
    data = minutes_pdf.meeting_pdf(demo)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Liberation-Sans" in fonts
    assert "DejaVu" not in fonts  # no fallback font was needed
    text = pdf_text(data, tmp_path=tmp_path)
    assert "Costs of £1,245 – “quoted” and ‘single’ … done — 100% • ok." in " ".join(text.split())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/logo.png",
        "https://minutes.app.invalid/static/../../../etc/passwd",
        "https://minutes.app.invalid/elsewhere/x.css",
        "data:text/plain,hello",
    ],
)
def test_the_renderer_loads_nothing_but_the_apps_static_files(url):
    with pytest.raises(minutes_pdf.RefusedURL):
        minutes_pdf.static_response(url)


def test_the_renderer_serves_the_apps_own_static_files():
    response = minutes_pdf.static_response("https://minutes.app.invalid/static/css/print.css")
    assert b"@page" in response.read()


def test_a_document_that_asks_for_local_or_remote_files_gets_none_of_them(tmp_path):
    html = (
        "<!doctype html><html lang='en'><head><title>t</title>"
        "<link rel='stylesheet' href='http://127.0.0.1:9/steal.css'>"
        "<style>body { background: url(file:///etc/passwd) }</style></head>"
        "<body><p>Before</p><img src='file:///etc/passwd' alt='x'><iframe src='file:///etc/passwd'></iframe>"
        "<object data='file:///etc/hostname'></object><p>After</p></body></html>"
    )
    data = minutes_pdf.html_to_pdf(html)
    text = pdf_text(data, tmp_path=tmp_path)
    assert "Before" in text and "After" in text
    assert "root:" not in text and "root:" not in data.decode("latin-1")


def test_hostile_input_in_any_field_is_printed_as_text_and_fetches_nothing(committee, tmp_path):
    meeting = make_meeting(committee, 60, location=HOSTILE[0])
    item = make_item(meeting, HOSTILE[1], text="<p>" + "".join(HOSTILE) + "</p>")
    make_footnote(item, "x", HOSTILE[0])
    raise_action(meeting, HOSTILE[2], item=item)
    meeting = Meeting.objects.select_related("committee").get(pk=meeting.pk)
    data = minutes_pdf.meeting_pdf(meeting)
    text = " ".join(pdf_text(data, tmp_path=tmp_path).split())
    assert '<img src="file:///etc/passwd">' in text  # the location, shown literally
    assert "<script>alert(1)</script>" in text  # the action text, shown literally
    assert "root:" not in text


def test_an_unchanged_meeting_is_not_rendered_again(demo, monkeypatch):
    renders = []
    real = minutes_pdf.html_to_pdf
    monkeypatch.setattr(minutes_pdf, "html_to_pdf", lambda html, **kw: renders.append(1) or real(html, **kw))
    first = minutes_pdf.meeting_pdf(demo)
    second = minutes_pdf.meeting_pdf(demo)
    assert len(renders) == 1 and first == second
    assert RenderedPdf.objects.filter(meeting=demo).count() == 1

    item = AgendaItem.objects.get(meeting=demo, title="Previous Meeting Minutes")
    item.minutes_text = "<p>Changed.</p>"
    item.save()
    third = minutes_pdf.meeting_pdf(demo)
    assert len(renders) == 2 and third != first
    assert RenderedPdf.objects.filter(meeting=demo).count() == 1


def test_download_names_the_file_after_the_meeting(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="member"))
    response = client.get(reverse("minutes:meeting-pdf", args=["OPSG_55"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="OPSG_55 Draft Minutes.pdf"'
    assert response.content.startswith(b"%PDF-")

    Meeting.objects.filter(pk=demo.pk).update(minutes_status=Meeting.Status.PUBLISHED)
    response = client.get(reverse("minutes:meeting-pdf", args=["OPSG_55"]))
    assert response["Content-Disposition"] == 'attachment; filename="OPSG_55 Minutes.pdf"'


def test_the_pdf_is_for_those_who_may_read_the_minutes(client, demo):
    from django.contrib.auth import get_user_model

    url = reverse("minutes:meeting-pdf", args=["OPSG_55"])
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(get_user_model().objects.get(username="reader"))
    assert client.get(url).status_code == 404  # readers see published minutes only
    assert client.post(url).status_code == 405


def test_export_pdf_writes_the_file(demo, tmp_path):
    target = tmp_path / "out.pdf"
    call_command("export_pdf", "OPSG_55", "-o", str(target), stdout=io.StringIO())
    assert target.read_bytes().startswith(b"%PDF-")
    assert "OPSG_55" in pdf_text(target.read_bytes(), tmp_path=tmp_path)


def test_the_pdf_view_costs_the_same_queries_for_more_content(client, users, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_full_meeting

    small = make_full_meeting(committee, 100, scale=1)
    large = make_full_meeting(committee, 300, scale=4)
    client.force_login(users["member"])
    counts = []
    for meeting in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("minutes:meeting-pdf", args=[meeting.reference])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_long_tables_repeat_their_header_and_headings_stay_with_their_text(committee, tmp_path):
    import datetime

    from actions.models import Action
    from minutes.models import ItemKind
    from tests.factories import make_organisation

    earlier = make_meeting(committee, 40, held_on=datetime.date(2021, 1, 4))
    meeting = make_meeting(committee, 41, held_on=datetime.date(2021, 2, 1))
    make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    dcc = make_organisation("DCC")
    for n in range(60):
        action = raise_action(earlier, f"The DCC to report on trend {n} with the providers.", owners=[dcc])
        action.record_meeting_update(meeting=meeting, text="Progress was noted.", status=Action.Status.OPEN)
    # Items of varied lengths, so that some headings fall near the foot of a page.
    for n in range(40):
        paragraph = (
            "<p>" + "The OPSG discussed the report and its findings at length. " * (1 + n % 4) + "</p>"
        )
        make_item(meeting, f"Report number {n}", text=paragraph)
    meeting = Meeting.objects.select_related("committee").get(pk=meeting.pk)
    data = minutes_pdf.meeting_pdf(meeting)
    pages = page_count(data, tmp_path)
    heading = re.compile(r"^\d+(\.\d+)*\. \S")
    table_pages = 0
    for number in range(1, pages + 1):
        lines = [
            line.strip()
            for line in pdf_text(data, first=number, tmp_path=tmp_path).splitlines()
            if line.strip()
        ]
        if any(line.startswith("OPSG 40/") for line in lines):
            table_pages += 1
            assert "Action ID" in lines, f"page {number} continues the table without its header"
        body = [line for line in lines if not line.startswith(("Page ", "OPSG_41 "))]
        assert not heading.match(body[-1]), f"page {number} ends with the heading {body[-1]!r}"
    assert table_pages >= 2

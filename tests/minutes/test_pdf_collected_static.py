"""In production the print HTML names collected, hashed static files; the PDF still gets them."""

import subprocess

import pytest
from django.core.management import call_command
from django.test import override_settings

from minutes import pdf as minutes_pdf
from tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_a_pdf_rendered_with_collected_static_files_has_its_stylesheet_and_fonts(committee, tmp_path, caplog):
    meeting = make_meeting(committee, 55)
    make_item(meeting, "Previous Meeting Minutes", text="<p>Approved.</p>")
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST):
        call_command("collectstatic", interactive=False, verbosity=0)
        html = minutes_pdf.minutes_html(meeting)
        assert ".css" in html and "/static/css/print.css" not in html  # hashed names, as in production
        data = minutes_pdf.html_to_pdf(html)
    assert "RefusedURL" not in caplog.text and "Failed to load" not in caplog.text
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Liberation-Sans" in fonts and "DejaVu" not in fonts


def test_outside_the_static_files_nothing_is_served(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST):
        call_command("collectstatic", interactive=False, verbosity=0)
        assert minutes_pdf.static_file_path("css/print.css") is not None
        for refused in ("../opsg/settings.py", "css/missing.css"):
            with pytest.raises(minutes_pdf.RefusedURL):
                minutes_pdf.static_response(f"{minutes_pdf.APP_ORIGIN}/static/{refused}")

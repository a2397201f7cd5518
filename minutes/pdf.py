"""Minutes as PDF. The only module that imports WeasyPrint.

A meeting becomes HTML through the print template (which does not extend the
web layout) and the same selector as the meeting page, then PDF bytes.
Drafts are tagged PDF/UA-1; published minutes PDF/A-3a (archival and tagged).
"""

import functools
import hashlib
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint import __version__ as weasyprint_version
from weasyprint.urls import URLFetcherResponse

from minutes.models import RenderedPdf
from minutes.selectors import meeting_minutes

# The print template's base URL. Nothing is ever fetched from it over the network:
# the fetcher below answers for the app's static files and refuses everything else.
APP_ORIGIN = "https://minutes.app.invalid"

DRAFT_VARIANT = "pdf/ua-1"
PUBLISHED_VARIANT = "pdf/a-3a"

# What a PDF depends on besides its HTML: a change to any of these renders anew.
PRINT_ASSETS = [
    "css/print.css",
    "css/print-draft.css",
    "img/draft-mark.svg",
    "fonts/liberation-sans/LiberationSans-Regular.ttf",
    "fonts/liberation-sans/LiberationSans-Bold.ttf",
    "fonts/liberation-sans/LiberationSans-Italic.ttf",
    "fonts/liberation-sans/LiberationSans-BoldItalic.ttf",
]


class RefusedURL(ValueError):
    """A URL that a PDF may not load: only the app's own static files are allowed."""


class StaticFilesOnly(URLFetcher):
    """Serves the app's static files to WeasyPrint and refuses any other URL.

    Nothing a user typed can make the PDF renderer read a local file
    (file:///etc/passwd), call a service on the server's network or fetch
    anything remote.
    """

    def fetch(self, url, headers=None):
        return static_response(url)


def static_file_path(relative):
    """The file behind a static URL path: a source file (finders), or, in production, a
    collected one such as "css/print.e261178cf9fa.css" that only the storage knows."""
    path = finders.find(relative)
    if path is None and staticfiles_storage.exists(relative):
        try:
            path = staticfiles_storage.path(relative)
        except NotImplementedError:  # a remote storage: no local file to read
            return None
    return path


def static_response(url):
    prefix = APP_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/"
    if not url.startswith(prefix):
        raise RefusedURL(f"Refused to load {url[:200]!r}: a PDF loads only the app's own static files.")
    relative = unquote(urlsplit(url).path)[len(urlsplit(prefix).path) :]
    if not relative or ".." in relative.split("/") or relative.startswith("/"):
        raise RefusedURL(f"Refused to load {url[:200]!r}.")
    path = static_file_path(relative)
    if path is None:
        raise RefusedURL(f"No static file {relative!r}.")
    with open(path, "rb") as file:
        body = file.read()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def minutes_html(meeting):
    """The print HTML of a meeting's minutes."""
    return render_to_string(
        "minutes/print/minutes.html",
        {"meeting": meeting, "minutes": meeting_minutes(meeting), "static_base": APP_ORIGIN},
    )


def html_to_pdf(html, *, published=False):
    """PDF bytes from print HTML."""
    document = HTML(string=html, base_url=APP_ORIGIN + "/", url_fetcher=StaticFilesOnly())
    return document.write_pdf(
        pdf_variant=PUBLISHED_VARIANT if published else DRAFT_VARIANT,
        custom_metadata=True,
    )


@functools.cache
def renderer_fingerprint():
    """A digest of the renderer and the static files every PDF uses."""
    digest = hashlib.sha256(f"weasyprint {weasyprint_version}".encode())
    for asset in PRINT_ASSETS:
        with open(finders.find(asset), "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()


def meeting_pdf(meeting):
    """The PDF of a meeting's minutes, rendered once per content version.

    The cache key is a digest of the print HTML, which changes whenever anything
    printed changes; an unchanged meeting is served from the stored copy.
    """
    html = minutes_html(meeting)
    published = meeting.is_published
    digest = hashlib.sha256(f"{renderer_fingerprint()}\n{published}\n{html}".encode()).hexdigest()
    cached = (
        RenderedPdf.objects.filter(meeting=meeting, html_sha256=digest).values_list("pdf", flat=True).first()
    )
    if cached is not None:
        return bytes(cached)
    pdf = html_to_pdf(html, published=published)
    RenderedPdf.objects.update_or_create(meeting=meeting, defaults={"html_sha256": digest, "pdf": pdf})
    return pdf


def pdf_filename(meeting):
    return f"{meeting.reference} {meeting.minutes_title}.pdf"

"""The one place where user-typed rich text is made safe."""

import html
import re
from html.parser import HTMLParser

import nh3

# What minutes text may contain: the formatting a secretary uses in Word for
# minutes, nothing that runs or loads anything.
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_minutes_html(value):
    """Return `value` with only the allowed tags, attributes and link schemes."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


_TAG = re.compile(r"<[^>]*>")


def insert_after_text(markup, anchor, addition):
    """Insert `addition` after the first `anchor` in the text (not inside a tag) of `markup`.

    Appends it at the end when the anchor is not found. `markup` is sanitised HTML,
    `anchor` plain text, `addition` trusted HTML.
    """
    needle = html.escape(anchor, quote=False)
    start = 0
    while needle:
        index = markup.find(needle, start)
        if index < 0:
            break
        if markup.rfind("<", 0, index) <= markup.rfind(">", 0, index):
            end = index + len(needle)
            return markup[:end] + addition + markup[end:]
        start = index + 1
    if markup.endswith("</p>"):
        return markup[: -len("</p>")] + addition + "</p>"
    return markup + addition


def plain_text(markup):
    """The text of sanitised HTML, for searching and previews."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())


class _BlockText(HTMLParser):
    """Collects the text of each paragraph and list item."""

    BLOCKS = {"p", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.flush()
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS or tag in {"ul", "ol"}:
            self.flush()

    def handle_data(self, data):
        self.current.append(data)

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def paragraphs(markup):
    """The paragraphs (and list items) of sanitised HTML as plain text, in order."""
    parser = _BlockText()
    parser.feed(markup or "")
    parser.close()
    parser.flush()
    return parser.blocks

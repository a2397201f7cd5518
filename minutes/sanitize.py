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


# What one item's minutes text may hold: lists nested deeper than a document needs make the PDF
# renderer recurse without end, and a megabyte of text in one item is not minutes.
MAX_LIST_DEPTH = 8
MAX_TEXT_BYTES = 512 * 1024


class _ListDepth(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.depth:
            self.depth -= 1


def list_depth(markup):
    """How deep lists nest in `markup` (0: no list)."""
    parser = _ListDepth()
    parser.feed(markup or "")
    parser.close()
    return parser.deepest


def minutes_text_problem(markup):
    """Why `markup` (sanitised minutes text of one item) breaks a limit, in words; "" if it does not."""
    size = len((markup or "").encode())
    if size > MAX_TEXT_BYTES:
        return (
            f"This text is {size / 1024:.0f} KB: an item's minutes text can be up to "
            f"{MAX_TEXT_BYTES // 1024} KB. Split it between items, or attach the long part as a paper."
        )
    depth = list_depth(markup)
    if depth > MAX_LIST_DEPTH:
        return f"This text nests lists {depth} deep: lists can nest up to {MAX_LIST_DEPTH} levels."
    return ""


_TAG = re.compile(r"<[^>]*>")


def anchor_offset(markup, anchor, occurrence=1):
    """Where a mark after the `occurrence`-th `anchor` (1 = the first) in the text of `markup` goes:
    an index into `markup`, or None if the text has fewer occurrences. Matches are in the text,
    never inside a tag; `markup` is sanitised HTML, `anchor` plain text."""
    needle = html.escape(anchor or "", quote=False)
    start, found = 0, 0
    while needle:
        index = markup.find(needle, start)
        if index < 0:
            return None
        if markup.rfind("<", 0, index) <= markup.rfind(">", 0, index):
            found += 1
            if found == max(occurrence, 1):
                return index + len(needle)
            start = index + len(needle)
        else:
            start = index + 1
    return None


def end_offset(markup):
    """Where a mark goes when its anchor is not in the text: the end of the last paragraph."""
    return len(markup) - len("</p>") if markup.endswith("</p>") else len(markup)


def insert_marks(markup, marks):
    """`markup` with each (offset, trusted HTML) of `marks` inserted; marks at the same offset keep
    their order, so that two notes on one word read 1, 2."""
    out, at = [], 0
    for offset, addition in sorted(marks, key=lambda mark: mark[0]):
        out.append(markup[at:offset])
        out.append(addition)
        at = offset
    out.append(markup[at:])
    return "".join(out)


def insert_after_text(markup, anchor, addition, occurrence=1):
    """Insert `addition` after the `occurrence`-th `anchor` in the text of `markup`, or at the end of
    the text when it does not occur so often."""
    offset = anchor_offset(markup, anchor, occurrence)
    return insert_marks(markup, [(end_offset(markup) if offset is None else offset, addition)])


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

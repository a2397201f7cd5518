"""Pieces of the action log's query: typed references, the quick owner select."""

from html.parser import HTMLParser

import pytest
from django import forms

from actions.filters import QuickSelect
from actions.models import typed_reference


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("OPSG 55/01", "OPSG 55/01"),
        ("opsg 55/1", "OPSG 55/01"),
        (" OPSG55/01 ", "OPSG 55/01"),
        ("opsg_55 / 01", "OPSG 55/01"),
        ("SECAS 7/12", "SECAS 7/12"),
        ("firmware", None),
        ("55/01", None),
        ("OPSG 55", None),
        ("OPSG 55/01 firmware", None),
    ],
)
def test_a_typed_reference_is_read_as_the_stored_form(typed, reference):
    assert typed_reference(typed) == reference


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, sorted(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.found.append(("text", data.strip()))


def parsed(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


CHOICES = [
    ("", "Any owner"),
    ("Organisations", [("org-1", "D<C>C & co"), ("org-2", 'The "DCC"')]),
    ("person-3", "Ann O'Neil (SECAS)"),
]


@pytest.mark.parametrize("value", ["org-1", "person-3", "", None, "org-999"])
def test_the_quick_select_renders_what_django_renders(value):
    attrs = {"id": "id_owner", "class": "form-select is-invalid", "aria-invalid": "true", "required": True}
    django_html = forms.Select(choices=CHOICES).render("owner", value, attrs)
    quick_html = QuickSelect(choices=CHOICES).render("owner", value, attrs)
    assert parsed(quick_html) == parsed(django_html)
    assert "<C>" not in quick_html and "D&lt;C&gt;C &amp; co" in quick_html

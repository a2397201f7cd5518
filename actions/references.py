"""Action references ("OPSG 55/01") and their form in URLs ("OPSG-55-01"), written and read in one place."""

import re

# A reference as a person types it: "OPSG 55/1", "opsg55/01", "OPSG_55 / 1".
TYPED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*?)[\s_-]*(\d+)\s*/\s*(\d+)\s*$")
# The URL form: committee code, meeting number and sequence joined by hyphens.
SLUG = re.compile(r"^([A-Za-z0-9]+)-([0-9]+)-([0-9]+)$")
SLUG_PATTERN = r"(?P<slug>[A-Za-z0-9]+-[0-9]+-[0-9]+)"


def format_reference(code, meeting_number, sequence):
    """The reference of the `sequence`-th action raised at meeting `meeting_number`: "OPSG 55/01"."""
    return f"{code} {int(meeting_number)}/{int(sequence):02d}"


def typed_reference(words):
    """The reference `words` stands for ("opsg 55/1" -> "OPSG 55/01"), or None."""
    match = TYPED.match(words)
    if match is None:
        return None
    code, number, sequence = match.groups()
    return format_reference(code.upper(), number, sequence)


def reference_slug(reference):
    """The reference as a URL part: "OPSG 55/01" -> "OPSG-55-01"."""
    return reference.replace(" ", "-").replace("/", "-")


def reference_from_slug(slug):
    """The reference a URL part names ("OPSG-55-01" -> "OPSG 55/01"), or None."""
    match = SLUG.match(slug)
    if match is None:
        return None
    code, number, sequence = match.groups()
    return format_reference(code, number, sequence)

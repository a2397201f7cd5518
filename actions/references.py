"""Action references as people type them, and the action pages' addresses before committees had
conventions of their own.

A committee's references are written by its pattern (minutes.conventions, Committee.
action_reference_for); these read them back.
"""

import re

from minutes.conventions import DEFAULT_REFERENCE, format_reference

# A reference of the default convention as a person types it: "OPSG 55/1", "opsg55/01", "OPSG_55 / 1".
TYPED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*?)[\s_-]*(\d+)\s*/\s*(\d+)\s*$")
# An action page's address before it named the committee: "/actions/OPSG-55-01/".
OLD_SLUG = re.compile(r"^([A-Za-z0-9]+)-([0-9]+)-([0-9]+)$")
OLD_SLUG_PATTERN = r"(?P<old_slug>[A-Za-z0-9]+-[0-9]+-[0-9]+)"
# An action page's address: the committee's code, then the reference as a URL part.
CODE_PATTERN = r"(?P<code>[A-Za-z0-9]+)"
SLUG_PATTERN = r"(?P<slug>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)"


def typed_reference(words):
    """The default-convention reference `words` stands for ("opsg 55/1" -> "OPSG 55/01"), or None."""
    match = TYPED.match(words)
    if match is None:
        return None
    code, number, sequence = match.groups()
    return format_reference(DEFAULT_REFERENCE, code=code.upper(), meeting=number, n=sequence)


def reference_from_old_slug(slug):
    """(committee code, reference) an old action page address named ("OPSG-55-01"), or None."""
    match = OLD_SLUG.match(slug)
    if match is None:
        return None
    code, number, sequence = match.groups()
    return code, format_reference(DEFAULT_REFERENCE, code=code, meeting=number, n=sequence)


def action_named(reference):
    """The action in a sentence: "action OPSG 55/01", or the reference alone when it says so itself
    ("Action 021"). Capitalise the first letter at the start of a sentence."""
    return reference if reference.lower().startswith("action") else f"action {reference}"

"""A committee's conventions that are written as patterns: how its action references read.

A reference pattern is text with placeholders: `{code}` (the committee's code),
`{meeting}` (the meeting's number) and `{n}` (the action's number), the numbers
optionally zero-padded: `{n:02}` gives 01, 02, … 10. Examples: `{code} {meeting}/{n:02}`
(OPSG 55/01), `Action {n:03}` (Action 004), `{n:04}` (0606).

Patterns are read here, never with str.format, so that a pattern typed by a secretary
can only ever produce text.
"""

import re

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FIELD = re.compile(r"^(code|meeting|n)(?::0([1-9]))?$")
DEFAULT_REFERENCE = "{code} {meeting}/{n:02}"
REFERENCE_MAX_LENGTH = 40
PER_MEETING, PER_COMMITTEE = "meeting", "committee"


class PatternError(ValueError):
    """A reference pattern that cannot be used; the message says why, for the person who typed it."""


def _parts(pattern):
    """The pattern as a list of literal strings and (name, width) placeholders."""
    if not pattern or not pattern.strip():
        raise PatternError("Give a pattern, e.g. {code} {meeting}/{n:02}.")
    parts, at = [], 0
    for match in PLACEHOLDER.finditer(pattern):
        literal = pattern[at : match.start()]
        if "{" in literal or "}" in literal:
            raise PatternError("A brace that opens or closes nothing: write placeholders as {n}, {n:02}.")
        parts.append(literal)
        field = FIELD.match(match.group(1).strip())
        if field is None:
            raise PatternError(
                f"{{{match.group(1)}}} is not a placeholder: use {{code}}, {{meeting}} and {{n}}, "
                "with zero padding as in {n:02}."
            )
        parts.append((field.group(1), int(field.group(2) or 0)))
        at = match.end()
    tail = pattern[at:]
    if "{" in tail or "}" in tail:
        raise PatternError("A brace that opens or closes nothing: write placeholders as {n}, {n:02}.")
    parts.append(tail)
    return parts


# What may stand around the placeholders: references are typed, searched, printed and sent.
LITERAL = re.compile(r"^[A-Za-z0-9 /\-._:#()]*$")


def reference_pattern_problem(pattern, numbering=PER_MEETING):
    """Why `pattern` cannot number a committee's actions with `numbering`, or "" if it can."""
    try:
        parts = _parts(pattern)
    except PatternError as error:
        return str(error)
    if not all(LITERAL.match(part) for part in parts if isinstance(part, str)):
        return "Use letters, digits, spaces and / - . _ : # ( ) around the placeholders."
    names = {part[0] for part in parts if isinstance(part, tuple)}
    if "n" not in names:
        return "The pattern needs {n}, the action's number, so that no two actions get the same reference."
    for before, between, after in zip(parts, parts[1:], parts[2:], strict=False):
        adjacent = isinstance(before, tuple) and isinstance(after, tuple) and between == ""
        if adjacent and {before[0], after[0]} == {"meeting", "n"}:
            return (
                "Put something between {meeting} and {n}, e.g. a slash: otherwise meeting 5's action 51 "
                "and meeting 55's action 1 would get the same reference."
            )
    if numbering == PER_MEETING and "meeting" not in names:
        return (
            "Actions are numbered per meeting, so the pattern needs {meeting}: otherwise the first "
            "action of every meeting would get the same reference."
        )
    longest = format_reference(pattern, code="X" * 20, meeting=99999, n=99999)
    if len(longest) > REFERENCE_MAX_LENGTH:
        return f"References would be too long: keep them under {REFERENCE_MAX_LENGTH} characters."
    return ""


def format_reference(pattern, *, code, meeting, n):
    """The reference `pattern` gives the `n`-th action (of meeting number `meeting`, committee `code`)."""
    values = {"code": str(code), "meeting": int(meeting), "n": int(n)}
    out = []
    for part in _parts(pattern):
        if isinstance(part, str):
            out.append(part)
        else:
            name, width = part
            value = values[name]
            out.append(str(value).zfill(width) if name != "code" else value)
    return "".join(out)


def reference_slug(reference):
    """The reference as a part of a URL: runs of anything but letters and digits become "-"
    ("OPSG 55/01" -> "OPSG-55-01", "Action 004" -> "Action-004")."""
    return re.sub(r"[^A-Za-z0-9]+", "-", reference).strip("-")


def reference_regex(pattern, code):
    """A regular expression matching the references `pattern` writes for committee `code`, as people
    type them (case and spacing aside), with the groups `meeting` and `n` where the pattern has them."""
    out = []
    for part in _parts(pattern):
        if isinstance(part, str):
            out.extend(
                re.escape(char) if char.isalnum() else rf"\s*{re.escape(char)}\s*" if char.strip() else r"\s*"
                for char in part
            )
        elif part[0] == "code":
            out.append(re.escape(code))
        else:
            out.append(rf"(?P<{part[0]}>\d+)")
    return re.compile(r"^\s*" + "".join(out) + r"\s*$", re.IGNORECASE)

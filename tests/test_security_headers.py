"""Security headers on every response, and no inline script in any template.

Every URL pattern of the resolver is requested (the admin's and two-factor's too),
anonymously and as a staff user, and whatever the answer (a page, a redirect, 403,
404, a PDF, a CSV or XLSX download, an iCal feed) it must carry:

- Content-Security-Policy: exactly POLICY below (scripts and styles from our own
  origin only: no 'unsafe-inline', no 'unsafe-eval'; no framing, no plugins);
- X-Content-Type-Options: nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and
  X-Frame-Options: DENY.

The app's URLs are requested as tests/test_permission_matrix.py requests them (its
MATRIX cases, with the ids of its world); any other pattern with GET and arguments
made up from the pattern itself (real objects for the admin's pages).

The browser side (no page breaks the policy) is in tests/conftest.py (`csp_violations`,
which fails every browser test on a violation) and tests/test_browser_csp.py.
"""

import re
import uuid
from pathlib import Path

import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter

from minutes.models import Meeting
from tests import test_permission_matrix as permission_matrix
from tests.auth_helpers import mark_verified
from tests.test_permission_matrix import MATRIX
from tests.url_walk import url_patterns as walk

# The permission matrix's world (the demo, staff, OPSG_56 circulated, review comments...),
# its module-scoped fixture used here as it is: built once for this module.
world = permission_matrix.world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
HEADERS = {
    "X-Content-Type-Options": {"nosniff"},
    # same-origin everywhere; a page whose URL holds a credential (an owner's signed link) sends none.
    "Referrer-Policy": {"same-origin", "no-referrer"},
    "Cross-Origin-Opener-Policy": {"same-origin"},
    "X-Frame-Options": {"DENY"},
}
ROLES = ("anonymous", "staff")


def parse_policy(header):
    """{'directive': [source, ...]} from a Content-Security-Policy header."""
    policy = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            policy[tokens[0]] = tokens[1:]
    return policy


def assert_secure(response, said):
    assert "Content-Security-Policy" in response, f"{said}: no Content-Security-Policy"
    policy = parse_policy(response["Content-Security-Policy"])
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
        assert unsafe not in policy.get("script-src", []), f"{said}: {unsafe} in script-src"
        assert unsafe not in policy.get("style-src", []), f"{said}: {unsafe} in style-src"
    assert policy == POLICY, f"{said}: {response['Content-Security-Policy']}"
    for header, allowed in HEADERS.items():
        assert response.get(header) in allowed, f"{said}: {header} is {response.get(header)!r}"


# ---- Every pattern of the resolver ---------------------------------------------------


def url_patterns():
    """Every pattern, admin included, labelled with its whole route when unnamed."""
    return walk(prefix="/")


def argument_names(pattern):
    return list(pattern.pattern.regex.groupindex)


def model_admin_of(view):
    """The ModelAdmin a view of the admin belongs to, if it does."""
    if getattr(view, "model_admin", None) is not None:  # ModelAdmin.get_urls()
        return view.model_admin
    owner = getattr(getattr(view, "__wrapped__", None), "__self__", None)  # admin_view(self.some_view)
    return owner if isinstance(owner, ModelAdmin) else None


def made_up_value(name, pattern, world):
    """A value for URL argument `name` of `pattern`: a real object's where there is one."""
    model_admin = model_admin_of(pattern.callback)
    converter = getattr(pattern.pattern, "converters", {}).get(name)
    if name in ("object_id", "id", "pk") and model_admin is not None:
        first = model_admin.model._default_manager.order_by("pk").first()
        return str(first.pk) if first else "1"
    if name == "object_id":  # the admin's view_on_site
        return str(Meeting.objects.get_by_reference("OPSG_55").pk)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(Meeting).pk)
    if name == "app_label":
        return re.search(r"\(\?P<app_label>([^|)]+)", pattern.pattern.regex.pattern).group(1)
    if name == "url":  # the admin's catch-all
        return "no-such-page/"
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=0)
    return "x"


def made_up_url(label, pattern, resolver, prefix, world):
    kwargs = {name: made_up_value(name, pattern, world) for name in argument_names(pattern)}
    if pattern.name:
        return reverse(label, kwargs=kwargs)
    return resolver._reverse_with_prefix(pattern.callback, prefix, **kwargs)


def _requests():
    """(label, method, how to make the URL and data) for every pattern: MATRIX cases, else GET."""
    for label, pattern, resolver, prefix in url_patterns():
        if label in MATRIX:
            for case in MATRIX[label]:

                def make(world, label=label, case=case):
                    return reverse(label, kwargs=case.where.kwargs(world)), case.data

                yield pytest.param(label, case.method, make, id=f"{label} {case.method} {case.where}")
        else:

            def make(world, args=(label, pattern, resolver, prefix)):
                return made_up_url(*args, world), {}

            yield pytest.param(label, "GET", make, id=f"{label} GET")


REQUESTS = list(_requests())


def test_every_pattern_of_the_resolver_is_requested():
    labels = {param.values[0] for param in REQUESTS}
    assert labels == {label for label, *_ in url_patterns()}
    assert len(labels) > len(MATRIX)  # the admin and the auth pages are in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("label", "method", "make"), REQUESTS)
def test_every_response_carries_the_security_headers(client, world, label, method, make, role):
    if role == "staff":
        staff = world.users["staff"]
        client.force_login(staff)
        mark_verified(client, staff)  # two-factor authentication done, so staff see the pages
    url, data = make(world)
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert_secure(response, f"{method} {url} as {role}: {response.status_code}")


@pytest.mark.parametrize("role", ROLES)
def test_a_page_that_does_not_exist_carries_them_too(client, world, role):
    if role == "staff":
        client.force_login(world.users["staff"])
        mark_verified(client, world.users["staff"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_secure(response, f"GET /no-such-page/ as {role}")


def test_a_request_for_another_host_is_refused_with_them_too(client):
    response = client.get("/meetings/", HTTP_HOST="evil.example.org")
    assert response.status_code == 400
    assert_secure(response, "GET /meetings/ for host evil.example.org")


# ---- No inline script in any template -------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates"]
# Rendered by WeasyPrint into PDFs, never by a browser: inline styles are fine there.
PRINT_ONLY = [ROOT / "templates" / "minutes" / "print"]

# A <script> without src (data blocks such as json_script's application/json are not scripts).
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']?application/(?:ld\+)?json)[^>]*>", re.I
)
# An event handler attribute (onclick=, onsubmit=, ...) inside a tag.
EVENT_HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"""\b(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EVAL = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*[\"'`]")


def templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def offences(pattern, paths):
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:80]!r}")
    return found


def for_the_browser(paths):
    return [path for path in paths if not any(path.is_relative_to(folder) for folder in PRINT_ONLY)]


def test_the_scanners_find_what_the_policy_refuses():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">import "x"</script>')
    assert not INLINE_SCRIPT.search("<script src=\"{% static 'js/x.js' %}\" defer></script>")
    assert not INLINE_SCRIPT.search('<script id="data" type="application/json">{}</script>')
    assert EVENT_HANDLER.search('<button type="button"\n  onclick="go()">Go</button>')
    assert EVENT_HANDLER.search("<form ONSUBMIT='return confirm()'>")
    assert not EVENT_HANDLER.search('<div data-online="1" class="one">only text: on="x"</div>')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')
    assert STYLE_ATTRIBUTE.search('<svg width="10" style="max-width: 1px">')
    assert not STYLE_ATTRIBUTE.search('<p class="font-style">')
    assert EVAL.search("window.eval (code)") and EVAL.search("new Function('a', b)")
    assert EVAL.search('setTimeout("go()", 10)') and not EVAL.search("setTimeout(() => go(), 10)")


def test_there_are_templates_to_scan():
    assert len(list(templates())) > 50


def test_no_template_has_an_inline_script():
    assert offences(INLINE_SCRIPT, templates()) == []


def test_no_template_has_an_inline_event_handler_or_javascript_url():
    assert offences(EVENT_HANDLER, templates()) + offences(JAVASCRIPT_URL, templates()) == []


def test_no_page_template_has_an_inline_style():
    # The policy's style-src has no 'unsafe-inline': the browser would ignore them.
    paths = for_the_browser(templates())
    assert offences(STYLE_ATTRIBUTE, paths) + offences(STYLE_ELEMENT, paths) == []


def test_our_scripts_do_not_eval_strings():
    assert offences(EVAL, sorted((ROOT / "static" / "js").rglob("*.js"))) == []

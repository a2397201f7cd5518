import os

import pytest
from django.test import Client

from minutes.models import Membership
from tests.auth_helpers import log_in_through_form, mark_verified
from tests.factories import make_committee, make_person, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# made there by live_server tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright cannot download its own browser here. A missing
    # binary makes the browser tests fail, never skip.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def committee(db):
    return make_committee()


@pytest.fixture
def users(committee):
    """One user per role on `committee`, plus a staff user and an outsider."""
    Role = Membership.Role
    result = {role: make_user(role, committee=committee, role=role) for role in Role.values}
    result["staff"] = make_user("staff", is_staff=True)
    result["outsider"] = make_user("outsider")
    make_person("Owner Person", user=result["owner"])
    return result


@pytest.fixture
def assert_accessible():
    """Run axe-core (bundled with axe-playwright-python) on a page; fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def log_in(live_server):
    """Log in through the login form, as a person would: with the code from the authenticator
    app when the user has two-factor authentication (see tests/auth_helpers.py)."""

    def do(page, username, password="minutes-demo", *, two_factor=True):
        log_in_through_form(page, live_server.url, username, password, two_factor=two_factor)

    return do


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor(monkeypatch):
    """`client.force_login` skips the login page, so it skips its token step too: the session is
    marked verified with a TOTP device of the user (created if missing), as a login with the
    code would leave it. Two-factor authentication stays required (opsg/two_factor.py)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def pytest_sessionfinish(session, exitstatus):
    # In CI a skipped test is a missing test: fail the run.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") and reporter and reporter.stats.get("skipped"):
        reporter.write_line("Tests were skipped, which CI does not allow.", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The demo users are created in many tests; real hashing would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---- Content-Security-Policy violations fail browser tests ----------------------------

# Added to every page of every browser context (Playwright injects it through the
# DevTools protocol, so the policy does not block it): each violation the page sees
# is written to the console, where the collector below picks it up.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + (event.sourceFile || document.URL) + ":" + event.lineNumber + " " + (event.sample || ""));
}, true);
"""
CSP_MESSAGES = ("CSP violation:", "Content Security Policy", "Refused to")


class CSPViolations(list):
    """The CSP violations seen by the browser contexts of one test."""

    def watch(self, context):
        if getattr(context, "_csp_watched", False):
            return
        context._csp_watched = True
        context.add_init_script(CSP_REPORTER)
        context.on("console", self._on_console)

    def _on_console(self, message):
        if any(marker in message.text for marker in CSP_MESSAGES):
            self.append(f"{message.location.get('url', '')}: {message.text}")


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch):
    """Fail any browser test whose pages break the Content-Security-Policy.

    Every browser context a test makes (pytest-playwright's `page` and `context`, and
    `browser.new_context()` / `browser.new_page()` in the tests) is watched: console
    messages about the policy and `securitypolicyviolation` events are collected and
    must be none when the test ends. A test that provokes a violation on purpose reads
    this list and clears it.
    """
    from playwright.sync_api import Browser

    violations = CSPViolations()
    new_context, new_page = Browser.new_context, Browser.new_page

    def watched_new_context(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        violations.watch(context)
        return context

    def watched_new_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        violations.watch(page.context)
        return page

    monkeypatch.setattr(Browser, "new_context", watched_new_context)
    monkeypatch.setattr(Browser, "new_page", watched_new_page)
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """`run_jobs(post)`: call `post()` (a request that starts background jobs), then work the queued
    tasks with the configured engine's real worker in this process, and return what `post` returned.
    The jobs are enqueued when the request's transaction commits, which inside a test's transaction
    is when `post` returns."""
    from tests.jobs_support import work_the_queue

    def run(post):
        with django_capture_on_commit_callbacks(execute=True):
            answer = post()
        work_the_queue()
        return answer

    return run


@pytest.fixture
def task_worker(live_server):
    """A worker working the task queue beside the live server, as `make run` runs one."""
    from tests.jobs_support import worker_in_background

    with worker_in_background():
        yield

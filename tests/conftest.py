import os

import pytest

from minutes.models import Membership
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
    """Log in through the login form, as a person would."""

    def do(page, username, password="minutes-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    return do


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

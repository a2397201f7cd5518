"""In Chromium: the demo secretary sets up two-factor authentication through the pages,
makes recovery codes, logs out and logs in again with a code; a lockout page."""

import base64
import time

import pytest
from django.core.management import call_command
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.auth_helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page):
    """Collect the browser's Content-Security-Policy complaints (inline code refused)."""
    complaints = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return complaints


def test_a_secretary_sets_up_two_factor_and_logs_in_with_a_code(page, live_server, log_in, assert_accessible):
    call_command("load_demo", verbosity=0)
    complaints = watch_csp(page)

    # DEMO_MODE is off: the secretary must set it up, and is sent to the setup page.
    log_in(page, "secretary", two_factor=False)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("requires two-factor authentication")
    assert_accessible(page)
    page.goto(f"{live_server.url}/meetings/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()

    page.get_by_role("button", name="Next").click()
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    # Served by the app: wait for it to load (visible comes first), then it must have pixels.
    page.wait_for_function("image => image.complete", arg=qr.element_handle())
    assert qr.evaluate("image => image.naturalWidth > 0")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    code = f"{hotp(base64.b32decode(secret), int(time.time()) // 30):06d}"
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()

    page.get_by_role("link", name="Make recovery codes").click()
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)

    page.goto(f"{live_server.url}/meetings/")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    page.get_by_role("button", name="Veronica Asantewaa").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.locator("#two-factor-status")).to_contain_text("Two-factor authentication is on")
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    # Logging in now takes the code from the app after the password.
    page.get_by_label("Username").fill("secretary")
    page.get_by_label("Password").fill("minutes-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Authentication code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Authentication code").fill(
        totp_code(TOTPDevice.objects.get(user__username="secretary"))
    )
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    assert complaints == []


def test_the_lockout_page_after_five_wrong_passwords(page, live_server, log_in, assert_accessible):
    call_command("load_demo", verbosity=0)
    for _ in range(4):
        log_in(page, "member", "not-the-password")
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    log_in(page, "member", "not-the-password")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    assert_accessible(page)
    log_in(page, "member")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()

"""Two-factor authentication in tests: a user's TOTP device, its current code, a verified
session for `force_login`, and logging in through the form as a person with an
authenticator app would."""

import time

from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

TOKEN_FIELD = "token-otp_token"  # the login wizard's token step


def logged_in(client):
    return SESSION_KEY in client.session


def assert_sent_to_log_in(client, response, message, next_url=None):
    """`response` logged the client out and sent them to the login page, which says `message`."""
    assert response.status_code == 302
    if next_url is None:
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response["Location"] == f"{reverse('login')}?next={next_url}"
    assert not logged_in(client)
    assert message in client.get(response["Location"]).content.decode()


def totp_device(user):
    """`user`'s TOTP device, created (confirmed, named "default" as two-factor's setup names it) if missing."""
    device = TOTPDevice.objects.filter(user=user, name="default", confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return device


def totp_code(device):
    """The code an authenticator app shows now for `device`, as the device will accept it.

    A device refuses a code of a time step it already accepted (replay), so when
    this step's code was used (two logins within 30 seconds), the next step's is
    given: the device accepts codes one step ahead (its tolerance).
    """
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    for t in range(now, now + device.tolerance + 1):
        if t > device.last_t:
            return f"{hotp(device.bin_key, t, device.digits):0{device.digits}d}"
    raise AssertionError(f"every code of {device} for now was used already")


def mark_verified(client, user):
    """Make `client`'s session one that gave a token of `user`'s device, as a login with it would."""
    device = totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def log_in_through_form(page, base_url, username, password, *, two_factor=True):
    """Log in through the login form; then, for a user with a device, give the code from it.

    With `two_factor` (the default), a user who must use two-factor authentication
    and has no device yet gets one first, as if set up earlier; without it, such a
    user lands on the setup page.
    """
    from opsg.two_factor import two_factor_required

    user = get_user_model().objects.filter(username=username).first()
    if user is not None and two_factor and two_factor_required(user):
        totp_device(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if page.locator(f"input[name='{TOKEN_FIELD}']").count():
        page.get_by_label("Authentication code").fill(totp_code(totp_device(user)))
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

"""Two-factor authentication: required of secretaries, chairs and staff, available to all;
the token step at login; recovery codes; DEMO_MODE; pages without inline code."""

import base64
import os
import re
import time

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from minutes.models import Membership
from opsg.two_factor import two_factor_required
from tests.auth_helpers import TOKEN_FIELD, assert_sent_to_log_in, logged_in, totp_code, totp_device
from tests.factories import make_committee, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"  # make_user's
STEP = "login_view-current_step"
PAGES = [
    reverse("minutes:meeting-list"),
    reverse("actions:action-log"),
    reverse("actions:my-actions"),
    reverse("actions:calendar-settings"),
    reverse("two_factor:profile"),
    reverse("password_change"),
    "/meetings/OPSG_99/",
]


def log_in(client, user, password=PASSWORD):
    """The first step of the login page: username and password."""
    return client.post(reverse("login"), {"username": user.username, "password": password})


def give_token(client, token, step="token"):
    return client.post(reverse("login"), {STEP: step, f"{step}-otp_token": token})


def codes_now(key):
    """The codes of the time steps a device accepts now (this one and its neighbours)."""
    now = int(time.time()) // 30
    return {f"{hotp(key, t):06d}" for t in range(now - 1, now + 3)}


def wrong_code(key):
    return next(code for code in ("000000", "111111", "222222") if code not in codes_now(key))


def verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


# ---- Who must use it ---------------------------------------------------------------


def test_the_roles_that_must_use_two_factor(users):
    required = {name for name, user in users.items() if two_factor_required(user)}
    assert required == {"secretary", "chair", "staff"}


def test_a_role_on_any_committee_counts(users):
    other = make_committee("SEC", "Panel")
    Membership.objects.create(committee=other, user=users["member"], role=Membership.Role.CHAIR)
    assert two_factor_required(users["member"])


def test_superusers_must_use_it(db):
    user = make_user("root")
    user.is_superuser = True
    user.save()
    assert two_factor_required(user)


@pytest.mark.parametrize("role", ["secretary", "chair", "staff"])
def test_without_a_device_they_are_sent_to_setup_from_any_page(client, users, role):
    response = log_in(client, users[role])
    assert response.status_code == 302 and logged_in(client)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("two_factor:setup"), url
    response = client.post(reverse("minutes:meeting-create"), {})
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup")

    page = client.get(reverse("two_factor:setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Set up two-factor authentication" in text
    assert (
        "Your role (a committee&#x27;s secretary or chair, or staff) requires two-factor authentication"
        in text
    )


def test_staff_are_sent_to_setup_from_the_admin_too(client, users):
    log_in(client, users["staff"])
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup")


@pytest.mark.parametrize("role", ["secretary", "chair", "staff"])
def test_they_may_still_log_out(client, users, role):
    log_in(client, users[role])
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not logged_in(client)


@pytest.mark.parametrize("role", ["member", "owner", "reader", "outsider"])
def test_other_roles_are_not_sent_to_setup(client, users, role):
    response = log_in(client, users[role])
    assert response.status_code == 302 and logged_in(client)
    for url in PAGES[:5]:
        assert client.get(url).status_code == 200, url
    assert "Two-factor authentication is <strong>off</strong>" in client.get(PAGES[4]).content.decode()


def test_the_user_menu_links_to_two_factor_settings(client, users):
    log_in(client, users["member"])
    page = client.get(reverse("minutes:meeting-list")).content.decode()
    assert f'href="{reverse("two_factor:profile")}">Two-factor authentication</a>' in page


def test_static_files_are_served_to_those_sent_to_setup(client, users):
    log_in(client, users["secretary"])
    assert client.get("/static/css/app.css").status_code == 200


def test_a_session_that_skipped_the_token_is_ended(client, users):
    """A device, but a session never verified with it (a device added since, say): log in again."""
    client.force_login(users["secretary"])  # verified, with a device
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    meetings = reverse("minutes:meeting-list")
    message = "Please log in again and enter the code from your authenticator app."
    assert_sent_to_log_in(client, client.get(meetings), message, next_url=meetings)


def test_force_login_in_tests_gives_a_verified_session(client, users):
    client.force_login(users["staff"])
    assert verified(client)
    assert client.get(reverse("minutes:meeting-list")).status_code == 200


# ---- The token step at login ------------------------------------------------------------


def test_a_user_with_a_device_is_asked_for_the_code(client, users):
    device = totp_device(users["member"])
    response = log_in(client, users["member"])
    assert response.status_code == 200 and not logged_in(client)
    page = response.content.decode()
    assert "Authentication code" in page and f'name="{TOKEN_FIELD}"' in page
    assert "Log in</button>" in page

    response = give_token(client, totp_code(device))
    assert response.status_code == 302 and response["Location"] == reverse("minutes:meeting-list")
    assert logged_in(client) and verified(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("minutes:meeting-list")).status_code == 200


@pytest.mark.parametrize("role", ["secretary", "chair", "staff"])
def test_the_required_roles_with_a_device_log_in_with_the_code(client, users, role):
    device = totp_device(users[role])
    log_in(client, users[role])
    assert not logged_in(client)
    give_token(client, totp_code(device))
    assert verified(client)
    for url in PAGES[:5]:
        assert client.get(url).status_code == 200, url


def test_a_wrong_code_is_refused(client, users):
    device = totp_device(users["secretary"])
    log_in(client, users["secretary"])
    response = give_token(client, wrong_code(device.bin_key))
    assert response.status_code == 200 and not logged_in(client)
    assert "Invalid token" in response.content.decode()
    assert give_token(client, "12ab").status_code == 200 and not logged_in(client)
    # django-otp throttles after a failure (1 s, 2 s, ...); a person would retry a moment later.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert give_token(client, totp_code(device)).status_code == 302 and verified(client)


def test_a_code_works_only_once(client, users):
    device = totp_device(users["member"])
    device.tolerance = 0  # only this time step's code
    device.save()
    code = totp_code(device)
    log_in(client, users["member"])
    give_token(client, code)
    assert verified(client)
    client.post(reverse("logout"))
    log_in(client, users["member"])
    assert give_token(client, code).status_code == 200 and not logged_in(client)


def test_the_token_step_keeps_next(client, users):
    device = totp_device(users["member"])
    url = f"{reverse('login')}?next=/actions/"
    client.post(url, {"username": "member", "password": PASSWORD})
    response = client.post(url, {STEP: "token", f"{TOKEN_FIELD}": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/actions/"


def test_a_wrong_password_never_reaches_the_token_step(client, users):
    totp_device(users["member"])
    response = log_in(client, users["member"], "Wrong-password-1")
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert TOKEN_FIELD not in page


def test_the_token_step_cannot_be_posted_without_the_password_step(client, users):
    device = totp_device(users["member"])
    response = give_token(client, totp_code(device))
    assert not logged_in(client)
    assert response.status_code == 200


# ---- Recovery codes (backup tokens) ------------------------------------------------------


@pytest.fixture
def with_recovery_codes(users):
    user = users["secretary"]
    totp_device(user)
    device = StaticDevice.objects.create(user=user, name="backup")
    for code in ("recover01", "recover02"):
        device.token_set.create(token=code)
    return user


def test_a_recovery_code_logs_in_once(client, with_recovery_codes):
    user = with_recovery_codes
    response = log_in(client, user)
    assert "Use a recovery code" in response.content.decode()
    page = client.post(reverse("login"), {"wizard_goto_step": "backup"}).content.decode()
    assert "Recovery code" in page and 'name="backup-otp_token"' in page
    response = give_token(client, "recover01", step="backup")
    assert response.status_code == 302 and verified(client)
    assert client.get(reverse("minutes:meeting-list")).status_code == 200
    client.post(reverse("logout"))

    log_in(client, user)
    client.post(reverse("login"), {"wizard_goto_step": "backup"})
    response = give_token(client, "recover01", step="backup")
    assert response.status_code == 200 and not logged_in(client)
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert give_token(client, "recover02", step="backup").status_code == 302 and verified(client)


def test_the_recovery_codes_page_makes_ten_codes(client, users):
    client.force_login(users["secretary"])
    url = reverse("two_factor:backup_tokens")
    assert "You have no recovery codes yet." in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", page)
    assert len(codes) == 10
    assert "You have 10 recovery codes left." in client.get(reverse("two_factor:profile")).content.decode()


# ---- Setup, through the pages --------------------------------------------------------------


def setup_through_the_pages(client):
    url = reverse("two_factor:setup")
    page = client.get(url).content.decode()
    assert "Set up two-factor authentication" in page
    page = client.post(url, {"setup_view-current_step": "welcome"}).content.decode()
    assert 'id="totp-qr"' in page and reverse("two_factor:qr") in page
    secret = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7]+)</code>', page).group(1)
    qr = client.get(reverse("two_factor:qr"))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    key = base64.b32decode(secret)
    code = f"{hotp(key, int(time.time()) // 30):06d}"
    wrong = client.post(url, {"setup_view-current_step": "generator", "generator-token": wrong_code(key)})
    assert "Entered token is not valid." in wrong.content.decode()
    return client.post(url, {"setup_view-current_step": "generator", "generator-token": code})


def test_a_secretary_sets_up_two_factor_and_goes_on(client, users):
    log_in(client, users["secretary"])
    response = setup_through_the_pages(client)
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup_complete")
    assert verified(client)
    assert TOTPDevice.objects.get(user=users["secretary"]).name == "default"
    assert "Two-factor authentication is on" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("minutes:meeting-list")).status_code == 200


def test_any_user_may_set_it_up(client, users):
    log_in(client, users["reader"])
    assert setup_through_the_pages(client).status_code == 302
    client.post(reverse("logout"))
    assert log_in(client, users["reader"]).status_code == 200  # the token step now
    assert not logged_in(client)


def test_turning_it_off_sends_a_secretary_back_to_setup(client, users):
    client.force_login(users["secretary"])
    page = client.get(reverse("two_factor:disable")).content.decode()
    assert "Your role requires two-factor authentication" in page
    response = client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=users["secretary"]).exists()
    response = client.get(reverse("minutes:meeting-list"))
    assert response["Location"] == reverse("two_factor:setup")


def test_a_member_may_turn_it_off(client, users):
    client.force_login(users["member"])
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert not TOTPDevice.objects.filter(user=users["member"]).exists()
    assert client.get(reverse("minutes:meeting-list")).status_code == 200


def test_the_admin_login_page_sends_to_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---- DEMO_MODE ------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("username", ["secretary", "chair"])
def test_demo_mode_exempts_the_demo_users(client, demo, username):
    with override_settings(DEMO_MODE=True, DEBUG=True):
        response = client.post(reverse("login"), {"username": username, "password": "minutes-demo"})
        assert response.status_code == 302
        assert client.get(reverse("minutes:meeting-list")).status_code == 200


@pytest.mark.parametrize("username", ["secretary", "chair"])
def test_without_demo_mode_the_demo_users_must_set_it_up(client, demo, settings, username):
    assert settings.DEMO_MODE is False  # the default
    client.post(reverse("login"), {"username": username, "password": "minutes-demo"})
    assert client.get(reverse("minutes:meeting-list"))["Location"] == reverse("two_factor:setup")


def test_demo_mode_exempts_only_the_demo_users(client, demo):
    from minutes.models import Committee

    other = make_user("a_secretary", committee=Committee.objects.get(code="OPSG"), role="secretary")
    with override_settings(DEMO_MODE=True, DEBUG=True):
        log_in(client, other)
        assert client.get(reverse("minutes:meeting-list"))["Location"] == reverse("two_factor:setup")


def test_load_demo_says_whether_demo_mode_is_on(demo):
    from io import StringIO

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "DEMO_MODE is off: secretary and chair must set up two-factor authentication" in out.getvalue()
    with override_settings(DEMO_MODE=True, DEBUG=True):
        out = StringIO()
        call_command("load_demo", stdout=out)
    assert "DEMO_MODE is on: the demo users log in without two-factor authentication" in out.getvalue()


# ---- No inline code (the Content-Security-Policy forbids it) -------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
]


def assert_no_inline_code(response):
    page = response.content.decode()
    for pattern, what in INLINE:
        match = pattern.search(page)
        assert match is None, f"{what} in {response.request['PATH_INFO']}: {match.group(0)!r}"


def test_the_pages_of_login_and_two_factor_have_no_inline_code(client, users):
    assert_no_inline_code(client.get(reverse("login")))
    totp_device(users["member"])
    assert_no_inline_code(log_in(client, users["member"]))  # the token step
    StaticDevice.objects.create(user=users["member"], name="backup").token_set.create(token="recover01")
    assert_no_inline_code(log_in(client, users["member"]))  # with "Use a recovery code"
    assert_no_inline_code(client.post(reverse("login"), {"wizard_goto_step": "backup"}))

    log_in(client, users["secretary"])
    assert_no_inline_code(client.get(reverse("two_factor:setup")))
    assert_no_inline_code(client.post(reverse("two_factor:setup"), {"setup_view-current_step": "welcome"}))
    client.post(reverse("logout"))

    client.force_login(users["secretary"])
    for name in ("profile", "backup_tokens", "disable", "setup_complete"):
        assert_no_inline_code(client.get(reverse(f"two_factor:{name}")))
    assert_no_inline_code(client.get(reverse("password_change")))
    assert_no_inline_code(client.get(reverse("minutes:meeting-list")))


def test_demo_mode_never_exempts_staff_or_superusers(client, demo):
    from django.contrib.auth import get_user_model

    secretary = get_user_model().objects.get(username="secretary")
    secretary.is_superuser = secretary.is_staff = True
    secretary.save()
    with override_settings(DEMO_MODE=True, DEBUG=True):
        client.post(reverse("login"), {"username": "secretary", "password": "minutes-demo"})
        assert client.get("/admin/")["Location"].startswith(reverse("two_factor:setup"))
        assert client.get(reverse("minutes:meeting-list"))["Location"] == reverse("two_factor:setup")


def test_demo_mode_without_debug_exempts_nobody_and_fails_the_system_check(client, demo):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with override_settings(DEMO_MODE=True, DEBUG=False):
        client.post(reverse("login"), {"username": "secretary", "password": "minutes-demo"})
        assert client.get(reverse("minutes:meeting-list"))["Location"] == reverse("two_factor:setup")
        with pytest.raises(SystemCheckError, match="opsg.E001"):
            call_command("check")


def settings_root():
    from django.conf import settings

    return settings.BASE_DIR


def test_demo_mode_with_debug_off_refuses_to_start():
    import subprocess
    import sys

    env = {**os.environ, "DEMO_MODE": "1", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "opsg.settings"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings_root(),
    )
    assert started.returncode != 0
    assert "DEMO_MODE=1 lets the demo users log in without two-factor authentication" in started.stderr

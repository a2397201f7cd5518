"""Login throttling (django-axes, database handler): 5 failures for one username from one
address lock that pair out for 15 minutes, with a page that says so (HTTP 429), logged."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.auth_helpers import logged_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"  # make_user's
HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.77"


def attempt(client, username, password, address=HOME, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, times, address=HOME):
    return [attempt(client, username, "Not-the-password-0", address) for _ in range(times)]


@pytest.fixture
def member(db):
    return make_user("member")


def test_the_settings_are_five_failures_per_username_and_address_for_15_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_failures_leave_the_login_open(client, member):
    for response in fail(client, "member", 4):
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client, member):
    fail(client, "member", 4)
    fifth = attempt(client, "member", "Not-the-password-0")
    assert fifth.status_code == 429

    sixth = attempt(client, "member", PASSWORD)
    assert sixth.status_code == 429
    assert not logged_in(client)
    page = sixth.content.decode()
    assert "axes/lockout.html" in [template.name for template in sixth.templates]
    assert "base.html" in [template.name for template in sixth.templates]
    assert "Account locked" in page
    assert "Too many failed login attempts" in page
    assert "is locked for 15 minutes" in page
    assert "Wait 15 minutes" in page and "ask the secretariat" in page
    assert AccessAttempt.objects.get(username="member", ip_address=HOME).failures_since_start == 5


def test_another_address_is_not_locked(client, member):
    fail(client, "member", 5)
    assert attempt(client, "member", PASSWORD).status_code == 429
    response = attempt(client, "member", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302 and logged_in(client)


def test_another_username_from_the_same_address_is_not_locked(client, member):
    make_user("chair")
    fail(client, "member", 5)
    response = attempt(client, "chair", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_failures_spread_over_usernames_or_addresses_do_not_lock(client, member):
    fail(client, "member", 4, address=HOME)
    fail(client, "member", 4, address=ELSEWHERE)
    fail(client, "someone-else", 4, address=HOME)
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_the_lockout_ends_after_15_minutes(client, member):
    fail(client, "member", 5)
    # Move the failures back in time, as 14 then 16 minutes passing would.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert attempt(client, "member", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_attempts_during_the_lockout_do_not_extend_it(client, member):
    fail(client, "member", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))
    fail(client, "member", 3)  # refused without being counted
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_axes_reset_lifts_a_lockout(client, member):
    from axes.utils import reset

    fail(client, "member", 5)
    reset(username="member")
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_the_lockout_is_logged_with_username_and_address(client, member, caplog):
    with caplog.at_level(logging.INFO, logger="minutes.security"):
        fail(client, "member", 5)
        attempt(client, "member", PASSWORD)
    locked = [r for r in caplog.records if r.name == "minutes.security" and "locked out" in r.getMessage()]
    assert locked, caplog.text
    assert all(r.levelno == logging.WARNING for r in locked)
    assert locked[0].getMessage() == (
        f"Login locked out for username 'member' from {HOME} after too many failed attempts"
    )
    assert locked[0].event == "login_locked_out"
    assert PASSWORD not in caplog.text and "Not-the-password-0" not in caplog.text


def test_axes_warnings_are_kept_by_the_logging_settings(settings):
    assert settings.LOGGING["loggers"]["axes"]["level"] == "WARNING"
    assert settings.LOGGING["loggers"]["minutes.security"]["level"] == "INFO"


def test_the_client_address_is_remote_addr_unless_proxies_are_configured(client, member, settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ELSEWHERE}"}
    fail(client, "member", 1, address="10.0.0.1")
    attempt(client, "member", "wrong", address="10.0.0.1", **forwarded)
    # Without PROXY_COUNT, X-Forwarded-For is anybody's to write: ignored.
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.1"]

    settings.PROXY_COUNT = 1
    attempt(client, "member", "wrong", address="10.0.0.1", **forwarded)
    # Behind one proxy, the address it saw: the right-most entry; the client wrote the rest.
    assert AccessAttempt.objects.get(ip_address=ELSEWHERE).failures_since_start == 1


def test_behind_a_proxy_each_client_is_locked_on_its_own(client, member, settings):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        attempt(client, "member", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert attempt(client, "member", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME).status_code == 429
    response = attempt(client, "member", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302


def test_a_forged_or_short_forwarded_header_falls_back_to_remote_addr(rf, settings):
    from opsg.security import client_ip

    settings.PROXY_COUNT = 2
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)) == "10.0.0.2"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="x, not-an-ip, 10.0.0.1")) == (
        "10.0.0.2"
    )
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{HOME}, 10.0.0.1")) == HOME


def test_an_overlong_username_is_refused_like_any_other(client, member):
    """Usernames have at most 150 characters: a longer one is refused by the form, before axes."""
    response = attempt(client, "A" * 5000, "wrong")
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_axes_stores_at_most_255_characters_of_a_username(rf):
    """Whatever path reaches authentication, axes' record (255 characters) cannot fail."""
    from opsg.security import axes_username

    assert axes_username(rf.post("/"), {"username": "A" * 5000}) == "A" * 255
    assert axes_username(rf.post("/", {"username": "eve\x00"})) == "eve"
    assert axes_username(rf.post("/")) is None

"""Sessions end 12 hours after login whatever the activity, and a staff user's after 30
minutes idle; the login page says why. Passwords: at least 12 characters."""

import logging
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from opsg.demo import DEFAULT_PASSWORD
from opsg.session_limits import LAST_ACTIVITY, LOGIN_AT
from tests.auth_helpers import assert_sent_to_log_in, logged_in

pytestmark = pytest.mark.django_db

HOUR = 60 * 60
MEETINGS = reverse("minutes:meeting-list")


def set_in_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_the_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * HOUR
    assert settings.SESSION_ABSOLUTE_AGE == 12 * HOUR
    assert settings.SESSION_STAFF_IDLE_AGE == 30 * 60


def test_login_records_the_login_time(client, users):
    before = int(time.time())
    response = client.post(reverse("login"), {"username": "member", "password": "test-password-123"})
    assert response.status_code == 302
    assert before <= client.session[LOGIN_AT] <= int(time.time())
    assert response.cookies["sessionid"]["max-age"] == 12 * HOUR


@pytest.mark.parametrize("role", ["member", "secretary", "staff"])
def test_a_session_ends_12_hours_after_login_whatever_the_activity(client, users, role):
    client.force_login(users[role])
    now = int(time.time())
    set_in_session(client, **{LOGIN_AT: now - 12 * HOUR + 60, LAST_ACTIVITY: now})
    assert client.get(MEETINGS).status_code == 200

    set_in_session(client, **{LOGIN_AT: now - 12 * HOUR - 1, LAST_ACTIVITY: now})
    message = "Your session ended after 12 hours. Please log in again."
    assert_sent_to_log_in(client, client.get(MEETINGS), message, next_url=MEETINGS)


def test_a_staff_session_ends_after_30_minutes_idle(client, users):
    client.force_login(users["staff"])
    now = int(time.time())
    set_in_session(client, **{LAST_ACTIVITY: now - 29 * 60})
    assert client.get(MEETINGS).status_code == 200
    # The request counted as activity.
    assert client.session[LAST_ACTIVITY] >= now

    set_in_session(client, **{LAST_ACTIVITY: now - 30 * 60 - 1})
    message = "Your session ended after 30 minutes without activity. Please log in again."
    assert_sent_to_log_in(client, client.get(MEETINGS), message)


@pytest.mark.parametrize("role", ["member", "secretary", "chair"])
def test_other_users_are_not_logged_out_when_idle(client, users, role):
    """Only staff have the idle limit (the fixture's secretary and chair are not staff)."""
    client.force_login(users[role])
    set_in_session(client, **{LAST_ACTIVITY: int(time.time()) - 5 * HOUR})
    assert client.get(MEETINGS).status_code == 200


def test_activity_is_written_at_most_once_a_minute(client, users):
    client.force_login(users["staff"])
    now = int(time.time())
    set_in_session(client, **{LAST_ACTIVITY: now - 30})
    client.get(MEETINGS)
    assert client.session[LAST_ACTIVITY] == now - 30
    set_in_session(client, **{LAST_ACTIVITY: now - 90})
    client.get(MEETINGS)
    assert client.session[LAST_ACTIVITY] >= now


def test_a_post_after_the_end_goes_to_the_login_page_without_next(client, users):
    client.force_login(users["staff"])
    set_in_session(client, **{LOGIN_AT: int(time.time()) - 13 * HOUR})
    response = client.post(reverse("actions:calendar-settings"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_session_without_a_login_time_starts_counting(client, users):
    client.force_login(users["member"])
    session = client.session
    del session[LOGIN_AT]
    session.save()
    assert client.get(MEETINGS).status_code == 200
    assert abs(client.session[LOGIN_AT] - time.time()) < 60


def test_the_end_of_a_session_is_logged(client, users, caplog):
    client.force_login(users["staff"])
    set_in_session(client, **{LAST_ACTIVITY: int(time.time()) - HOUR})
    with caplog.at_level(logging.INFO, logger="minutes.security"):
        client.get(MEETINGS, REMOTE_ADDR="192.0.2.44")
    [record] = [r for r in caplog.records if r.name == "minutes.security"]
    assert record.getMessage() == "Session of 'staff' from 192.0.2.44 ended (idle)"


# ---- Passwords -------------------------------------------------------------------------------


def test_a_password_of_11_characters_is_refused_on_the_change_form(client, users):
    client.force_login(users["member"])
    url = reverse("password_change")
    page = client.get(url).content.decode()
    assert "at least 12 characters" in page
    response = client.post(
        url,
        {"old_password": "test-password-123", "new_password1": "plum-tree-8", "new_password2": "plum-tree-8"},
    )
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    users["member"].refresh_from_db()
    assert users["member"].check_password("test-password-123")


def test_a_password_of_12_characters_is_taken(client, users):
    client.force_login(users["member"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-password-123",
            "new_password1": "plum-tree-87",
            "new_password2": "plum-tree-87",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    users["member"].refresh_from_db()
    assert users["member"].check_password("plum-tree-87")
    assert client.get(MEETINGS).status_code == 200  # still logged in


def test_the_demo_and_test_passwords_pass_the_validators(users):
    validate_password(DEFAULT_PASSWORD, users["member"])
    validate_password("test-password-123", users["member"])
    with pytest.raises(ValidationError):
        validate_password("short-pass1")


def test_the_demo_users_still_log_in_with_the_demo_password(client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    response = client.post(reverse("login"), {"username": "member", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and logged_in(client)

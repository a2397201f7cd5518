"""Guessing at the secrets in URLs is throttled per client address: after 20 wrong calendar-feed or
owner-link tokens in ten minutes, the address is answered 429 for that kind of URL until the window
ends, even with a right token; other addresses and the other kind are not affected."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.calendar import calendar_feed_renew
from opsg.models import FailedGuess
from opsg.throttle import GUESSES, WINDOW

pytestmark = pytest.mark.django_db


def feed(client, token, address="203.0.113.7"):
    return client.get(reverse("actions:calendar", args=[token]), REMOTE_ADDR=address)


def test_wrong_feed_tokens_from_one_address_are_throttled(client, users):
    token = calendar_feed_renew(user=users["owner"])
    assert feed(client, token).status_code == 200
    for n in range(GUESSES):
        assert feed(client, f"guess-{n}").status_code == 404
    refused = feed(client, token)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= WINDOW.total_seconds()
    assert "Too many attempts" in refused.content.decode()
    # Another address, and the owner links from this one, are not affected.
    assert feed(client, token, address="198.51.100.9").status_code == 200
    link = client.get(
        reverse("actions:owner-link", args=["OPSG-55-01", "not-a-token"]), REMOTE_ADDR="203.0.113.7"
    )
    assert link.status_code == 403
    # The next window starts afresh.
    later = timezone.now() + WINDOW + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert feed(client, token).status_code == 200
    assert FailedGuess.objects.get(kind="calendar feed").count == GUESSES


def test_wrong_owner_link_tokens_are_throttled_too(client):
    url = reverse("actions:owner-link", args=["OPSG-55-01", "not-a-token"])
    for _ in range(GUESSES):
        assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 403
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 429

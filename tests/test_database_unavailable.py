"""The database out of reach answers "try again in a moment" (503) in the site's layout, not a bare
"Server Error (500)"; other errors keep the 500 page."""

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def logged_in_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_lost_database_answers_503_in_the_sites_layout(users):
    client = logged_in_client(users["member"])
    down = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=down):
        response = client.get(reverse("minutes:meeting-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Try again in a moment</h1>" in page
    assert "cannot reach its database" in page and "<main" in page
    # Back again: the same client is answered as usual, without a restart.
    assert client.get(reverse("minutes:meeting-list")).status_code == 200


def test_other_errors_keep_the_500_page(users):
    client = logged_in_client(users["member"])
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=IntegrityError("x")):
        response = client.get(reverse("minutes:meeting-list"))
    assert response.status_code == 500
    assert "Try again in a moment" not in response.content.decode()

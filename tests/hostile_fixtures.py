"""The fixtures of the hostile-input tests (tests/test_hostile_input.py, tests/test_hypothesis_forms.py).

Imported by name into each module (pytest finds a module's fixtures among its names).
"""

import pytest

from tests.hostile_support import build_world
from tests.rolled_back import built_for_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, in a transaction rolled back after the module; each test is a savepoint in it."""
    yield from built_for_module(django_db_blocker, build_world)


@pytest.fixture
def as_user(client):
    """The test client logged in as a user of the world (force_login: see tests/conftest.py for 2FA)."""

    def log_in(world, role):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return log_in

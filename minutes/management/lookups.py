"""What the management commands look up by name, refused with a CommandError a person can act on."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from minutes.models import Committee


def committee_coded(code):
    """The committee whose code is `code` (any case)."""
    committee = Committee.objects.filter(code__iexact=code).first()
    if committee is None:
        raise CommandError(f"No committee has the code {code}.")
    return committee


def user_called(username):
    """The user called `username`, or None when no username is given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called {username}.")
    return user

"""Signed, expiring links that let an action's owner post an update without an account.

A link names one action, one owner (an organisation or a person) and the e-mail
address it was sent to, signed with the project's SECRET_KEY (Django's signing,
salted for this use). It is refused when it is expired, tampered with, used for
another action, or when the owner no longer owns the action.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from actions.models import Action, ActionUpdate
from minutes.models import Organisation, Person

SALT = "actions.owner-link"
MAX_AGE = datetime.timedelta(days=14)
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def absolute_url(path):
    """`path` on the site, for e-mails and calendar feeds (no request to build it from)."""
    return getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/") + path


class LinkRefused(Exception):
    """An owner link that cannot be used; the message says why, for the person who followed it."""


@dataclass(frozen=True)
class OwnerLink:
    """What a valid link grants: updates on `action`, in the name of `owner`, sent to `email`."""

    action: Action
    owner: Organisation | Person
    email: str

    @property
    def author_name(self):
        name = f"{self.owner.name} (by e-mailed link to {self.email})"
        return name[: ActionUpdate._meta.get_field("author_name").max_length]


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock can be given, so that tests can sign or read "at" another time."""

    def __init__(self, *, now=None):
        super().__init__(salt=SALT)
        self.now = now

    def _clock(self):
        return time.time() if self.now is None else self.now.timestamp()

    def timestamp(self):
        return signing.b62_encode(int(self._clock()))

    def unsign(self, value, max_age=None):
        result = signing.Signer.unsign(self, value)
        value, stamp = result.rsplit(self.sep, 1)
        if self._clock() - signing.b62_decode(stamp) > MAX_AGE.total_seconds():
            raise signing.SignatureExpired("Signature too old.")
        return value


def _owner_key(owner):
    if isinstance(owner, Organisation):
        return "org"
    if isinstance(owner, Person):
        return "person"
    raise TypeError(f"An action's owner is an Organisation or a Person, not {owner!r}.")


def owner_link_token(action, owner, *, email=None, now=None):
    """The token of a link for `owner` (sent to `email`, by default the person's own) to update `action`."""
    email = email or getattr(owner, "email", "")
    if not email:
        raise ValueError(f"Give the e-mail address the link for {owner} is sent to.")
    payload = {"a": action.pk, "k": _owner_key(owner), "o": owner.pk, "e": email}
    return _Signer(now=now).sign_object(payload, compress=True)


def owner_link_url(action, owner, *, email=None):
    token = owner_link_token(action, owner, email=email)
    return absolute_url(reverse("actions:owner-link", args=[action.slug, token]))


def read_owner_link_token(token, *, slug=None, now=None):
    """The OwnerLink a token grants; LinkRefused (with a reason to show) if it grants nothing.

    `slug` is the action named by the URL that carried the token: it must be the token's action.
    """
    try:
        payload = _Signer(now=now).unsign_object(token)
    except signing.SignatureExpired:
        raise LinkRefused(
            f"This link has expired: links are valid for {MAX_AGE.days} days. "
            "Ask the committee secretary for a new one."
        ) from None
    except signing.BadSignature:
        raise LinkRefused("This link is not valid: it may have been cut short or changed.") from None
    try:
        action_id, kind, owner_id, email = payload["a"], payload["k"], payload["o"], payload["e"]
    except (KeyError, TypeError):
        raise LinkRefused("This link is not valid: it may have been cut short or changed.") from None
    action = (
        Action.objects.select_related("committee", "meeting__committee", "status_label")
        .prefetch_related("owner_organisations", "owner_people", "target_dates")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise LinkRefused("The action this link was for no longer exists.")
    if slug is not None and slug != action.slug:
        raise LinkRefused("This link is for another action.")
    owners = {"org": action.owner_organisations.all(), "person": action.owner_people.all()}.get(kind, [])
    owner = next((o for o in owners if o.pk == owner_id), None)
    if owner is None:
        raise LinkRefused(
            f"{action.reference} is no longer owned by the one this link was sent for: "
            "ask the committee secretary if this is a mistake."
        )
    return OwnerLink(action=action, owner=owner, email=email)

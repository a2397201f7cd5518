"""Throttling guesses at the secrets in URLs (calendar feeds, owner links): an address that tried
GUESSES wrong tokens of one kind within WINDOW is answered 429 for that kind until the window
ends, whatever it sends. Counted in the database, so that every web process sees the same count."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from opsg.models import FailedGuess
from opsg.security import client_ip, log_refused

GUESSES = 20
WINDOW = datetime.timedelta(minutes=10)


def _window(now=None):
    now = now or timezone.now()
    seconds = int(WINDOW.total_seconds())
    return now - datetime.timedelta(seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond)


def _address(request):
    return (client_ip(request) or "unknown")[:64]


def guesses_blocked(request, kind):
    """Has this address used up its wrong guesses of `kind` in the current window?"""
    return FailedGuess.objects.filter(
        address=_address(request), kind=kind, window_start=_window(), count__gte=GUESSES
    ).exists()


def guess_failed(request, kind):
    """Count a wrong token of `kind` from this address."""
    address, window = _address(request), _window()
    updated = FailedGuess.objects.filter(address=address, kind=kind, window_start=window).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                FailedGuess.objects.create(address=address, kind=kind, window_start=window, count=1)
        except IntegrityError:  # another request made it meanwhile
            FailedGuess.objects.filter(address=address, kind=kind, window_start=window).update(
                count=F("count") + 1
            )
    FailedGuess.objects.filter(window_start__lt=window - WINDOW).delete()


def too_many_guesses(request, kind):
    """The 429 answer for an address that guessed too often."""
    log_refused(request, f"too many wrong {kind} tokens from this address")
    window_end = _window() + WINDOW
    response = render(
        request,
        "429.html",
        {"minutes": max(1, round((window_end - timezone.now()).total_seconds() / 60))},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((window_end - timezone.now()).total_seconds())))
    return response

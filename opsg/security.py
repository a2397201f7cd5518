"""Security events: failed logins and refused accesses, logged to "minutes.security".

A password is never logged. What a visitor typed (a username, a path) is logged
with repr(), so that it cannot forge lines of its own in the log.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import get_user_model

# "minutes.security" is the documented log name (README, LOGGING in settings): kept as it is.
logger = logging.getLogger("minutes.security")

MAX_LOGGED = 150


def current_request():
    """The request being answered on this thread (kept by simple_history's middleware), or None."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind `PROXY_COUNT` reverse proxies, the address
    the outermost proxy saw (the PROXY_COUNT-th entry of X-Forwarded-For from the right).

    Entries further left were sent by the client and are never trusted. Also axes'
    `AXES_CLIENT_IP_CALLABLE`, so that login lockouts count per real client.
    """
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    return address


def axes_client_ip(request):
    """`AXES_CLIENT_IP_CALLABLE`: the client's address, None when unknown."""
    return client_ip(request) or None


def axes_username(request, credentials=None):
    """`AXES_USERNAME_CALLABLE`: the username tried, as axes finds it, cut to the 255 characters
    it stores (a longer one, which no account has, would fail to save), without NUL characters."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        username = credentials.get(field)
    elif request is not None:
        username = getattr(request, "data", request.POST).get(field)
    else:
        username = None
    return None if username is None else str(username).replace("\x00", "")[:255]


def remote_address(request):
    return client_ip(request)


def _who(user):
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def log_failed_login(sender, credentials, request=None, **kwargs):
    """Receiver of `user_login_failed`: the username tried and where from, never the password."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:MAX_LOGGED]
    address = remote_address(request)
    logger.warning(
        "Failed login for username %r from %s",
        username,
        address or "an unknown address",
        extra={"event": "login_failed", "username_tried": username, "remote_addr": address},
    )


def log_refused(request, reason, *, user=None):
    """Log an access refused (a 403, or a 404 hiding something): who, what, from where and why.

    `request` may be None where the refusal is decided without one (the access
    helpers); the current request is then found through the middleware.
    """
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    path = request.get_full_path()[:MAX_LOGGED] if request is not None else ""
    method = request.method if request is not None else ""
    address = remote_address(request)
    where = f" for {method} {path!r}" if request is not None else ""
    logger.warning(
        "Access refused to %s%s from %s: %s",
        _who(user),
        where,
        address or "an unknown address",
        reason,
        extra={
            "event": "access_refused",
            "user": _who(user),
            "path": path,
            "remote_addr": address,
            "reason": reason,
        },
    )


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """Receiver of axes' `user_locked_out`: a username and address refused after too many failures."""
    username = str(username or "")[:MAX_LOGGED]
    address = ip_address or remote_address(request)
    logger.warning(
        "Login locked out for username %r from %s after too many failed attempts",
        username,
        address or "an unknown address",
        extra={"event": "login_locked_out", "username_tried": username, "remote_addr": address},
    )

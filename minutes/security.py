"""Security events: failed logins and refused accesses, logged to "minutes.security".

A password is never logged. What a visitor typed (a username, a path) is logged
with repr(), so that it cannot forge lines of its own in the log.
"""

import logging

from django.contrib.auth import get_user_model

logger = logging.getLogger("minutes.security")

MAX_LOGGED = 150


def current_request():
    """The request being answered on this thread (kept by simple_history's middleware), or None."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def remote_address(request):
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


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

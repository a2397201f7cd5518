"""Session limits: a session ends `SESSION_ABSOLUTE_AGE` seconds after login whatever
the activity (12 hours), and a staff user's after `SESSION_STAFF_IDLE_AGE` seconds
without a request (30 minutes).

The login time is stored in the session at `user_logged_in`; the last activity of
staff users is stored by the middleware, at most once a minute (a session write).
An ended session is logged out and the user sent to the login page, which says why.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

# The documented security log name (opsg/security.py), not this module's path.
logger = logging.getLogger("minutes.security")

LOGIN_AT = "minutes_login_at"
LAST_ACTIVITY = "minutes_last_activity"
# The last activity is written again only when older than this (seconds): fewer session writes.
ACTIVITY_RESOLUTION = 60


def record_login(sender, request, user, **kwargs):
    """Receiver of `user_logged_in`: the session starts now."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[LOGIN_AT] = now
    session[LAST_ACTIVITY] = now


def _duration(seconds):
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class SessionLimitsMiddleware:
    """Log out sessions past their absolute age, and idle staff sessions (after MessageMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            ended = self.check(request, user)
            if ended is not None:
                return ended
        return self.get_response(request)

    def check(self, request, user):
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        if login_at is None:
            # A session from before these limits: it starts counting now.
            session[LOGIN_AT] = login_at = now
        absolute = settings.SESSION_ABSOLUTE_AGE
        if now - login_at >= absolute:
            return self.end(request, user, f"Your session ended after {_duration(absolute)}.", "absolute age")
        if user.is_staff:
            idle = settings.SESSION_STAFF_IDLE_AGE
            last = session.get(LAST_ACTIVITY, login_at)
            if now - last >= idle:
                return self.end(
                    request, user, f"Your session ended after {_duration(idle)} without activity.", "idle"
                )
            if now - last >= ACTIVITY_RESOLUTION or LAST_ACTIVITY not in session:
                session[LAST_ACTIVITY] = now
        return None

    def end(self, request, user, message, why):
        username = user.get_username()
        from opsg.security import client_ip

        logout(request)
        logger.info(
            "Session of %r from %s ended (%s)",
            username,
            client_ip(request) or "an unknown address",
            why,
            extra={"event": "session_ended", "user": username, "reason": why},
        )
        messages.info(request, f"{message} Please log in again.")
        # Back here after logging in, unless this was a form post (its data is gone).
        return redirect_to_login(request.get_full_path()) if request.method == "GET" else redirect("login")

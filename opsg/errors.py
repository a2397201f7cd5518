"""Error pages: when the database cannot be reached, a "try again in a moment" page (503) in the
site's layout, instead of the bare "Server Error (500)"; other errors keep Django's 500 page."""

import sys

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, InterfaceError, OperationalError
from django.shortcuts import render
from django.views.defaults import server_error

# A lost or refused connection; not a query the database refused (IntegrityError and the like).
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(error):
    return isinstance(error, UNAVAILABLE) or (
        isinstance(error, DatabaseError) and isinstance(error.__cause__, UNAVAILABLE)
    )


def server_error_or_unavailable(request, template_name="500.html"):
    """Django's handler500: the database being down answers 503 with Retry-After, rendered without
    touching the database (no user, no messages from the session)."""
    error = sys.exc_info()[1]
    if error is None or not database_unavailable(error):
        return server_error(request, template_name)
    response = render(
        request, "503.html", {"user": AnonymousUser(), "messages": [], "perms": None}, status=503
    )
    response["Retry-After"] = "30"
    return response

"""Pages without the action log's login: an owner's e-mailed link, and a user's calendar feed.

The owner link's token is the only credential (see actions/links.py); the feed's
secret token likewise. Both answer 403/404 with nothing recorded when the token
grants nothing. CSRF protection still applies to the owner link's form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from actions.calendar import calendar_feed_renew, user_calendar
from actions.forms.links import OwnerLinkUpdateForm
from actions.links import MAX_AGE, LinkRefused, absolute_url, read_owner_link_token
from actions.models import ActionRefused, CalendarFeed
from actions.services.owner_links import link_update_record
from minutes.editing import INVALID
from opsg.throttle import guess_failed, guesses_blocked, too_many_guesses

REFUSED = 403
# What wrong tokens are counted as (opsg/throttle.py).
OWNER_LINK, CALENDAR = "owner link", "calendar feed"
LATEST_UPDATES = 5


def _refused(request, reason):
    return render(request, "actions/links/owner_link_refused.html", {"reason": reason}, status=REFUSED)


@require_http_methods(["GET", "POST"])
def owner_link(request, slug, token):
    """An action's owner gives an update through the signed link they were e-mailed."""
    if guesses_blocked(request, OWNER_LINK):
        return too_many_guesses(request, OWNER_LINK)
    try:
        link = read_owner_link_token(token, slug=slug)
    except LinkRefused as refusal:
        guess_failed(request, OWNER_LINK)
        return _refused(request, str(refusal))
    action = link.action
    form = OwnerLinkUpdateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if action.is_closed:
            return _refused(request, f"{action.reference} is closed: no further updates can be given.")
        if form.is_valid():
            try:
                link_update_record(
                    link=link,
                    text=form.cleaned_data["text"],
                    propose_closure=form.cleaned_data["propose_closure"],
                )
            except ActionRefused as refusal:  # closed meanwhile
                return _refused(request, " ".join(refusal.messages))
            except ValidationError as error:
                form.add_error("text", error)
            else:
                messages.success(request, f"Thank you: your update on {action.reference} was recorded.")
                return redirect(request.path)
        status = INVALID
    updates = list(
        action.updates.select_related("status_label").order_by("-given_on", "-id")[:LATEST_UPDATES]
    )
    response = render(
        request,
        "actions/links/owner_link.html",
        {"link": link, "action": action, "form": form, "updates": updates, "valid_days": MAX_AGE.days},
        status=status,
    )
    # The token is a credential: keep it out of Referer headers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def calendar_feed(request, token):
    """A user's iCal feed; the secret token in the URL is the only credential."""
    if guesses_blocked(request, CALENDAR):
        return too_many_guesses(request, CALENDAR)
    # A NUL cannot be in a token, and PostgreSQL refuses it in a query.
    feed = (
        None if "\x00" in token else CalendarFeed.objects.select_related("user").filter(token=token).first()
    )
    if feed is None or not feed.user.is_active:
        guess_failed(request, CALENDAR)
        raise Http404("No such calendar.")
    response = HttpResponse(user_calendar(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="minutes-and-actions.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def calendar_settings(request):
    """The user's feed URL; create it, or revoke it by making a new one."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        calendar_feed_renew(user=request.user)
        if feed is None:
            messages.success(
                request, "Your calendar feed was created. Add its address to your calendar program."
            )
        else:
            messages.success(request, "The old address no longer works: use the new one below.")
        return redirect("actions:calendar-settings")
    url = absolute_url(reverse("actions:calendar", args=[feed.token])) if feed else None
    return render(request, "actions/calendar/calendar_settings.html", {"feed": feed, "feed_url": url})


urlpatterns = [
    path("actions/link/<str:slug>/<str:token>/", owner_link, name="owner-link"),
    path("calendar/", calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar"),
]

"""A user's private iCal feed: their committees' meetings and their actions' target dates.

The only import of icalendar. Every event links back to its page and has a UID
that does not change, so calendar programs update events instead of duplicating them.
"""

import datetime
import secrets
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.urls import reverse
from django.utils import timezone

from actions.links import absolute_url
from actions.models import Action, CalendarFeed
from minutes.models import Meeting

LONDON = ZoneInfo("Europe/London")


def calendar_feed_renew(*, user):
    """Give the user's feed a new secret token (creating the feed): the old URL stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token": token})
    return token


def feed_meetings(user):
    """Meetings of the committees the user has a role on, as far as they may open them
    (Meeting.objects.visible_to: a reader's feed holds published minutes only)."""
    return (
        Meeting.objects.visible_to(user)
        .filter(committee__memberships__user=user)
        .select_related("committee")
        .order_by("held_on", "pk")
    )


def feed_actions(user):
    """Open actions the user owns (as a person or through their organisation) and may see."""
    return (
        Action.objects.owned_by(user)
        .open()
        .filter(pk__in=Action.objects.visible_to(user).values("pk"))
        .select_related("committee")
        .prefetch_related("target_dates")
        .order_by("pk")
    )


def _uid(kind, pk):
    host = urlsplit(absolute_url("/")).hostname or "localhost"
    return f"{kind}-{pk}@{host}"


def meeting_event(meeting, stamp):
    event = icalendar.Event()
    event.add("uid", _uid("meeting", meeting.pk))
    event.add("dtstamp", stamp)
    event.add("summary", f"{meeting.reference} {meeting.committee.name} meeting")
    if meeting.start_time:
        start = datetime.datetime.combine(meeting.held_on, meeting.start_time, tzinfo=LONDON)
        event.add("dtstart", start)
        if meeting.end_time:
            event.add("dtend", datetime.datetime.combine(meeting.held_on, meeting.end_time, tzinfo=LONDON))
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + datetime.timedelta(days=1))
    if meeting.location:
        event.add("location", meeting.location)
    url = absolute_url(reverse("minutes:meeting-detail", args=[meeting.reference]))
    event.add("url", url)
    event.add("description", url)
    return event


def action_target_event(action, stamp):
    target_on = action.current_target_on
    event = icalendar.Event()
    event.add("uid", _uid("action-target", action.pk))
    event.add("dtstamp", stamp)
    event.add("summary", f"{action.reference} target date")
    event.add("dtstart", target_on)
    event.add("dtend", target_on + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    url = absolute_url(action.get_absolute_url())
    event.add("url", url)
    event.add("description", f"{action.text}\n\n{url}")
    return event


def user_calendar(user):
    """The user's feed as iCalendar bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Minutes & Actions//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Meetings and action target dates")
    stamp = timezone.now()
    for meeting in feed_meetings(user):
        calendar.add_component(meeting_event(meeting, stamp))
    for action in feed_actions(user):
        if action.current_target_on is not None:
            calendar.add_component(action_target_event(action, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""The committee settings page: its secretaries change the committee's conventions, with a preview."""

import copy
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from minutes.access import get_committee_for
from minutes.editing import INVALID
from minutes.forms.committees import CommitteeSettingsForm, SeatCategoryFormSet, StandardAgendaFormSet
from minutes.models import ATTENDANCE_COLUMNS, AgendaItem, Attendance, decision_wording, number_items
from minutes.services.committees import (
    CONVENTION_FIELDS,
    committee_configure,
    committee_set_seat_categories,
    committee_set_standard_agenda,
    committee_set_statuses,
    committee_statuses,
    next_references,
    standard_agenda,
)
from minutes.services.meetings import next_item_number

# What the preview prints a decision list with.
SAMPLE_DECISIONS = ("NOTED the report", "AGREED the plan", "REQUESTED an update at the next meeting")


def preview(committee, statuses):
    """How the committee's minutes would read with `committee`'s conventions and `statuses`
    (saved or not)."""
    verbs = committee.verbs or ["NOTED"]
    samples = []
    for i, text in enumerate(SAMPLE_DECISIONS):
        verb, rest = text.split(" ", 1)
        samples.append(SimpleNamespace(verb=verb if verb in verbs else verbs[i % len(verbs)], rest=rest))
    return {
        "references": next_references(committee),
        "single": decision_wording(committee.decision_name, samples[:1], committee.decision_list),
        "several": decision_wording(committee.decision_name, samples, committee.decision_list),
        "open_statuses": [label for label, is_open in statuses if is_open],
        "closed_statuses": [label for label, is_open in statuses if not is_open],
        "attendance_columns": [ATTENDANCE_COLUMNS.get(key, key) for key in committee.attendance_column_list],
        "attendance_grouped": committee.attendance_grouping == "seat_category",
    }


@require_http_methods(["GET", "POST"])
@login_required
def committee_settings(request, code):
    committee = get_committee_for(request.user, code, edit=True)
    # The form writes what was typed onto its instance: a copy, so that a refused save shows
    # the saved conventions nowhere but in the form.
    form = CommitteeSettingsForm(
        request.POST or None, instance=copy.copy(committee), statuses=committee_statuses(committee)
    )
    status, shown, statuses = 200, committee, committee_statuses(committee)
    if request.method == "POST":
        if not form.is_valid():
            status = INVALID
        elif "preview" in request.POST:
            shown, statuses = form.instance, form.statuses
        else:
            try:
                with transaction.atomic():
                    changed = committee_configure(
                        committee=committee, **{name: form.cleaned_data[name] for name in CONVENTION_FIELDS}
                    )
                    changed += committee_set_statuses(committee=committee, statuses=form.statuses)
            except ValidationError as error:
                errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                for field, messages_ in errors.items():
                    form.add_error("open_statuses" if field == "statuses" else field, messages_)
                status = INVALID
            else:
                messages.success(
                    request,
                    f"The settings of {committee.code} are saved." if changed else "Nothing was changed.",
                )
                return redirect("minutes:committee-settings", committee.code)
    return render(
        request,
        "minutes/committee_settings.html",
        {
            "committee": committee,
            "form": form,
            "preview": preview(shown, statuses),
            "previewing": shown is not committee,
        },
        status=status,
    )


def agenda_preview(committee, entries):
    """The items a new meeting of `committee` would start with from the standard agenda `entries`
    (saved or not), numbered as its minutes number them."""
    items = []
    for (title, kind, text), children in entries:
        parent = AgendaItem(pk=len(items) + 1, title=title, kind=kind, minutes_text=text)
        items.append(parent)
        for child_title, child_kind, child_text in children:
            items.append(
                AgendaItem(
                    pk=len(items) + 1,
                    parent_id=parent.pk,
                    title=child_title,
                    kind=child_kind,
                    minutes_text=child_text,
                )
            )
    start = next_item_number(committee) if committee.numbers_items_continuously else 1
    return number_items(items, start=start)


def _refused(formset, error):
    """Show what the service refused above the rows (it checks again what the form checked)."""
    formset.non_form_errors().extend(error.messages)
    return INVALID


@require_http_methods(["GET", "POST"])
@login_required
def committee_agenda(request, code):
    """The standard agenda each new meeting starts from: items, sub-items, headings, default text."""
    committee = get_committee_for(request.user, code, edit=True)
    saved = standard_agenda(committee)
    initial = []
    for (title, kind, text), children in saved:
        initial.append({"title": title, "kind": kind, "text": text})
        initial += [{"title": t, "kind": k, "text": x, "sub_item": True} for t, k, x in children]
    formset = StandardAgendaFormSet(request.POST or None, initial=initial, prefix="agenda")
    status, shown = 200, saved
    if request.method == "POST":
        if not formset.is_valid():
            status = INVALID
        elif "preview" in request.POST:
            shown = formset.entries
        else:
            try:
                changed = committee_set_standard_agenda(committee=committee, entries=formset.entries)
            except ValidationError as error:
                status = _refused(formset, error)
            else:
                messages.success(
                    request,
                    f"The standard agenda of {committee.code} is saved: new meetings start from it."
                    if changed
                    else "Nothing was changed.",
                )
                return redirect("minutes:committee-agenda", committee.code)
    return render(
        request,
        "minutes/committee_agenda.html",
        {
            "committee": committee,
            "formset": formset,
            "preview": agenda_preview(committee, shown),
            "previewing": shown is not saved,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def committee_seat_categories(request, code):
    """The seat categories attendance lists are grouped in: renamed, ordered, added, removed."""
    committee = get_committee_for(request.user, code, edit=True)
    categories = list(committee.seat_categories.all())
    used = dict(
        Attendance.objects.filter(seat_category__committee=committee)
        .values("seat_category")
        .annotate(meetings=Count("meeting", distinct=True))
        .values_list("seat_category", "meetings")
    )
    formset = SeatCategoryFormSet(
        request.POST or None,
        initial=[{"category": category.pk, "name": category.name} for category in categories],
        used=used,
        prefix="seats",
    )
    status = 200
    if request.method == "POST":
        if not formset.is_valid():
            status = INVALID
        else:
            try:
                changed = committee_set_seat_categories(committee=committee, categories=formset.categories)
            except ValidationError as error:
                status = _refused(formset, error)
            else:
                messages.success(
                    request,
                    f"The seat categories of {committee.code} are saved."
                    if changed
                    else "Nothing was changed.",
                )
                return redirect("minutes:committee-seat-categories", committee.code)
    for form in formset.forms:
        form.meetings = used.get(form.initial.get("category"), 0)
    return render(
        request,
        "minutes/committee_seat_categories.html",
        {"committee": committee, "formset": formset},
        status=status,
    )


urlpatterns = [
    path("committees/<str:code>/settings/", committee_settings, name="committee-settings"),
    path("committees/<str:code>/settings/agenda/", committee_agenda, name="committee-agenda"),
    path(
        "committees/<str:code>/settings/seat-categories/",
        committee_seat_categories,
        name="committee-seat-categories",
    ),
]

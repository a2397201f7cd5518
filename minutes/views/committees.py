"""The committee settings page: its secretaries change the committee's conventions, with a preview."""

import copy
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from minutes.access import get_committee_for
from minutes.editing import INVALID
from minutes.forms.committees import CommitteeSettingsForm
from minutes.models import ATTENDANCE_COLUMNS, decision_wording
from minutes.services.committees import (
    CONVENTION_FIELDS,
    committee_configure,
    committee_set_statuses,
    committee_statuses,
    next_references,
)

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


urlpatterns = [
    path("committees/<str:code>/settings/", committee_settings, name="committee-settings"),
]

"""The committee settings page: its secretaries change the committee's conventions, with a preview."""

import copy
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from minutes.access import get_committee_for
from minutes.editing import INVALID
from minutes.forms.committees import CommitteeSettingsForm
from minutes.models import decision_wording
from minutes.services.committees import CONVENTION_FIELDS, committee_configure, next_references

# What the preview prints a decision list with.
SAMPLE_DECISIONS = ("NOTED the report", "AGREED the plan", "REQUESTED an update at the next meeting")


def preview(committee):
    """How the committee's minutes would read with `committee`'s conventions (saved or not)."""
    verbs = committee.verbs or ["NOTED"]
    samples = []
    for i, text in enumerate(SAMPLE_DECISIONS):
        verb, rest = text.split(" ", 1)
        samples.append(SimpleNamespace(verb=verb if verb in verbs else verbs[i % len(verbs)], rest=rest))
    return {
        "references": next_references(committee),
        "single": decision_wording(committee.decision_name, samples[:1], committee.decision_list),
        "several": decision_wording(committee.decision_name, samples, committee.decision_list),
    }


@require_http_methods(["GET", "POST"])
@login_required
def committee_settings(request, code):
    committee = get_committee_for(request.user, code, edit=True)
    # The form writes what was typed onto its instance: a copy, so that a refused save shows
    # the saved conventions nowhere but in the form.
    form = CommitteeSettingsForm(request.POST or None, instance=copy.copy(committee))
    status, shown = 200, committee
    if request.method == "POST":
        if not form.is_valid():
            status = INVALID
        elif "preview" in request.POST:
            shown = form.instance
        else:
            try:
                changed = committee_configure(
                    committee=committee, **{name: form.cleaned_data[name] for name in CONVENTION_FIELDS}
                )
            except ValidationError as error:
                form.add_error(None, error)
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
            "preview": preview(shown),
            "previewing": shown is not committee,
        },
        status=status,
    )


urlpatterns = [
    path("committees/<str:code>/settings/", committee_settings, name="committee-settings"),
]

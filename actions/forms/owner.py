"""Forms of the action page: owners' updates and proposals, the secretary's decisions.

They check what was typed; the rules about the action's state live in
actions/services_owner.py.
"""

from django import forms
from django.utils import timezone

from actions.models import UPDATE_MAX_LENGTH
from minutes.forms import DATE

TOO_LONG = f"Keep it under {UPDATE_MAX_LENGTH} characters."


def _text(label, required_message, *, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=UPDATE_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required_message, "max_length": TOO_LONG},
    )


class UpdateForm(forms.Form):
    """A progress update given between meetings."""

    text = _text(
        "Update", "Write the update before posting it.", help_text="What has happened since the last update."
    )
    given_on = forms.DateField(
        label="Date of the update",
        required=False,
        widget=DATE,
        help_text="Leave empty for today.",
        error_messages={"invalid": "Give a date such as 2021-09-27."},
    )

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on and given_on > timezone.localdate():
            raise forms.ValidationError(
                "An update cannot be dated in the future: give today or an earlier date."
            )
        return given_on


class ClosureProposalForm(forms.Form):
    """An owner proposes that the action be closed."""

    note = _text(
        "Why the action can be closed",
        "Say why the action can be closed, so that the secretary can confirm it.",
    )


class TargetDateProposalForm(forms.Form):
    """An owner asks for a revised target date."""

    proposed_target_on = forms.DateField(
        label="Revised target date",
        widget=DATE,
        error_messages={
            "required": "Give the revised target date you ask for.",
            "invalid": "Give a date such as 2021-09-27.",
        },
    )
    note = _text(
        "Reason for the new date", "Give a reason for the new date, so that the secretary can decide."
    )

    def clean_proposed_target_on(self):
        target_on = self.cleaned_data["proposed_target_on"]
        if target_on < timezone.localdate():
            raise forms.ValidationError("A revised target date cannot be in the past: give a later date.")
        return target_on


class ReopenForm(forms.Form):
    """The secretary reopens a closed action."""

    text = _text("Why the action is reopened", "Say why the action is reopened, e.g. the fix did not work.")


class DecisionForm(forms.Form):
    """The secretary accepts or declines a proposal (the button pressed says which)."""

    RETURN_TO = [("action", "The action page"), ("proposals", "The proposals list")]

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Press Accept or Decline.",
            "invalid_choice": "Press Accept or Decline.",
        },
    )
    note = _text("Note on the decision", "", required=False, help_text="Optional; the owner sees it.")
    return_to = forms.ChoiceField(choices=RETURN_TO, required=False, widget=forms.HiddenInput)

    @property
    def is_accept(self):
        return self.cleaned_data["decision"] == "accept"

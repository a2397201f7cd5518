from django import forms
from django.core.exceptions import ValidationError

from actions.models import EDIT_FIELDS, Action, meeting_update_token, status_choices
from minutes.forms import DATE, EditTokenForm
from minutes.models import ActionStatus

OWNERS_REQUIRED = "Choose at least one owner: an organisation or a person."


class ActionForm(EditTokenForm):
    """An action's text, owners (organisations and people) and target date: to raise or edit it.

    The owners arrive as values such as "org-3" and "person-7" from one list with
    an "Organisations" and a "People" group. The templates draw the fields
    themselves, so the same markup serves the page (no form object) and a form
    sent back with its errors; `selected_*` and `*_value` give them what to show.
    """

    token_fields = EDIT_FIELDS

    owners = forms.MultipleChoiceField(
        label="Owners", help_text="Hold Ctrl to choose several", error_messages={"required": OWNERS_REQUIRED}
    )
    target_on = forms.DateField(label="Target date", required=False, widget=DATE)

    class Meta:
        model = Action
        fields = ["text"]
        labels = {"text": "Action text"}
        help_texts = {"text": "e.g. ‘The DCC to provide …’"}
        error_messages = {"text": {"required": "Write what is to be done, e.g. ‘The DCC to provide …’."}}

    def __init__(self, *args, organisations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations, self.people = list(organisations), list(people)
        self._owners = {f"org-{o.pk}": o for o in self.organisations}
        self._owners |= {f"person-{p.pk}": p for p in self.people}
        self.fields["owners"].choices = [
            ("Organisations", [(f"org-{o.pk}", o.name) for o in self.organisations]),
            ("People", [(f"person-{p.pk}", p.name) for p in self.people]),
        ]
        if self.instance.pk is not None:
            self.fields["owners"].initial = self.instance.owner_values
            self.fields["target_on"].initial = self.instance.current_target_on

    def rebase_kwargs(self):
        return {"organisations": self.organisations, "people": self.people}

    def clean_owners(self):
        return [self._owners[value] for value in self.cleaned_data["owners"]]

    def clean_target_on(self):
        target_on = self.cleaned_data["target_on"]
        if target_on is None and self.instance.pk is not None and self.instance.current_target_on:
            raise ValidationError(
                "A target date can be changed but not removed: give the date now in force or a new one."
            )
        return target_on

    def save_checked(self, *, meeting=None, by=None):
        """Save the edit unless someone changed the action meanwhile (EditConflict)."""
        data = self.cleaned_data
        self.instance = self.instance.edit(
            text=data["text"],
            owners=data["owners"],
            target_on=data["target_on"],
            based_on=data["token"],
            meeting=meeting,
            by=by,
        )
        return self.instance

    # What the templates show in the fields.

    def _shown(self, name):
        return self[name].value()

    @property
    def text_value(self):
        return self._shown("text") or ""

    @property
    def target_on_value(self):
        value = self._shown("target_on")
        return value.isoformat() if hasattr(value, "isoformat") else value or ""

    @property
    def selected_owners(self):
        return set(self._shown("owners") or [])


class MeetingUpdateForm(forms.Form):
    """The update given on an outstanding action at a meeting, and the status it left with."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the update given at the meeting, e.g. ‘The DCC noted that …’."},
    )
    revised_target_on = forms.DateField(label="Revised target date", required=False, widget=DATE)
    status = forms.ChoiceField(label="Status after this meeting")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["text"].label = f"Update given at {meeting.reference}"
        self.fields["status"].choices = status_choices(meeting.committee)
        self.fields["status"].error_messages["invalid_choice"] = "Choose one of the committee's statuses."

    def clean_status(self):
        """(status, label): a status of the workflow, or one of the committee's own."""
        value = self.cleaned_data["status"]
        if value.startswith("status-"):
            return None, ActionStatus.objects.get(pk=int(value.removeprefix("status-")))
        return value, None

    def rebase(self, current):
        """After a conflict: keep what the user typed, based on the update as it is now."""
        data = self.data.copy()
        data[self.add_prefix("token")] = meeting_update_token(current)
        rebased = type(self)(data, prefix=self.prefix, meeting=self.meeting)
        rebased.is_valid()
        return rebased

"""The committee settings page: the conventions its secretaries may change."""

from django import forms

from minutes.models import Committee
from minutes.services.committees import CONVENTION_FIELDS


class CommitteeSettingsForm(forms.ModelForm):
    """How the committee's minutes read: decisions' lead-in, verbs and lists; action references."""

    class Meta:
        model = Committee
        fields = list(CONVENTION_FIELDS)
        labels = {
            "name": "Committee name",
            "decision_name": "Lead-in of decisions",
            "decision_verbs": "Decision verbs",
            "decision_list": "Several decisions on an item print as",
            "action_reference": "Action references",
            "action_numbering": "Action numbers",
        }
        help_texts = {
            "decision_name": "How decisions name the committee, e.g. “The OPSG” or “The Board”.",
            "decision_verbs": "One per line, in the order the drafting page offers them.",
        }
        error_messages = {
            "name": {"required": "Give the committee's name, e.g. Operations Group."},
            "decision_name": {"required": "Give the lead-in, e.g. “The OPSG”."},
            "decision_verbs": {"required": "Give at least one verb, e.g. AGREED."},
            "action_reference": {"required": "Give a pattern, e.g. {code} {meeting}/{n:02}."},
        }
        widgets = {
            "decision_verbs": forms.Textarea(attrs={"rows": 5}),
            "decision_list": forms.RadioSelect,
            "action_numbering": forms.RadioSelect,
        }

    def clean_decision_verbs(self):
        # One a line, without blank lines; the committee checks them (Committee.clean).
        lines = self.cleaned_data["decision_verbs"].splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())

    def clean_decision_name(self):
        name = self.cleaned_data["decision_name"].strip()
        if not name:
            raise forms.ValidationError("Give the lead-in, e.g. “The OPSG”.")
        return name

import re

from django import forms
from django.core.exceptions import ValidationError

from minutes.forms import EditTokenForm
from minutes.models import Decision, Footnote

DECISION_TEXT_HELP = (
    "Type what follows the verb, e.g. “that the Draft Minutes from OPSG_53 will be published as final”."
)
ANCHOR_HELP = (
    "The mark goes after these words in the item's text, or at the end of the text if they do not appear."
)


class DecisionForm(EditTokenForm):
    """A decision's verb, from the committee's list, and the text that follows it.

    The text is kept without the verb and without the closing full stop: both are
    added when the decisions of an item are printed together.
    """

    token_fields = ("verb", "text")
    verb = forms.ChoiceField(label="Verb")

    class Meta:
        model = Decision
        fields = ["verb", "text"]
        labels = {"text": "Decision text"}
        help_texts = {"text": DECISION_TEXT_HELP}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, verbs, decision_name="", approvable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if approvable is not None and self.instance.pk is None:
            # On a Previous Meeting Minutes item: the decision may approve earlier minutes.
            self.fields["approves_minutes_of"] = forms.ModelChoiceField(
                queryset=approvable,
                required=False,
                label="Approves the draft minutes of",
                error_messages={
                    "invalid_choice": "Choose circulated minutes of an earlier meeting of this committee."
                },
            )
        self.approvable = approvable
        self.verbs = list(verbs)
        self.decision_name = decision_name
        self.fields["verb"].choices = [(verb, verb) for verb in self.verbs]
        self.fields["verb"].error_messages["invalid_choice"] = (
            "Choose one of the committee's verbs: " + ", ".join(self.verbs) + "."
        )
        self.fields["verb"].error_messages["required"] = "Choose the verb of the decision."
        self.fields["text"].error_messages["required"] = "Type the text of the decision, after the verb."

    def rebase_kwargs(self):
        return {
            "verbs": self.verbs,
            "decision_name": self.decision_name,
            "approvable": self.approvable,
            "auto_id": self.auto_id,
        }

    def clean_verb(self):
        return self.cleaned_data["verb"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        verb, text = cleaned.get("verb"), cleaned.get("text")
        if text is None:
            return cleaned
        text = " ".join(text.split())
        # Pasted whole ("The OPSG AGREED that …"): keep what follows the verb.
        if self.decision_name and text.lower().startswith(self.decision_name.lower() + " "):
            text = text[len(self.decision_name) :].lstrip(" :")
        first = text.split(" ", 1)[0].rstrip(":")
        if verb and first.upper() == verb:
            text = text[len(first) :].lstrip(" :")
        elif verb and first in self.verbs:
            self.add_error(
                "text",
                f"The text starts with the verb {first} but the verb chosen is {verb}: "
                f"choose {first} as the verb, or take the word out of the text.",
            )
            return cleaned
        text = re.sub(r"(\s*;\s*and|[\s.;])+$", "", text)
        if not text:
            self.add_error("text", "Type the text of the decision, after the verb.")
            return cleaned
        cleaned["text"] = text
        return cleaned


class FootnoteForm(EditTokenForm):
    """A footnote's text and the words of the item's text its mark follows."""

    token_fields = ("anchor_text", "occurrence", "text")

    class Meta:
        model = Footnote
        fields = ["anchor_text", "occurrence", "text"]
        labels = {
            "anchor_text": "Anchor words in the text",
            "occurrence": "Which time they appear",
            "text": "Footnote text",
        }
        help_texts = {"anchor_text": ANCHOR_HELP}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anchor_text"].error_messages["required"] = "Type the words of the text the mark follows."
        self.fields["text"].error_messages["required"] = "Type the text of the footnote."
        self.fields["occurrence"] = forms.IntegerField(
            label="Which time they appear",
            help_text="1 for the first time, 2 for the second, …",
            required=False,
            min_value=1,
            max_value=99,
            error_messages={
                "invalid": "Give a number: 1 for the first time the words appear, 2 for the second, …",
                "min_value": "Give 1 for the first time the words appear, 2 for the second, …",
                "max_value": "Give a number up to 99.",
            },
        )

    def rebase_kwargs(self):
        return {"auto_id": self.auto_id}

    def clean_anchor_text(self):
        anchor = " ".join(self.cleaned_data["anchor_text"].split())
        if not anchor:
            raise ValidationError("Type the words of the text the mark follows.")
        return anchor

    def clean_occurrence(self):
        return self.cleaned_data["occurrence"] or 1

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Type the text of the footnote.")
        return text

import copy
import html
import re

from django import forms
from django.core.exceptions import ValidationError

from minutes.access import committees_drafted_by
from minutes.models import AgendaItem, Meeting
from minutes.sanitize import clean_minutes_html

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EditTokenForm(forms.ModelForm):
    """A model form that refuses to overwrite changes made since it was loaded.

    `token_fields` are the fields the form edits; the hidden `token` is the
    digest of their values when the form was shown (see EditableMixin).
    """

    token = forms.CharField(widget=forms.HiddenInput)
    token_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["token"].initial = self.instance.edit_token(self.token_fields)
        else:
            self.fields["token"].required = False

    def save_checked(self):
        """Save if nobody changed these fields meanwhile; raises EditConflict otherwise."""
        instance = self.instance
        instance.save_if_unchanged(
            self.token_fields, based_on=self.cleaned_data["token"], save_m2m=self._save_m2m
        )
        return instance

    def rebase(self, current):
        """After a conflict: keep what the user typed, but base it on `current`.

        Saving this form again then deliberately replaces the other version.
        """
        data = self.data.copy()
        data[self.add_prefix("token")] = current.edit_token(self.token_fields)
        # A copy: validating the form writes the user's values onto its instance,
        # and `current` still has to show the other version.
        rebased = type(self)(data, instance=copy.copy(current), prefix=self.prefix, **self.rebase_kwargs())
        rebased.is_valid()
        return rebased

    def rebase_kwargs(self):
        return {}


BULLET = re.compile(r"^[-*•]\s+")


def _plain_text_to_html(text):
    """Turn text typed without the editor (no JavaScript) into paragraphs and bullets."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    parts = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{html.escape(BULLET.sub('', line))}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{'<br>'.join(html.escape(line) for line in lines)}</p>")
    return "".join(parts)


class ItemTextForm(EditTokenForm):
    token_fields = ("minutes_text",)

    class Meta:
        model = AgendaItem
        fields = ["minutes_text"]
        labels = {"minutes_text": "Minutes text"}
        help_texts = {
            "minutes_text": "Separate paragraphs with a blank line; lines starting with “- ” become bullets."
        }
        widgets = {"minutes_text": forms.Textarea(attrs={"rows": 6})}

    def clean_minutes_text(self):
        text = self.cleaned_data["minutes_text"] or ""
        if text.strip() and "<" not in text:
            text = _plain_text_to_html(text)
        return clean_minutes_html(text)


class ItemForm(EditTokenForm):
    """An item's title and whether it was deferred."""

    token_fields = ("title", "is_deferred", "deferred_note")

    class Meta:
        model = AgendaItem
        fields = ["title", "is_deferred", "deferred_note"]
        labels = {"is_deferred": "This item was deferred", "deferred_note": "Deferred until"}
        help_texts = {"deferred_note": "Optional, e.g. “the SSC has considered the DCC proposal”."}
        error_messages = {"title": {"required": "Give the item a title."}}

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the item a title.")
        return title


class ItemAddForm(forms.Form):
    title = forms.CharField(
        max_length=300, label="Title of the new item", error_messages={"required": "Give the item a title."}
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the item a title.")
        return title


class MeetingDetailsForm(EditTokenForm):
    token_fields = (
        "kind",
        "held_on",
        "start_time",
        "end_time",
        "location",
        "next_main_meeting_on",
        "next_reporting_meeting_on",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "held_on",
            "start_time",
            "end_time",
            "location",
            "next_main_meeting_on",
            "next_reporting_meeting_on",
        ]
        widgets = {
            "held_on": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "next_main_meeting_on": DATE,
            "next_reporting_meeting_on": DATE,
        }
        labels = {"start_time": "Starts at", "end_time": "Ends at"}


class MeetingCreateForm(forms.ModelForm):
    copy_attendance = forms.BooleanField(
        required=False,
        initial=True,
        label="Start from the attendance list of the previous meeting",
    )

    class Meta:
        model = Meeting
        fields = ["committee", "number", "kind", "held_on", "start_time", "end_time", "location"]
        widgets = {"held_on": DATE, "start_time": TIME, "end_time": TIME}
        labels = {"start_time": "Starts at", "end_time": "Ends at"}
        help_texts = {"number": "Suggested: the committee's last meeting number plus one."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees_drafted_by(user)
        self.fields["committee"].empty_label = None

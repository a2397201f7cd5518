import copy
import html
import re

from django import forms
from django.core.exceptions import ValidationError

from minutes.access import committees_drafted_by
from minutes.models import AgendaItem, ItemKind, Meeting
from minutes.sanitize import clean_minutes_html, minutes_text_problem

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
        text = clean_minutes_html(text)
        problem = minutes_text_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text


class ItemForm(EditTokenForm):
    """An item's title, the paper it considers, whether it is a heading, and whether it was deferred."""

    token_fields = ("title", "kind", "paper_reference", "is_deferred", "deferred_note")
    is_heading = forms.BooleanField(
        label="A heading (no number)",
        required=False,
        help_text="Groups the items after it, e.g. “Open Session”, “Confidential Session”.",
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "paper_reference", "is_deferred", "deferred_note"]
        labels = {
            "paper_reference": "Paper reference",
            "is_deferred": "This item was deferred",
            "deferred_note": "Deferred until",
        }
        help_texts = {
            "paper_reference": "Optional, e.g. OPSG_55_03.",
            "deferred_note": "Optional, e.g. “the SSC has considered the DCC proposal”.",
        }
        error_messages = {"title": {"required": "Give the item a title."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["title", "paper_reference", "is_heading", "is_deferred", "deferred_note"])
        self.fields["is_heading"].initial = self.instance.is_heading
        if self.instance.kind not in (ItemKind.ITEM, ItemKind.HEADING):
            # Previous minutes, Actions Outstanding, Apologies: what they are stays.
            del self.fields["is_heading"]

    def clean(self):
        cleaned = super().clean()
        if "is_heading" in self.fields:
            # Checked by the item itself (AgendaItem.clean) once the form has set it.
            self.instance.kind = ItemKind.HEADING if cleaned.get("is_heading") else ItemKind.ITEM
        return cleaned

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
        "first_item_number",
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
            "first_item_number",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_item_number"].required = False
        self.fields["first_item_number"].min_value = 1

    def clean_first_item_number(self):
        # Left empty: as it is.
        number = self.cleaned_data["first_item_number"]
        if number is not None and number < 1:
            raise ValidationError("Items are numbered from 1 or more.")
        return number or self.instance.first_item_number


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

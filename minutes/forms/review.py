"""Forms of the review page: a comment (or a reply) on an item, and a reviewer's verdict."""

from django import forms

from minutes.models import ReviewVerdict
from minutes.services.review import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    """A comment on an item, or a reply (with `parent`) to a comment on it."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    item_key = forms.CharField(max_length=40, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Write your comment before sending it.",
            "max_length": f"Keep it under {COMMENT_MAX_LENGTH} characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("parent"):
            self.fields["text"].error_messages["required"] = "Write your reply before sending it."


class VerdictForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        choices=ReviewVerdict.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Approve or Request changes."},
    )
    note = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea)

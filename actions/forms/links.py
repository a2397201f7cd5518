"""The form of an owner's e-mailed link: an update, and whether to propose closure."""

from django import forms


class OwnerLinkUpdateForm(forms.Form):
    text = forms.CharField(
        label="Your update",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Write your update on the action, e.g. what was done and what is next."},
    )
    propose_closure = forms.BooleanField(
        label="Propose closure",
        required=False,
        help_text="The secretary decides whether the action is closed.",
    )

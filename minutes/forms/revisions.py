"""The form that picks two revisions to compare."""

from django import forms


class CompareForm(forms.Form):
    """Which two revisions to compare."""

    from_revision = forms.TypedChoiceField(label="From revision", coerce=int)
    to_revision = forms.TypedChoiceField(label="To revision", coerce=int)

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (revision.number, f"Revision {revision.number} ({revision.created_at:%d/%m/%Y})")
            for revision in revisions
        ]
        for name in ("from_revision", "to_revision"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["required"] = "Choose a revision."
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the listed revisions."
        if len(revisions) >= 2:
            self.initial.setdefault("from_revision", revisions[-2].number)
            self.initial.setdefault("to_revision", revisions[-1].number)

    def clean(self):
        data = super().clean()
        if data.get("from_revision") is not None and data.get("from_revision") == data.get("to_revision"):
            self.add_error("to_revision", "Choose a different revision from the one you compare it with.")
        return data

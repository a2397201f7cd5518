"""The committee settings page: the conventions its secretaries may change."""

from django import forms

from minutes.models import ATTENDANCE_COLUMNS, Committee
from minutes.services.committees import CONVENTION_FIELDS


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CommitteeSettingsForm(forms.ModelForm):
    """How the committee's minutes read: decisions' lead-in, verbs and lists; action references and
    statuses."""

    open_statuses = forms.CharField(
        label="Open statuses",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, e.g. Open, Carried Forward, On Hold: carried into the next meeting's "
        "Actions Outstanding.",
        error_messages={"required": "Give at least one open status, e.g. Open."},
    )
    closed_statuses = forms.CharField(
        label="Closed statuses",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One a line, e.g. Closed, Superseded: the action ends.",
        error_messages={"required": "Give at least one closed status, e.g. Closed."},
    )

    attendance_columns = forms.MultipleChoiceField(
        label="Columns of the attendance tables",
        choices=list(ATTENDANCE_COLUMNS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Category and Name grouped by seat category is the classic layout: the names of "
        "each category listed together.",
        error_messages={"required": "Choose the columns to print, Name among them."},
    )

    class Meta:
        model = Committee
        fields = list(CONVENTION_FIELDS)
        labels = {
            "name": "Committee name",
            "decision_name": "Lead-in of decisions",
            "decision_verbs": "Decision verbs",
            "decision_list": "Several decisions on an item print as",
            "item_numbering": "Item numbers",
            "print_paper_references": "Print paper references after item titles",
            "action_reference": "Action references",
            "action_numbering": "Action numbers",
            "attendance_grouping": "Attendance tables",
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
            "item_numbering": forms.RadioSelect,
            "action_numbering": forms.RadioSelect,
            "attendance_grouping": forms.RadioSelect,
        }

    def clean_decision_verbs(self):
        # One a line, without blank lines; the committee checks them (Committee.clean).
        lines = self.cleaned_data["decision_verbs"].splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["open_statuses"].initial = "\n".join(label for label, is_open in statuses if is_open)
        self.fields["closed_statuses"].initial = "\n".join(
            label for label, is_open in statuses if not is_open
        )
        self.initial["attendance_columns"] = self.instance.attendance_column_list
        self.order_fields([*self.Meta.fields, "open_statuses", "closed_statuses"])

    def clean_attendance_columns(self):
        """The columns ticked, as the committee stores them: in the order it prints them now, new
        ones where the list of columns puts them."""
        chosen = self.cleaned_data["attendance_columns"]
        if "name" not in chosen:
            raise forms.ValidationError("Name is always printed: tick it too.")
        current = [column for column in self.instance.attendance_column_list if column in chosen]
        order = current + [column for column in ATTENDANCE_COLUMNS if column not in current]
        return ",".join(column for column in order if column in chosen)

    @property
    def statuses(self):
        """The statuses typed, as [(label, is_open)]: the open ones first, in the order typed."""
        data = self.cleaned_data
        return [(label, True) for label in _lines(data["open_statuses"])] + [
            (label, False) for label in _lines(data["closed_statuses"])
        ]

    def clean_decision_name(self):
        name = self.cleaned_data["decision_name"].strip()
        if not name:
            raise forms.ValidationError("Give the lead-in, e.g. “The OPSG”.")
        return name

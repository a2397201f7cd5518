"""The committee settings page: the conventions its secretaries may change."""

from django import forms

from minutes.models import ATTENDANCE_COLUMNS, Committee, ItemKind
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


class RowsFormSet(forms.BaseFormSet):
    """Rows kept in the order of their positions; a row ticked Remove goes on saving."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Position"
        form.fields["ORDER"].widget.attrs.update({"min": 1, "class": "form-control position-input"})
        form.fields["DELETE"].label = "Remove"

    def rows_valid(self):
        """While cleaning: whether the rows kept (not ticked Remove) and the management form are valid."""
        if self.non_form_errors():  # the management form was tampered with
            return False
        return not any(form.errors for form in self.forms if not self._should_delete_form(form))


class SeatCategoryRow(forms.Form):
    """One seat category on the seat categories page: renamed, moved, removed or added."""

    category = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Give the seat category a name, or tick Remove."},
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class BaseSeatCategoryFormSet(RowsFormSet):
    """The committee's seat categories in order; a category that attendance lists use cannot go.

    `used` maps the pk of each category in use to how many meetings list people in it.
    """

    def __init__(self, *args, used=None, **kwargs):
        self.used = used or {}
        super().__init__(*args, **kwargs)

    def clean(self):
        if not self.rows_valid():
            return
        kept, removed = self.ordered_forms, self.deleted_forms
        seen = {}
        for form in kept:
            name = form.cleaned_data["name"]
            if name.lower() in seen:
                form.add_error("name", f"“{name}” is listed twice: each seat category once, please.")
            seen[name.lower()] = form
        refused = []
        for form in removed:
            meetings = self.used.get(form.cleaned_data.get("category"))
            if meetings:
                message = (
                    f"“{form.initial.get('name')}” lists people at {meetings} meeting"
                    f"{'' if meetings == 1 else 's'}: it cannot be removed. Rename it instead."
                )
                # Beside the row, and for the formset: a removed row's own errors do not count.
                form.add_error("DELETE", message)
                refused.append(message)
        if refused:
            raise forms.ValidationError(refused)
        if not kept:
            raise forms.ValidationError(
                "Keep at least one seat category: attendance lists are grouped in them."
            )

    @property
    def categories(self):
        """The categories as typed, in order: [(pk or None, name)]."""
        return [(form.cleaned_data.get("category"), form.cleaned_data["name"]) for form in self.ordered_forms]


SeatCategoryFormSet = forms.formset_factory(
    SeatCategoryRow, formset=BaseSeatCategoryFormSet, extra=2, can_order=True, can_delete=True
)


class StandardAgendaRow(forms.Form):
    """One item of the standard agenda: its title, kind, level and default text."""

    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Give the item a title, or tick Remove."},
    )
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices, initial=ItemKind.ITEM)
    sub_item = forms.BooleanField(label="Sub-item of the item above", required=False)
    text = forms.CharField(
        label="Default text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The item's minutes start with it, e.g. “The Chair welcomed members.”",
    )

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class BaseStandardAgendaFormSet(RowsFormSet):
    """The standard agenda as rows in order; a sub-item stands under the item above it."""

    def clean(self):
        if not self.rows_valid():
            return
        parent = None
        for form in self.ordered_forms:
            title, kind, sub_item = (form.cleaned_data[name] for name in ("title", "kind", "sub_item"))
            if not sub_item:
                parent = (title, kind)
            elif kind == ItemKind.HEADING:
                form.add_error("kind", "A heading stands at the top level: untick Sub-item.")
            elif parent is None:
                form.add_error(
                    "sub_item", "A sub-item follows an item to stand under: move it or untick Sub-item."
                )
            elif parent[1] == ItemKind.HEADING:
                form.add_error(
                    "sub_item",
                    f"“{parent[0]}” is a heading: the items after it stand under it already. Untick Sub-item.",
                )

    @property
    def entries(self):
        """The agenda as typed, as committee_set_standard_agenda takes it."""
        entries = []
        for form in self.ordered_forms:
            data = form.cleaned_data
            row = (data["title"], data["kind"], data["text"])
            if data["sub_item"] and entries:
                entries[-1][1].append(row)
            else:
                entries.append((row, []))
        return entries


StandardAgendaFormSet = forms.formset_factory(
    StandardAgendaRow, formset=BaseStandardAgendaFormSet, extra=3, can_order=True, can_delete=True
)

"""Forms of the attendance list on the drafting page: they validate, the services act."""

from django import forms
from django.core.exceptions import ValidationError

from minutes.forms import EditTokenForm
from minutes.models import Attendance, Organisation, Person, SeatCategory
from minutes.services.attendance import CHANGED_FIELDS


def _seat_category_field(committee_id):
    return forms.ModelChoiceField(
        queryset=SeatCategory.objects.filter(committee_id=committee_id),
        label="Seat category",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this committee's seat categories."},
    )


class AttendanceAddForm(forms.Form):
    """Someone to add to a meeting's list: an existing person by name, or someone new.

    Besides its fields, the form offers what the name and organisation fields
    suggest (`people`, `organisations`), each fetched in one query.
    """

    name = forms.CharField(
        max_length=200,
        label="Name",
        help_text="Start typing to pick someone already known; a new name adds a new person.",
        error_messages={"required": "Type the name of the person to add."},
        widget=forms.TextInput(attrs={"list": "attendance-people", "autocomplete": "off"}),
    )
    organisation = forms.CharField(
        max_length=200,
        required=False,
        label="Organisation",
        help_text="Only needed for someone new, or to tell apart people with the same name. "
        "A name not known yet adds a new organisation.",
        widget=forms.TextInput(attrs={"list": "attendance-organisations", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        choices=Attendance.Status.choices,
        initial=Attendance.Status.PRESENT,
        label="Attendance",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose present or apologies."},
    )
    role_note = forms.CharField(
        max_length=100,
        required=False,
        label="Role note",
        help_text="Optional, e.g. “Meeting Secretary”.",
    )

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault("prefix", "attendance")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["seat_category"] = _seat_category_field(meeting.committee_id)
        self.order_fields(["name", "organisation", "seat_category", "status", "role_note"])

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Type the name of the person to add.")
        return name

    @property
    def people(self):
        """People who could be added: everyone not on this meeting's list yet."""
        return (
            Person.objects.exclude(attendances__meeting=self.meeting)
            .select_related("organisation")
            .order_by("name", "organisation__name", "id")
        )

    @property
    def organisations(self):
        return Organisation.objects.order_by("name").values_list("name", flat=True)


class AttendanceEditForm(EditTokenForm):
    """How one person is listed: seat category, present or apologies, role note."""

    token_fields = CHANGED_FIELDS  # what attendance_change compares and saves

    class Meta:
        model = Attendance
        fields = ["seat_category", "status", "role_note"]
        labels = {"status": "Attendance"}
        help_texts = {"role_note": "Optional, e.g. “Meeting Secretary”."}
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, committee_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee_id = committee_id
        self.fields["seat_category"] = _seat_category_field(committee_id)

    def rebase_kwargs(self):
        return {"committee_id": self.committee_id}

"""Forms of the attendance list on the drafting page: they validate, the services act."""

from django import forms
from django.core.exceptions import ValidationError

from minutes.forms import EditTokenForm
from minutes.models import AgendaItem, Attendance, Organisation, Person, SeatCategory, number_items
from minutes.services.attendance import CHANGED_FIELDS


def _seat_category_field(committee_id):
    return forms.ModelChoiceField(
        queryset=SeatCategory.objects.filter(committee_id=committee_id),
        label="Seat category",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this committee's seat categories."},
    )


def _item_field(meeting, names, label, help_text):
    """A choice of the meeting's items, named by their numbers ("4. PMR Report")."""
    field = forms.ModelChoiceField(
        queryset=AgendaItem.objects.filter(meeting=meeting),
        required=False,
        label=label,
        help_text=help_text,
        empty_label="—",
        error_messages={"invalid_choice": "Choose an item of this meeting."},
    )
    field.label_from_instance = lambda item: names.get(item.pk, item.title)
    return field


def _alternate_field(meeting, exclude=None):
    absent = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.APOLOGIES).select_related(
        "person"
    )
    if exclude is not None:
        absent = absent.exclude(pk=exclude)
    field = forms.ModelChoiceField(
        queryset=absent,
        required=False,
        label="Sitting in for",
        help_text="An absent member this person represents; their apology line says so.",
        empty_label="—",
        error_messages={"invalid_choice": "Choose a member who sent apologies to this meeting."},
    )
    field.label_from_instance = lambda attendance: attendance.person.name
    return field


def _details(form, meeting, exclude=None):
    """The fields a listing may say more with: initials, remote, sitting in for, part of the meeting."""
    form.fields["initials"] = forms.CharField(
        max_length=10, required=False, label="Initials", help_text="Left empty: from the name, e.g. AK."
    )
    form.fields["remote"] = forms.BooleanField(required=False, label="Joined remotely")
    form.fields["alternate_for"] = _alternate_field(meeting, exclude)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    number_items(items, start=meeting.first_item_number)
    names = {item.pk: f"{item.number}. {item.title}" if item.number else item.title for item in items}
    form.fields["joined_at_item"] = _item_field(meeting, names, "Joined at item", "Only if they came later.")
    form.fields["left_after_item"] = _item_field(
        meeting, names, "Left after item", "Only if they left early."
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
        error_messages={"required": "Choose present, apologies or observer."},
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
        _details(self, meeting)
        self.order_fields(["name", "organisation", "seat_category", "status", "role_note", "initials"])

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


DETAIL_FIELDS = ["initials", "remote", "alternate_for", "joined_at_item", "left_after_item"]


class AttendanceEditForm(EditTokenForm):
    """How one person is listed: seat category, present or apologies, role note."""

    token_fields = CHANGED_FIELDS  # what attendance_change compares and saves

    class Meta:
        model = Attendance
        fields = ["seat_category", "status", "role_note", *DETAIL_FIELDS]
        labels = {"status": "Attendance"}
        help_texts = {"role_note": "Optional, e.g. “Meeting Secretary”."}
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, committee_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee_id = committee_id
        self.fields["seat_category"] = _seat_category_field(committee_id)
        _details(self, self.instance.meeting, exclude=self.instance.pk)
        for name in DETAIL_FIELDS:
            self.fields[name].initial = getattr(
                self.instance, name if name == "initials" or name == "remote" else f"{name}_id"
            )

    def rebase_kwargs(self):
        return {"committee_id": self.committee_id}

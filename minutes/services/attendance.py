"""Who attended a meeting: adding, changing and removing people on its list.

Each function is keyword-only and atomic, and refuses minutes that are no longer
in draft. Refusals are ValidationErrors keyed by the field of the add form they
are about (name, organisation, seat_category, status).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from minutes.audit import update_with_history
from minutes.editing import EditConflict
from minutes.models import Attendance, Meeting, Organisation, Person, suggest_initials

CHANGED_FIELDS = (
    "seat_category",
    "status",
    "role_note",
    "initials",
    "remote",
    "alternate_for",
    "joined_at_item",
    "left_after_item",
)
# What else a listing may say besides its category, status and role: `details` of the functions below.
DETAILS = ("initials", "remote", "alternate_for", "joined_at_item", "left_after_item")


def _locked_draft(meeting):
    """The meeting row, locked so that changes to its list happen one at a time."""
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if meeting.minutes_status != Meeting.Status.DRAFT:
        raise ValidationError(
            f"The minutes of {meeting.reference} are {meeting.get_minutes_status_display().lower()}, "
            "not in draft: their attendance list can no longer change."
        )
    return meeting


def _check_listing(meeting, seat_category, status, role_note):
    if seat_category is None or seat_category.committee_id != meeting.committee_id:
        raise ValidationError({"seat_category": "Choose one of this committee's seat categories."})
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Choose present, apologies or observer."})
    longest = Attendance._meta.get_field("role_note").max_length
    if len(role_note) > longest:
        raise ValidationError({"role_note": f"Shorten the role note to {longest} characters or fewer."})


def _end_of(meeting, seat_category):
    """The position after the last person listed in `seat_category` at `meeting`."""
    last = Attendance.objects.filter(meeting=meeting, seat_category=seat_category).aggregate(
        last=Max("position")
    )["last"]
    return (last or 0) + 1


def describe_listing(attendance):
    """How someone is listed, in words: "present, in SECAS (Meeting Secretary)"."""
    text = f"{attendance.get_status_display().lower()}, in {attendance.seat_category.name}"
    if attendance.role_note:
        text += f" ({attendance.role_note})"
    if attendance.remote:
        text += ", remotely"
    if attendance.alternate_for_id:
        text += f", for {attendance.alternate_for.person.name}"
    return text


def _person_named(name, organisation_name):
    """The existing person called `name` (any case), or None if nobody is; refuses a guess.

    Several people with the same name are told apart by their organisation.
    """
    namesakes = list(Person.objects.filter(name__iexact=name).select_related("organisation").order_by("id"))
    if len(namesakes) <= 1:
        return namesakes[0] if namesakes else None
    organisations = [person.organisation.name if person.organisation else "" for person in namesakes]
    chosen = [
        person
        for person, organisation in zip(namesakes, organisations, strict=True)
        if organisation_name and organisation.casefold() == organisation_name.casefold()
    ]
    if len(chosen) == 1:
        return chosen[0]
    where = ", ".join(sorted(organisation or "no organisation" for organisation in organisations))
    message = f"{len(namesakes)} people are called {namesakes[0].name} ({where})."
    if not organisation_name:
        message += " Type the organisation of the one you mean."
    elif not chosen:
        message += f" None of them is at {organisation_name}: type the organisation of the one you mean."
    else:
        message += f" More than one is at {organisation_name}: ask an administrator to tell them apart."
    raise ValidationError({"organisation": message})


def _organisation_named(name):
    """The organisation called `name` (any case), created if it is new."""
    known = list(Organisation.objects.filter(name__iexact=name))
    for organisation in known:
        if organisation.name == name:
            return organisation
    if known:
        return known[0]
    return Organisation.objects.get_or_create(name=name)[0]


@transaction.atomic
def attendance_add(*, meeting, name, organisation_name="", seat_category, status, role_note="", **details):
    """Put someone on the list of `meeting`, at the end of their seat category.

    An existing person whose name matches (ignoring case and surrounding spaces) is
    reused; otherwise a new person is created, in `organisation_name` if given (a
    new organisation if that name is not known). Someone already on the list is
    refused, as is a seat category of another committee. `details` (DETAILS) say more:
    initials (suggested from the name when not given), remote, whom they sit in for,
    from and until which item.
    """
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise TypeError(f"Unknown details: {', '.join(sorted(unknown))}")
    meeting = _locked_draft(meeting)
    name, organisation_name, role_note = name.strip(), organisation_name.strip(), role_note.strip()
    if not name:
        raise ValidationError({"name": "Type the name of the person to add."})
    for field, value, model in [("name", name, Person), ("organisation", organisation_name, Organisation)]:
        longest = model._meta.get_field("name").max_length
        if len(value) > longest:
            raise ValidationError({field: f"Shorten this to {longest} characters or fewer."})
    _check_listing(meeting, seat_category, status, role_note)
    person = _person_named(name, organisation_name)
    if person is not None:
        listed = (
            Attendance.objects.filter(meeting=meeting, person=person).select_related("seat_category").first()
        )
        if listed is not None:
            raise ValidationError(
                {"name": f"{person.name} is already on this meeting's list: {describe_listing(listed)}."}
            )
    else:
        organisation = _organisation_named(organisation_name) if organisation_name else None
        person = Person.objects.create(name=name, organisation=organisation)
    initials = (details.pop("initials", "") or "").strip() or suggest_initials(person.name)
    attendance = Attendance(
        meeting=meeting,
        person=person,
        seat_category=seat_category,
        status=status,
        role_note=role_note,
        initials=initials,
        position=_end_of(meeting, seat_category),
        **details,
    )
    attendance.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        raise ValidationError({"name": f"{person.name} is already on this meeting's list."}) from None
    return attendance


@transaction.atomic
def attendance_change(*, attendance, seat_category, status, role_note, based_on, **details):
    """Change someone's seat category, status, role note and `details` (DETAILS).

    `based_on` is the edit token the form started from: if someone else changed
    these since, EditConflict is raised with the row as it is now and nothing is
    saved. Moving to another category puts them at its end.
    """
    meeting = _locked_draft(attendance.meeting)
    current = (
        Attendance.objects.select_for_update()
        .select_related("person")
        .filter(pk=attendance.pk, meeting=meeting)
        .first()
    )
    if current is None:
        raise EditConflict(None)
    role_note = role_note.strip()
    _check_listing(meeting, seat_category, status, role_note)
    moved = current.seat_category_id != seat_category.pk
    current.seat_category = seat_category
    current.status = status
    current.role_note = role_note
    for name, value in details.items():
        if name not in DETAILS:
            raise TypeError(f"Unknown detail: {name}")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "initials" in details and not current.initials:
        current.initials = suggest_initials(current.person.name)
    current.full_clean(validate_unique=False, exclude=["person", "meeting"])
    current.save_if_unchanged(CHANGED_FIELDS, based_on=based_on)
    if moved:
        current.position = _end_of(meeting, seat_category)
        update_with_history(Attendance.objects.filter(pk=current.pk), position=current.position)
    return current


@transaction.atomic
def attendance_remove(*, attendance):
    """Take someone off the list of a meeting (the person stays known for other meetings)."""
    _locked_draft(attendance.meeting)
    Attendance.objects.filter(pk=attendance.pk).delete()

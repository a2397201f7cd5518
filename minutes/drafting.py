"""What the drafting page shows, and what each of its blocks shows when it is drawn again alone.

The page reads the whole minutes (`drafting_context`); a block answering an
in-place change reads only what that block shows (`item_block_context`,
`attendance_block_context`), in a fixed number of queries however large the
meeting is.
"""

from minutes.forms import ItemAddForm, ItemTextForm
from minutes.forms.attendance import AttendanceAddForm
from minutes.models import Organisation, Person
from minutes.selectors import MeetingMinutes, meeting_attendance, meeting_minutes
from minutes.services.decisions import footnotes_check_anchors
from minutes.services.meetings import minutes_awaiting_approval

# The blocks of an item that are drawn again on their own, and the choices each offers.
ACTIONS, OUTSTANDING, DECISIONS, FOOTNOTES = "actions", "outstanding", "decisions", "footnotes"


def _owner_choices():
    """The organisations and people an action's owners are chosen from."""
    return {
        "organisations": list(Organisation.objects.all()),
        "people": list(Person.objects.select_related("organisation")),
    }


def _text_tokens(items):
    for item in items:
        item.text_token = item.edit_token(ItemTextForm.token_fields)


def drafting_context(meeting):
    """What the drafting page and its agenda partial show, with the tokens editors start from."""
    minutes = meeting_minutes(meeting)
    _text_tokens(minutes.all_items)
    footnotes_check_anchors(minutes.all_items)
    return {
        "meeting": meeting,
        "minutes": minutes,
        "add_form": ItemAddForm(),
        "attendance_form": AttendanceAddForm(meeting=meeting),
        # Choices the part editors offer, fetched once for the whole page.
        **_owner_choices(),
        "approvable_minutes": list(minutes_awaiting_approval(meeting)),
    }


def item_block_context(meeting, item_id, block, **extra):
    """One block of one item (`block`: ACTIONS, OUTSTANDING, DECISIONS or FOOTNOTES) as the page
    shows it, numbered as in the whole minutes, with the choices that block offers.

    The views answer with the block alone (`block_only`); its status region on the page
    is updated out of band. None if the item was deleted meanwhile.
    """
    minutes = meeting_minutes(meeting, only_item=item_id)
    item = minutes.item(item_id)
    if item is None:
        return None
    context = {"meeting": meeting, "minutes": minutes, "item": item, "block_only": True}
    if block == ACTIONS:
        context.update(_owner_choices())
    elif block == DECISIONS:
        approvable = minutes_awaiting_approval(meeting) if item.is_previous_minutes else []
        context["approvable_minutes"] = list(approvable)
    elif block == FOOTNOTES:
        footnotes_check_anchors([item])
    return {**context, **extra}


def attendance_block_context(meeting, *, form=None, focus=""):
    """The attendance section with its add form (bound after a refused add).

    `focus` says what htmx focuses after the section is swapped in: "name" (to add
    the next person) or "message" (the note of what just changed).
    """
    if form is None:
        form = AttendanceAddForm(meeting=meeting)
    if focus == "name":
        form.fields["name"].widget.attrs["autofocus"] = True
    attendance = meeting_attendance(meeting)
    minutes = MeetingMinutes(
        meeting=meeting,
        present=attendance.present,
        apologies=attendance.apologies,
        observers=attendance.observers,
        attendance=attendance,
        items=[],
    )
    return {"meeting": meeting, "minutes": minutes, "attendance_form": form, "attendance_focus": focus}

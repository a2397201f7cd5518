import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from minutes.models import AgendaItem, Meeting, decision_wording, number_items
from minutes.sanitize import clean_minutes_html, insert_after_text
from tests.factories import make_committee, make_decision, make_item, make_meeting

pytestmark = pytest.mark.django_db


def numbers(meeting):
    top = number_items(list(AgendaItem.objects.filter(meeting=meeting)))
    result = []
    for item in top:
        result.append((item.number, item.title))
        result.extend((child.number, child.title) for child in item.sub_items)
    return result


def test_item_numbers_come_from_order_and_nesting(committee):
    meeting = make_meeting(committee, 55)
    first = make_item(meeting, "Previous Meeting Minutes")
    reports = make_item(meeting, "SEC Panel Reports")
    make_item(meeting, "RDP Incident Report", parent=reports)
    make_item(meeting, "CSR Variance Report", parent=reports)
    make_item(meeting, "Any Other Business")

    assert numbers(meeting) == [
        ("1", "Previous Meeting Minutes"),
        ("2", "SEC Panel Reports"),
        ("2.1", "RDP Incident Report"),
        ("2.2", "CSR Variance Report"),
        ("3", "Any Other Business"),
    ]

    first.position = 10  # moved to the end: every number follows
    first.save()
    assert numbers(meeting)[0] == ("1", "SEC Panel Reports")
    assert numbers(meeting)[1] == ("1.1", "RDP Incident Report")
    assert numbers(meeting)[-1] == ("3", "Previous Meeting Minutes")


def test_a_single_item_knows_its_number_without_the_whole_meeting(committee):
    meeting = make_meeting(committee)
    make_item(meeting, "One")
    parent = make_item(meeting, "Two")
    child = make_item(meeting, "Two point one", parent=parent)
    assert AgendaItem.objects.get(pk=child.pk).number == "2.1"
    assert AgendaItem.objects.get(pk=parent.pk).number == "2"


def test_items_nest_one_level_only(committee):
    meeting = make_meeting(committee)
    parent = make_item(meeting, "Parent")
    child = make_item(meeting, "Child", parent=parent)
    grandchild = AgendaItem(meeting=meeting, parent=child, title="Too deep")
    with pytest.raises(ValidationError):
        grandchild.full_clean()
    with pytest.raises(ValidationError):
        grandchild.save()
    assert not AgendaItem.objects.filter(title="Too deep").exists()


def test_reference_is_derived_from_committee_and_number(committee):
    meeting = make_meeting(committee, 55)
    assert meeting.reference == "OPSG_55"
    assert Meeting.objects.get_by_reference("OPSG_55") == meeting
    with pytest.raises(Meeting.DoesNotExist):
        Meeting.objects.get_by_reference("OPSG55")
    with pytest.raises(Meeting.DoesNotExist):
        Meeting.objects.get_by_reference("OPSG_56")


def test_meeting_numbers_are_unique_per_committee(committee):
    make_meeting(committee, 55)
    make_meeting(make_committee("SSC", "Security Sub-Committee"), 55)  # another committee may
    with pytest.raises(IntegrityError):
        make_meeting(committee, 55)


def test_one_decision_prints_as_a_sentence(committee):
    item = make_item(make_meeting(committee), "Minutes")
    make_decision(item, "agreed", "that the Draft Minutes from OPSG_53 will be published as final.")
    wording = decision_wording("The OPSG", item.decisions.all())
    assert (
        wording["text"] == "The OPSG AGREED that the Draft Minutes from OPSG_53 will be published as final."
    )


def test_several_decisions_print_as_a_list_with_and_before_the_last(committee):
    item = make_item(make_meeting(committee), "Reports")
    make_decision(item, "NOTED", "the SEC Panel Reports", position=1)
    make_decision(item, "CONSIDERED", "the options;", position=2)
    make_decision(item, "APPROVED", "the summary of DCC reporting", position=3)
    wording = decision_wording("The OPSG", item.decisions.all())
    assert wording["lead"] == "The OPSG:"
    assert [f"{e['verb']} {e['rest']}" for e in wording["entries"]] == [
        "NOTED the SEC Panel Reports;",
        "CONSIDERED the options; and",
        "APPROVED the summary of DCC reporting.",
    ]


@pytest.mark.parametrize(
    ("style", "markers"),
    [("bullets", ["", "", ""]), ("letters", ["a)", "b)", "c)"]), ("numbers", ["1.", "2.", "3."])],
)
def test_a_committee_marks_its_decision_lists_as_it_prints_them(committee, style, markers):
    item = make_item(make_meeting(committee), "Reports")
    for verb in ("NOTED", "AGREED", "REQUESTED"):
        make_decision(item, verb, f"the {verb.lower()} part")
    wording = decision_wording("The Board:", item.decisions.all(), style)
    assert wording["lead"] == "The Board:"  # a lead-in typed with its colon gets one colon
    assert [entry["marker"] for entry in wording["entries"]] == markers
    if style == "letters":
        assert wording["text"] == (
            "The Board: a) NOTED the noted part; b) AGREED the agreed part; and c) REQUESTED the requested part."
        )


def test_letters_go_on_after_z():
    from minutes.models import _marker

    assert [_marker("letters", i) for i in (0, 25, 26, 27)] == ["a)", "z)", "aa)", "ab)"]


def test_minutes_text_is_sanitised_on_save(committee):
    item = make_item(
        make_meeting(committee),
        text='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">link</a>'
        '<img src="file:///etc/passwd"><b>bold</b></p>',
    )
    item.refresh_from_db()
    assert "script" not in item.minutes_text
    assert "onclick" not in item.minutes_text
    assert "javascript" not in item.minutes_text
    assert "img" not in item.minutes_text
    assert "<b>bold</b>" in item.minutes_text


def test_sanitiser_keeps_the_formatting_minutes_use():
    html = '<p>A <strong>b</strong> <em>c</em></p><ul><li>one</li></ul><ol><li>two</li></ol><a href="https://x.org">x</a>'
    cleaned = clean_minutes_html(html)
    for fragment in [
        "<strong>b</strong>",
        "<em>c</em>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "https://x.org",
    ]:
        assert fragment in cleaned


def test_footnote_mark_goes_after_its_anchor_text_not_inside_a_tag():
    html = '<p>See <a href="https://e.org/as per action">here</a> as per action 29/15. More.</p>'
    result = insert_after_text(html, "as per action 29/15", "<sup>1</sup>")
    assert (
        result
        == '<p>See <a href="https://e.org/as per action">here</a> as per action 29/15<sup>1</sup>. More.</p>'
    )
    assert insert_after_text("<p>Text.</p>", "missing", "<sup>2</sup>") == "<p>Text.<sup>2</sup></p>"


def test_meeting_must_end_after_it_starts(committee):
    import datetime

    meeting = Meeting(
        committee=committee,
        number=1,
        held_on=datetime.date(2021, 8, 23),
        start_time=datetime.time(15, 0),
        end_time=datetime.time(12, 0),
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "end_time" in error.value.message_dict
    with pytest.raises(IntegrityError):
        meeting.save()

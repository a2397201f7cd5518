"""Committee conventions as a TOML file: configure_committee creates or updates, says what changed,
refuses a bad file with its line and changes nothing; export_committee writes the file back."""

import io
import tomllib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minutes.models import Committee, Membership
from tests.factories import make_committee, make_meeting, make_user, raise_action

pytestmark = pytest.mark.django_db

BOARD = """\
code = "PAB"
name = "Performance Assurance Board"
lead_in = "The Board"
decision_verbs = ["NOTED", "AGREED", "APPROVED"]
decision_list = "letters"
action_reference = "Action {n:03}"
action_numbering = "committee"

[[seat_categories]]
name = "Chair"

[[seat_categories]]
name = "Members"

[[standard_agenda]]
title = "Minutes and actions"
kind = "previous_minutes"

[[standard_agenda]]
title = "Actions Outstanding"
kind = "actions_outstanding"

[[standard_agenda]]
title = "Any Other Business"

[[members]]
username = "pat"
role = "secretary"
"""


def configure(tmp_path, text):
    path = tmp_path / "committee.toml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("configure_committee", str(path), stdout=out)
    return out.getvalue()


def everything(code="PAB"):
    committee = Committee.objects.get(code=code)
    return (
        Committee.objects.filter(pk=committee.pk).values().get(),
        list(committee.seat_categories.values_list("name", "position")),
        list(committee.standard_agenda_items.values_list("title", "kind", "position")),
        list(committee.memberships.values_list("user__username", "role")),
    )


@pytest.fixture
def pat(db):
    return make_user("pat")


def test_a_file_creates_a_committee_and_a_second_run_changes_nothing(tmp_path, pat):
    said = configure(tmp_path, BOARD)
    assert "PAB: Created the committee." in said
    committee = Committee.objects.get(code="PAB")
    assert (committee.decision_name, committee.decision_list, committee.action_reference) == (
        "The Board",
        "letters",
        "Action {n:03}",
    )
    assert committee.verbs == ["NOTED", "AGREED", "APPROVED"]
    assert list(committee.seat_categories.values_list("name", flat=True)) == ["Chair", "Members"]
    assert committee.memberships.get(user=pat).role == "secretary"
    assert raise_action(make_meeting(committee, 1)).reference == "Action 001"

    before = everything()
    assert "Nothing changed" in configure(tmp_path, BOARD)
    assert everything() == before


def test_a_later_file_updates_and_says_what_changed(tmp_path, pat):
    configure(tmp_path, BOARD)
    changed = BOARD.replace('decision_list = "letters"', 'decision_list = "numbers"').replace(
        'role = "secretary"', 'role = "chair"'
    )
    changed += '\n[[seat_categories]]\nname = "Observers"\n'
    said = configure(tmp_path, changed)
    assert "decision_list: 'letters' -> 'numbers'" in said
    assert "member 'pat': secretary -> chair" in said
    assert "seat category added: 'Observers'" in said
    assert Membership.objects.get(user=pat).role == "chair"


def test_export_writes_the_file_that_configures_the_committee_as_it_is(tmp_path, pat):
    configure(tmp_path, BOARD)
    out = io.StringIO()
    call_command("export_committee", "PAB", stdout=out)
    exported = out.getvalue()
    data = tomllib.loads(exported)
    assert data["action_reference"] == "Action {n:03}" and data["lead_in"] == "The Board"
    assert data["members"] == [{"username": "pat", "role": "secretary"}]
    before = everything()
    assert "Nothing changed" in configure(tmp_path, exported)
    assert everything() == before


def test_the_demo_committee_exports_and_reconfigures_without_change(tmp_path):
    committee = make_committee()
    make_user("secretary", committee=committee, role="secretary")
    out = io.StringIO()
    call_command("export_committee", "OPSG", stdout=out)
    assert 'action_reference = "{code} {meeting}/{n:02}"' in out.getvalue()
    before = everything("OPSG")
    assert "Nothing changed" in configure(tmp_path, out.getvalue())
    assert everything("OPSG") == before


@pytest.mark.parametrize(
    ("change", "line", "says"),
    [
        (lambda t: t + 'colour = "blue"\n', 29, "unknown key 'colour'"),
        (
            lambda t: t.replace('action_reference = "Action {n:03}"', 'action_reference = "Action {x}"'),
            6,
            "{x} is not a placeholder",
        ),
        (
            lambda t: t.replace('action_reference = "Action {n:03}"', 'action_reference = "Action"'),
            6,
            "needs {n}",
        ),
        (
            lambda t: t.replace('action_numbering = "committee"', 'action_numbering = "meeting"'),
            6,
            "needs {meeting}",
        ),
        (
            lambda t: t.replace('decision_list = "letters"', 'decision_list = "roman"'),
            5,
            "not a valid choice",
        ),
        (lambda t: t.replace('["NOTED", "AGREED", "APPROVED"]', '["NOTED", "noted"]'), 4, "listed twice"),
        (lambda t: t.replace('["NOTED", "AGREED", "APPROVED"]', '"NOTED"'), 4, "give a list of verbs"),
        (lambda t: t.replace('name = "Members"', 'name = "Chair"'), 13, "'Chair' is listed twice"),
        (
            lambda t: t.replace('title = "Any Other Business"', 'title = "AOB"\nkind = "party"'),
            25,
            "kind is one of",
        ),
        (lambda t: t.replace('username = "pat"', 'username = "nobody"'), 27, "no user 'nobody'"),
        (lambda t: t.replace('role = "secretary"', 'role = "king"'), 28, "role is one of"),
        (
            lambda t: t.replace('[[members]]\nusername = "pat"', '[[members]]\nuser = "pat"'),
            27,
            "unknown key 'user'",
        ),
        (lambda t: t.replace('lead_in = "The Board"\n', ""), 1, "needs lead_in"),
        (lambda t: t + "[[", None, "not a TOML file"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_changes_nothing(tmp_path, pat, change, line, says):
    make_committee(code="OPSG")
    before = list(Committee.objects.values()), list(Membership.objects.values())
    with pytest.raises(CommandError) as refused:
        configure(tmp_path, change(BOARD))
    message = str(refused.value)
    assert says in message and "Nothing was changed." in message
    if line is not None:
        assert f"line {line} " in message
    assert (list(Committee.objects.values()), list(Membership.objects.values())) == before


def test_a_bad_update_changes_nothing_either(tmp_path, pat):
    configure(tmp_path, BOARD)
    before = everything()
    bad = BOARD.replace('name = "Performance Assurance Board"', 'name = "PAB renamed"').replace(
        'username = "pat"', 'username = "nobody"'
    )
    with pytest.raises(CommandError):
        configure(tmp_path, bad)
    assert everything() == before


def test_a_file_that_cannot_be_read_says_so(tmp_path):
    path = tmp_path / "committee.toml"
    path.write_bytes(b"\xff\xfe code")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("configure_committee", str(path))
    with pytest.raises(CommandError, match="No committee has the code NOPE"):
        call_command("export_committee", "NOPE")


def test_the_readme_example_configures_a_committee(tmp_path, pat):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert "Created the committee." in configure(tmp_path, example)
    committee = Committee.objects.get(code="PAB")
    assert committee.decision_list == "letters" and committee.verbs[-1] == "REQUESTED"


def test_statuses_in_the_file(tmp_path, pat):
    statuses = (
        '\n[[statuses]]\nlabel = "Open"\n\n[[statuses]]\nlabel = "On Hold"\n'
        '\n[[statuses]]\nlabel = "Closed"\nopen = false\n'
    )
    configure(tmp_path, BOARD + statuses)
    committee = Committee.objects.get(code="PAB")
    assert list(committee.action_statuses.values_list("label", "is_open")) == [
        ("Open", True),
        ("On Hold", True),
        ("Closed", False),
    ]
    with pytest.raises(CommandError, match=r"line 38 \(statuses\): entry 3: open is true or false"):
        configure(tmp_path, BOARD + statuses.replace("open = false", 'open = "no"'))
    only_closed = statuses.replace('label = "Open"', 'label = "Done"\nopen = false').replace(
        'label = "On Hold"', 'label = "Dropped"\nopen = false'
    )
    with pytest.raises(CommandError, match="one open status"):
        configure(tmp_path, BOARD + only_closed)
    assert list(committee.action_statuses.values_list("label", flat=True)) == ["Open", "On Hold", "Closed"]


def test_duplicate_status_labels_in_the_file_are_refused_with_their_line(tmp_path, pat):
    statuses = '\n[[statuses]]\nlabel = "Open"\n\n[[statuses]]\nlabel = "open"\n\n[[statuses]]\nlabel = "Closed"\nopen = false\n'
    with pytest.raises(CommandError) as refused:
        configure(tmp_path, BOARD + statuses)
    assert "listed twice" in str(refused.value) and "(statuses)" in str(refused.value)
    assert not Committee.objects.filter(code="PAB").exists()


def test_a_pattern_in_the_file_that_would_give_a_used_reference_again_is_refused(tmp_path, pat):
    from minutes.models import Meeting

    committee = make_committee(code="OPSG")
    meeting = make_meeting(committee, 55)
    raise_action(meeting)  # OPSG 55/01
    Meeting.objects.filter(pk=meeting.pk).update(last_action_sequence=0)  # as after an import
    with pytest.raises(CommandError) as refused:
        configure(tmp_path, 'code = "OPSG"\naction_reference = "{code} {meeting}/0{n}"\n')
    assert "line 2 " in str(refused.value) and "would get OPSG 55/01" in str(refused.value)
    committee.refresh_from_db()
    assert committee.action_reference == "{code} {meeting}/{n:02}"

"""Reminders: owners e-mailed about actions due within 7 days and overdue, never twice a day."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection

from actions.links import read_owner_link_token
from actions.models import Action, ReminderSent
from actions.services.reminders import actions_to_remind, recipients_of, send_action_reminders
from minutes.models import Membership
from tests.factories import make_meeting, make_organisation, make_person, make_user, raise_action

D = datetime.date
TODAY = D(2021, 9, 1)


def build(committee):
    """DCC owns everything; Olive (an owner account of the DCC) is reminded for it; Pat has no account."""
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    dcc = make_organisation("DCC")
    olive = make_user("olive", committee=committee, role=Membership.Role.OWNER)
    make_person("Olive Owner", organisation=dcc, user=olive)
    # A DCC member of the committee who is not an action owner: not reminded.
    make_person("Mo Member", organisation=dcc, user=make_user("mo", committee=committee, role="member"))
    pat = make_person("Pat Noaccount")
    pat.email = "pat@example.com"
    pat.save()

    def action(text, target_on, owners=(dcc,)):
        return raise_action(meeting, text, owners=list(owners), target_on=target_on)

    return {
        "dcc": dcc,
        "pat": pat,
        "due_today": action("Due today.", TODAY),
        "due_in_7": action("Due in a week.", TODAY + datetime.timedelta(days=7)),
        "due_in_8": action("Due in 8 days.", TODAY + datetime.timedelta(days=8)),
        "overdue": action("Overdue.", TODAY - datetime.timedelta(days=30), owners=[dcc, pat]),
        "no_target": action("No target date.", None),
        "closed": _closed(action("Closed.", TODAY - datetime.timedelta(days=3))),
        "revised_later": _revised(action("Revised.", TODAY), TODAY + datetime.timedelta(days=60)),
        "revised_earlier": _revised(action("Brought forward.", TODAY + datetime.timedelta(days=60)), TODAY),
    }


def _closed(action):
    action.close(on=TODAY - datetime.timedelta(days=1), text="Done.")
    return action


def _revised(action, target_on):
    action.revise_target_date(target_on)
    return action


@pytest.fixture
def world(db, committee):
    return build(committee)


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.mark.django_db
def test_due_soon_and_overdue_actions_are_selected(world):
    selected = {action.pk: action.target_on for action in actions_to_remind(TODAY)}
    expected = ["due_today", "due_in_7", "overdue", "revised_earlier"]
    assert sorted(selected) == sorted(world[name].pk for name in expected)
    assert selected[world["revised_earlier"].pk] == TODAY  # the target date in force, not the first


@pytest.mark.django_db
def test_recipients_are_owner_accounts_of_organisations_and_people_with_an_email(world):
    recipients = recipients_of(
        Action.objects.prefetch_related("owner_people__user").get(pk=world["overdue"].pk)
    )
    assert [r.email for r in recipients] == ["pat@example.com", "olive@example.com"]
    pat, olive = recipients
    assert olive.link == "http://127.0.0.1:8000/actions/OPSG/OPSG-55-04/"
    # Pat has no account: a signed link for Pat and this action.
    path = pat.link.removeprefix("http://127.0.0.1:8000")
    slug, token = path.strip("/").split("/")[2:]
    link = read_owner_link_token(token, slug=slug)
    assert link.action == world["overdue"] and link.owner == world["pat"] and link.email == "pat@example.com"


@pytest.mark.django_db
def test_a_person_owner_with_an_account_gets_the_action_page(committee):
    meeting = make_meeting(committee, 55)
    person = make_person("Una User", user=make_user("una"))  # no Person.email: the account's
    action = raise_action(meeting, owners=[person], target_on=TODAY)
    (recipient,) = recipients_of(action)
    assert recipient.email == "una@example.com" and recipient.link.endswith("/actions/OPSG/OPSG-55-01/")


@pytest.mark.django_db
def test_reminders_are_sent_once_a_day(world):
    summary = send_action_reminders(today=TODAY)
    assert summary.sent == {"due_soon": 3, "overdue": 2}
    assert len(mail.outbox) == 5
    olive = sent_to("olive@example.com")
    assert sorted(m.subject for m in olive) == [
        "Due soon: action OPSG 55/01 (target date 1 September 2021)",
        "Due soon: action OPSG 55/02 (target date 8 September 2021)",
        "Due soon: action OPSG 55/08 (target date 1 September 2021)",
        "Overdue: action OPSG 55/04 (target date 2 August 2021)",
    ]
    (pat,) = sent_to("pat@example.com")
    assert "is overdue: its target date was 2 August 2021 (30 days ago)" in pat.body
    assert "http://127.0.0.1:8000/actions/link/OPSG-55-04/" in pat.body
    due_today = next(m for m in olive if "55/01" in m.subject)
    assert (
        "is due today" in due_today.body
        and "http://127.0.0.1:8000/actions/OPSG/OPSG-55-01/" in due_today.body
    )
    assert ReminderSent.objects.filter(sent_on=TODAY).count() == 5

    mail.outbox.clear()
    again = send_action_reminders(today=TODAY)
    assert again.total == 0 and again.already_sent == 5 and mail.outbox == []

    # The next day: 55/02 and 55/03 (now within 7 days) due soon; 55/01 and 55/08 now
    # overdue, and 55/04 still (to Olive and Pat).
    next_day = send_action_reminders(today=TODAY + datetime.timedelta(days=1))
    assert next_day.sent == {"due_soon": 2, "overdue": 4} and next_day.already_sent == 0
    assert len(mail.outbox) == 6


@pytest.mark.django_db
def test_a_dry_run_sends_and_records_nothing(world):
    out = io.StringIO()
    call_command("send_action_reminders", "--dry-run", "--today", "2021-09-01", stdout=out)
    assert out.getvalue().startswith("Would send 5 reminder(s) (3 due soon, 2 overdue)")
    assert mail.outbox == [] and not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_a_summary(world):
    out = io.StringIO()
    call_command("send_action_reminders", "--today", "2021-09-01", stdout=out)
    assert out.getvalue().startswith("Sent 5 reminder(s) (3 due soon, 2 overdue); 0 already sent today")
    out = io.StringIO()
    call_command("send_action_reminders", "--today", "2021-09-01", stdout=out)
    assert "Sent 0 reminder(s) (0 due soon, 0 overdue); 5 already sent today" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_action_reminders", "--today", "1 September")


@pytest.mark.django_db
def test_an_action_with_no_one_to_remind_is_named(committee):
    meeting = make_meeting(committee, 55)
    raise_action(meeting, owners=[make_organisation("SECAS")], target_on=TODAY)
    summary = send_action_reminders(today=TODAY)
    assert summary.total == 0 and summary.without_recipient == ["OPSG 55/01"]
    assert "no one to remind about OPSG 55/01" in str(summary)


@pytest.mark.django_db
def test_a_reminder_recorded_by_another_run_is_not_sent_again(world):
    # Another run inserted its row between our selection and our insert: the unique
    # constraint refuses ours, and nothing is sent.
    ReminderSent.objects.create(
        action=world["overdue"], recipient="pat@example.com", kind="overdue", sent_on=TODAY
    )
    summary = send_action_reminders(today=TODAY)
    assert summary.already_sent == 1 and sent_to("pat@example.com") == []


@pytest.mark.django_db
def test_a_failed_send_is_not_recorded_and_is_tried_again(world, monkeypatch):
    import actions.services.reminders

    def fail(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(actions.services.reminders, "send_mail", fail)
    with pytest.raises(ConnectionRefusedError):
        send_action_reminders(today=TODAY)
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert send_action_reminders(today=TODAY).total == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_never_send_twice(committee):
    build(committee)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            send_action_reminders(today=TODAY)
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mail.outbox) == 5
    assert len({(tuple(m.to), m.subject) for m in mail.outbox}) == 5
    assert ReminderSent.objects.count() == 5

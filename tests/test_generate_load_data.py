import io

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action, TargetDate
from minutes.models import Committee, Meeting

pytestmark = pytest.mark.django_db


def test_load_data_makes_consistent_actions():
    call_command("generate_load_data", actions=130, actions_per_meeting=12, stdout=io.StringIO())
    assert Action.objects.count() == 130
    assert Committee.objects.filter(code__startswith="LD").count() == 5
    assert Meeting.objects.count() == 15  # 11 meetings' worth, rounded up to 3 per committee
    assert Action.objects.values("reference").distinct().count() == 130
    assert TargetDate.objects.count() == 130
    action = Action.objects.select_related("meeting").order_by("id").first()
    assert action.reference == f"{action.meeting.committee.code} {action.meeting.number}/01"
    assert action.reference in action.search_document and action.text in action.search_document
    # Closed actions have their closure date (the database constraint holds).
    assert not Action.objects.filter(status="closed", closed_on__isnull=True).exists()
    # New actions raised on a generated meeting continue its numbering.
    meeting = action.meeting
    assert Action.objects.raise_action(meeting=meeting, text="One more.").reference.endswith("/13")


def test_load_data_refuses_to_run_twice():
    call_command("generate_load_data", actions=12, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("generate_load_data", actions=12, stdout=io.StringIO())

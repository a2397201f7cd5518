"""The OPSG_55 page reads like the seed document, at a fixed query cost."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action
from minutes.models import Meeting
from tests.factories import make_full_meeting
from tests.test_load_demo import APOLOGIES, PRESENT

pytestmark = pytest.mark.django_db

SEED_ITEMS = [
    "1. Previous Meeting Minutes",
    "2. Actions Outstanding",
    "3. SEC Panel Reports",
    "3.1. Registration Data Provider Incident Report",
    "3.2. DCC Certificate Signing Request Variance Report",
    "3.3. DCC Service Request Variance Report",
    "3.4. SEC Panel Quarterly Problem Report",
    "3.5. DCC Responsible Communications Hubs Returns Quarterly Report",
    "4. PMR Report – June 2021",
    "4.1. DXC ‘Failure to Report’ impacting CPM1 and CPM3",
    "5. Performance Indicator Summary Report – June 2021",
    "6. Unexpected Service Responses and Anomaly Detection",
    "7. Major Incident Review",
    "7.1. INC000000746657",
    "8. Any Other Business",
    "8.1. OPSG Elections",
    "8.2. ECoS Migration",
    "8.3. Performance Assurance Framework (PAF)",
]
SEED_ACTIONS = ["OPSG 43/08", "OPSG 53/10", "OPSG 55/01", "OPSG 55/02", "OPSG 55/03", "OPSG 55/04"]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Meeting.objects.get_by_reference("OPSG_55")


def page_text(client, meeting):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="member"))
    response = client.get(reverse("minutes:meeting-detail", args=[meeting.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_demo_page_shows_the_whole_seed(client, demo):
    text = page_text(client, demo)
    for heading in [
        "Operations Group Meeting",
        "23 August 2021, OPSG_55",
        "12:20 – 15:20",
        "Teleconference",
        "Draft Minutes",
    ]:
        assert heading in text
    for names in [*PRESENT.values(), *APOLOGIES.values()]:
        for name in names:
            assert name in text
    assert "Veronica Asantewaa (Meeting Secretary)" in text
    positions = [text.index(title) for title in SEED_ITEMS]
    assert positions == sorted(positions), "items print in the seed's order"
    for reference in SEED_ACTIONS:
        assert reference in text
    assert "The OPSG AGREED that the Draft Minutes from OPSG_53 will be published as final." in text
    assert "The OPSG: NOTED the SEC Panel Reports; and APPROVED the summary of DCC reporting" in text
    assert "ACTION OPSG 55/01: The DCC to provide a clear view of the User impact" in text
    assert "OPSG 43/08 SECAS and the DCC to discuss" in text
    assert "22/02/2021 23/08/2021 N/A DCC" in text
    assert "via the PMR Queries Log. Status: Closed" in text
    assert "as per action 29/15 1 ." in text  # the footnote mark follows its anchor
    assert "Action OPSG 29/15: The DCC to perform an audit of the CSPs CH triage process" in text
    assert "Next main meeting: 7 September 2021; Next reporting meeting: 27 September 2021." in text


def test_the_demo_page_costs_the_same_queries_as_ten_times_its_content(
    client, demo, django_assert_num_queries
):
    large = make_full_meeting(demo.committee, 200, scale=10)
    assert large.attendances.count() >= 10 * demo.attendances.count()
    assert large.items.count() >= 10 * demo.items.count()
    assert Action.objects.filter(meeting=large).count() >= 10 * Action.objects.filter(meeting=demo).count()
    assert Action.objects.outstanding_at(large).count() >= 10 * Action.objects.outstanding_at(demo).count()

    page_text(client, demo)  # log in, warm caches
    with CaptureQueriesContext(connection) as demo_queries:
        page_text(client, demo)
    with django_assert_num_queries(len(demo_queries)):
        page_text(client, large)

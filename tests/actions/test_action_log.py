"""The action log: filters (in the URL), search, sorting, pages, counts, the owners' chart, who sees what."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from minutes.models import Membership
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    publish,
    raise_action,
)

pytestmark = pytest.mark.django_db

LOG = reverse("actions:action-log")
CHART = reverse("actions:action-log-chart")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(committee, users, today):
    """Four OPSG actions over three meetings, and one of another committee.

    9/01   DCC          open, target 30 days ago (overdue), raised 500 days ago
    10/01  SECAS        open, target in 5 days, raised 400 days ago
    10/02  DCC, SECAS   proposed closed, target revised to yesterday (overdue), raised 400 days ago
    11/01  Dana Owner   closed, target 10 days ago (not overdue: closed), raised 30 days ago
    TABASC 3/01         open, another committee
    """
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    dana = make_person("Dana Owner", organisation=secas)
    m9 = make_meeting(committee, 9, held_on=today - 500 * DAY)
    m10 = make_meeting(committee, 10, held_on=today - 400 * DAY)
    m11 = make_meeting(committee, 11, held_on=today - 30 * DAY)
    a = raise_action(m9, "The DCC to fix the widget interface.", owners=[dcc], target_on=today - 30 * DAY)
    b = raise_action(m10, "SECAS to draft a report on tariffs.", owners=[secas], target_on=today + 5 * DAY)
    c = raise_action(
        m10, "The DCC and SECAS to hold workshops.", owners=[dcc, secas], target_on=today + 60 * DAY
    )
    c.record_meeting_update(
        meeting=m11, text="Workshops planned.", status="open", revised_target_on=today - DAY
    )
    c.record_update(text="Ready to close: the gazebo is built.")
    c.propose_closure(by=None, note="The gazebo is built.")
    d = raise_action(m11, "Dana to circulate the slides.", owners=[dana], target_on=today - 10 * DAY)
    d.close(on=timezone.localdate(), text="Slides circulated.")
    other = make_committee("TABASC", "Technical Architecture")
    e = raise_action(make_meeting(other, 3), "TABASC to review the design.", owners=[dcc])
    return {"dcc": dcc, "secas": secas, "dana": dana, "m9": m9, "m10": m10, "m11": m11} | {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "e": e,
        "other": other,
    }


def shown(client, query=""):
    response = client.get(f"{LOG}?{query}")
    assert response.status_code == 200
    return [action.reference for action in response.context["page"].object_list]


@pytest.fixture
def member_client(client, users, world):
    client.force_login(users["member"])
    return client


# ---- Who sees what ------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client):
    for name in ("action-log", "action-log-csv", "action-log-xlsx"):
        response = client.get(reverse(f"actions:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_changing_methods_are_refused(member_client):
    for name in ("action-log", "action-log-csv", "action-log-xlsx"):
        assert member_client.post(reverse(f"actions:{name}")).status_code == 405


def test_a_reader_sees_the_log_of_their_committee_only(client, users, world):
    # Readers see actions raised in published minutes only (tests/test_visibility.py).
    for meeting in ("m9", "m10", "m11"):
        publish(world[meeting], users["secretary"])
    client.force_login(users["reader"])
    assert sorted(shown(client)) == ["OPSG 10/01", "OPSG 10/02", "OPSG 11/01", "OPSG 9/01"]


def test_an_outsider_sees_an_empty_log(client, users, world):
    client.force_login(users["outsider"])
    response = client.get(LOG)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "No actions match these filters." in response.content.decode()
    assert response.context["counts"]["total"] == 0
    assert client.get(CHART).context["figures"] == []
    # Nor can they pick a committee they are not on.
    response = client.get(f"{LOG}?committee={world['other'].pk}")
    assert list(response.context["page"].object_list) == []


def test_staff_see_every_committee(client, users, world):
    client.force_login(users["staff"])
    assert "TABASC 3/01" in shown(client)
    assert shown(client, f"committee={world['other'].pk}") == ["TABASC 3/01"]


def test_a_member_of_two_committees_sees_both_and_filters_by_committee(client, users, world):
    Membership.objects.create(user=users["member"], committee=world["other"], role=Membership.Role.READER)
    publish(world["e"].meeting, users["staff"])  # a reader of TABASC sees its published minutes
    client.force_login(users["member"])
    assert len(shown(client)) == 5
    assert shown(client, f"committee={world['other'].pk}") == ["TABASC 3/01"]


# ---- Filters --------------------------------------------------------------------------


def test_the_rows_show_each_column(member_client, world, today):
    response = member_client.get(f"{LOG}?q=workshops")
    page = response.content.decode()
    table = re.search(
        r'<table class="table table-hover align-middle" id="action-log">.*?</table>', page, re.S
    )
    row = re.search(r'<tr>\s*<th scope="row".*?</tr>', table.group(0), re.S).group(0)
    assert 'href="/actions/OPSG/OPSG-10-02/"' in row
    assert "The DCC and SECAS to hold workshops." in row
    assert "DCC, SECAS" in row
    assert "OPSG_10" in row and f"{world['m10'].held_on:%d/%m/%Y}" in row
    assert f"{today - DAY:%d/%m/%Y}" in row  # the revised (current) target date
    assert "Proposed closed" in row and "Overdue" in row
    assert f"{today:%d/%m/%Y}</span>: Ready to close: the gazebo is built." in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", ["OPSG 9/01", "OPSG 10/01"]),
        ("status=proposed_closed", ["OPSG 10/02"]),
        ("status=closed", ["OPSG 11/01"]),
        ("status=outstanding", ["OPSG 9/01", "OPSG 10/01", "OPSG 10/02"]),
        ("overdue=on", ["OPSG 9/01", "OPSG 10/02"]),
        ("due_within=7", ["OPSG 10/01"]),
        ("due_within=4", []),
        ("due_within=0", []),
        ("raised_from={d400}", ["OPSG 10/01", "OPSG 10/02", "OPSG 11/01"]),
        ("raised_to={d400}", ["OPSG 9/01", "OPSG 10/01", "OPSG 10/02"]),
        ("raised_from={d400}&raised_to={d400}", ["OPSG 10/01", "OPSG 10/02"]),
        # The current target date: 10/02's first date (in 60 days) was revised to yesterday.
        ("target_from={today}", ["OPSG 10/01"]),
        ("target_to={yesterday}", ["OPSG 9/01", "OPSG 10/02", "OPSG 11/01"]),
        ("target_from={d30}&target_to={yesterday}", ["OPSG 9/01", "OPSG 10/02", "OPSG 11/01"]),
    ],
)
def test_each_filter(member_client, today, query, expected):
    query = query.format(d400=today - 400 * DAY, d30=today - 30 * DAY, today=today, yesterday=today - DAY)
    assert sorted(shown(member_client, query)) == sorted(expected)


def test_filter_by_owner_organisation_or_person(member_client, world):
    assert sorted(shown(member_client, f"owner=org-{world['dcc'].pk}")) == ["OPSG 10/02", "OPSG 9/01"]
    assert sorted(shown(member_client, f"owner=org-{world['secas'].pk}")) == ["OPSG 10/01", "OPSG 10/02"]
    assert shown(member_client, f"owner=person-{world['dana'].pk}") == ["OPSG 11/01"]
    response = member_client.get(LOG)
    choices = dict(response.context["filter"].form.fields["owner"].choices)
    assert choices[f"org-{world['dcc'].pk}"] == "DCC"
    assert choices[f"person-{world['dana'].pk}"] == "Dana Owner (SECAS)"


def test_filter_by_meeting_raised(member_client, world):
    assert sorted(shown(member_client, f"meeting={world['m10'].reference}")) == ["OPSG 10/01", "OPSG 10/02"]
    assert sorted(shown(member_client, f"meeting={world['m10'].reference.lower()}")) == [
        "OPSG 10/01",
        "OPSG 10/02",
    ]
    # Another committee's meeting shows nothing: its actions are not visible.
    assert shown(member_client, f"meeting={world['e'].meeting.reference}") == []
    response = member_client.get(f"{LOG}?meeting=not a reference")
    assert "meeting" in response.context["filter"].form.errors


def test_filters_combine(member_client, world):
    query = f"owner=org-{world['dcc'].pk}&status=open&committee={world['a'].committee_id}"
    assert shown(member_client, query) == ["OPSG 9/01"]


def test_search_over_references_text_owners_and_updates(member_client, world):
    assert shown(member_client, "q=widget") == ["OPSG 9/01"]
    assert shown(member_client, "q=tariffs") == ["OPSG 10/01"]
    assert shown(member_client, "q=gazebo") == ["OPSG 10/02"]  # only in an update
    assert shown(member_client, "q=Dana") == ["OPSG 11/01"]  # an owner's name
    assert shown(member_client, "q=OPSG 10/01") == ["OPSG 10/01"]
    assert shown(member_client, "q=TABASC") == []  # another committee's action is never found
    assert shown(member_client, "q=nothing+like+this") == []


def test_invalid_filters_are_named_and_ignored(member_client):
    response = member_client.get(f"{LOG}?due_within=soon&owner=org-999999&per_page=7")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The filters were not applied" in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_due_within-error"' in page
    assert set(response.context["filter"].form.errors) == {"due_within", "owner", "per_page"}
    assert response.context["page"].paginator.per_page == 25
    assert "Download CSV" not in page


def test_hostile_text_is_inert(member_client, world):
    raise_action(
        world["m11"], '<script>alert("x")</script> and <b>bold</b>', owners=[make_organisation("<i>Evil</i>")]
    )
    response = member_client.get(f"{LOG}?q=" + "%22%27%3C%3E%26%7C%21%3A%2A%28%29%5C-")
    assert response.status_code == 200
    page = member_client.get(LOG).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<i>Evil</i>" not in page and "&lt;i&gt;Evil&lt;/i&gt;" in page
    assert shown(member_client, "sort=id;DROP") == shown(
        member_client
    )  # an unknown sort: an error, the default


# ---- Sorting and pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["OPSG 9/01", "OPSG 10/02", "OPSG 10/01", "OPSG 11/01"]),  # outstanding first, by target date
        ("reference", ["OPSG 9/01", "OPSG 10/01", "OPSG 10/02", "OPSG 11/01"]),  # 9 before 10: numbers
        ("-reference", ["OPSG 11/01", "OPSG 10/02", "OPSG 10/01", "OPSG 9/01"]),
        ("raised", ["OPSG 9/01", "OPSG 10/01", "OPSG 10/02", "OPSG 11/01"]),
        ("-raised", ["OPSG 11/01", "OPSG 10/02", "OPSG 10/01", "OPSG 9/01"]),
        ("target", ["OPSG 9/01", "OPSG 11/01", "OPSG 10/02", "OPSG 10/01"]),
        ("-target", ["OPSG 10/01", "OPSG 10/02", "OPSG 11/01", "OPSG 9/01"]),
        ("status", ["OPSG 9/01", "OPSG 10/01", "OPSG 10/02", "OPSG 11/01"]),
        ("-status", ["OPSG 11/01", "OPSG 10/02", "OPSG 10/01", "OPSG 9/01"]),
        ("owner", ["OPSG 9/01", "OPSG 10/02", "OPSG 11/01", "OPSG 10/01"]),  # DCC, DCC, Dana Owner, SECAS
    ],
)
def test_sorting(member_client, sort, expected):
    assert shown(member_client, f"sort={sort}") == expected


def test_column_headers_sort_and_keep_the_filters(member_client):
    page = member_client.get(f"{LOG}?status=open&sort=target&page=1").content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?status=open&amp;sort=-target">Target date' in page
    assert 'href="?status=open&amp;sort=owner">Owner' in page
    page = member_client.get(f"{LOG}?sort=-target").content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?sort=target">Target date' in page


def test_pages_keep_the_filters(member_client, world):
    for number in range(30):
        raise_action(world["m11"], f"Batch action {number}.", owners=[world["dcc"]])
    response = member_client.get(f"{LOG}?owner=org-{world['dcc'].pk}&status=open")
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (31, 2, 25)
    assert f'href="?owner=org-{world["dcc"].pk}&amp;status=open&amp;page=2">Next' in response.content.decode()
    second = member_client.get(f"{LOG}?owner=org-{world['dcc'].pk}&status=open&page=2").context["page"]
    assert len(second.object_list) == 6
    first_refs = {a.reference for a in page.object_list}
    assert first_refs.isdisjoint(a.reference for a in second.object_list)
    assert len(member_client.get(f"{LOG}?per_page=50").context["page"].object_list) == 34
    response = member_client.get(f"{LOG}?per_page=50&q=batch")
    assert "Download CSV" in response.content.decode()
    assert 'href="/actions/export.csv?q=batch"' in response.content.decode()  # all pages: no page size


# ---- Counts and the chart -----------------------------------------------------------------


def test_counts_by_status_follow_the_filters(member_client, world):
    counts = member_client.get(LOG).context["counts"]
    assert counts == {"total": 4, "open": 2, "proposed_closed": 1, "closed": 1, "overdue": 2}
    counts = member_client.get(f"{LOG}?owner=org-{world['secas'].pk}").context["counts"]
    assert counts == {"total": 2, "open": 1, "proposed_closed": 1, "closed": 0, "overdue": 1}
    page = member_client.get(LOG).content.decode()
    assert 'Overdue: <strong data-count="overdue">2</strong>' in page


def test_the_log_page_fetches_its_chart_for_the_same_filters(member_client, world):
    query = f"owner=org-{world['secas'].pk}&status=outstanding"
    page = member_client.get(f"{LOG}?{query}&sort=-target&per_page=50&page=1").content.decode()
    section = re.search(r'<section[^>]*id="owner-chart".*?</section>', page, re.S).group(0)
    # The filters, not the order, page size or page; htmx fetches it, a link without JavaScript.
    assert f'hx-get="{CHART}?{query.replace("&", "&amp;")}"' in section and 'hx-trigger="load"' in section
    assert f'<a href="{CHART}?{query.replace("&", "&amp;")}">' in section
    assert "<svg" not in page and "htmx.min.js" in page
    # Fetched by htmx: the section alone, which replaces the placeholder.
    fragment = member_client.get(f"{CHART}?{query}", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith(
        '<section aria-labelledby="chart-heading" class="mb-4" id="owner-chart">'
    )
    assert "<svg" in fragment and "<html" not in fragment
    # Followed without JavaScript: a page of its own, with the way back to the same log.
    whole = member_client.get(f"{CHART}?{query}").content.decode()
    assert "<svg" in whole and "<h1" in whole and f'href="{LOG}?{query.replace("&", "&amp;")}"' in whole


def test_the_chart_shows_open_and_overdue_actions_per_owner_and_their_age(member_client, world, today):
    raise_action(world["m11"], "Young action.", owners=[world["dana"]], target_on=today + 90 * DAY)
    response = member_client.get(CHART)
    figures = {f.owner: f for f in response.context["figures"]}
    assert set(figures) == {"DCC", "SECAS", "Dana Owner"}
    dcc, secas, dana = figures["DCC"], figures["SECAS"], figures["Dana Owner"]
    # (open, overdue, by age: under 3 months, 3 to 12 months, over a year, oldest in days)
    assert (dcc.open, dcc.overdue, dcc.by_age, dcc.oldest_age_days) == (2, 2, (0, 0, 2), 500)
    assert (secas.open, secas.overdue, secas.by_age, secas.oldest_age_days) == (2, 1, (0, 0, 2), 400)
    assert (dana.open, dana.overdue, dana.by_age, dana.oldest_age_days) == (1, 0, (1, 0, 0), 30)
    assert [f.owner for f in response.context["figures"]] == ["DCC", "SECAS", "Dana Owner"]
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="owner-chart-title owner-chart-desc"' in svg
    assert (
        "<title" in svg
        and "DCC: 2 open (0 under 3 months, 0 3 to 12 months, 2 over a year), 2 overdue" in svg
    )
    assert svg.count('class="owner-row"') == 3 and svg.count('class="overdue"') == 2
    table = re.search(
        r'<table class="table table-sm visually-hidden" id="owner-figures">.*?</table>', page, re.S
    )
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table.group(0))
    assert cells[cells.index("DCC") : cells.index("DCC") + 7] == ["DCC", "2", "2", "0", "0", "2", "500"]
    # The chart follows the filters.
    figures = member_client.get(f"{CHART}?owner=org-{world['secas'].pk}").context["figures"]
    assert {f.owner: (f.open, f.overdue) for f in figures} == {"SECAS": (2, 1), "DCC": (1, 1)}
    response = member_client.get(f"{CHART}?status=closed")
    assert (
        response.context["figures"] == []
        and "No open actions match these filters." in response.content.decode()
    )


# ---- A fixed number of queries --------------------------------------------------------------


def count_queries(client, query, path=LOG):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{path}?{query}", headers={"HX-Request": "true"} if path == CHART else {})
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(member_client, world, today):
    query = "per_page=100&sort=target"
    few = count_queries(member_client, query)
    filtered = count_queries(member_client, f"{query}&owner=org-{world['dcc'].pk}&q=action&overdue=on")
    chart = count_queries(member_client, "", CHART)
    for number in range(60):
        action = raise_action(
            world["m11"],
            f"Batch action {number}.",
            owners=[world["dcc"], make_person(organisation=world["secas"])],
            target_on=today - DAY,
        )
        action.revise_target_date(today + DAY)
        action.record_update(text=f"Update {number}.")
    assert count_queries(member_client, query) == few
    assert count_queries(member_client, "per_page=25&sort=target") == few
    assert (
        count_queries(member_client, f"{query}&owner=org-{world['dcc'].pk}&q=action&overdue=on") == filtered
    )
    assert count_queries(member_client, "", CHART) == chart


def test_the_current_target_date_is_the_latest_recorded(member_client, world, today):
    rows = {a.reference: a for a in member_client.get(LOG).context["page"].object_list}
    for reference, action in rows.items():
        assert action.due_on == Action.objects.get(reference=reference).current_target_on
    assert rows["OPSG 10/02"].due_on == today - DAY


def test_a_new_user_with_only_a_person_sees_nothing(client, world):
    client.force_login(make_user("lonely"))
    assert shown(client) == []

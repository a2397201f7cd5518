"""The settings pages for the standard agenda and the seat categories: the committee's secretaries
edit them in the browser, with a preview; bad input is refused beside its row and changes nothing;
published minutes keep the seat category names they were published with."""

import re

import pytest
from django.urls import reverse

from minutes.models import Meeting, SeatCategory, StandardAgendaItem
from minutes.services.committees import committee_set_seat_categories, standard_agenda
from minutes.services.meetings import meeting_create
from tests.factories import make_attendance, make_item, make_meeting, make_standard_agenda, publish

pytestmark = pytest.mark.django_db


def agenda_url(committee):
    return reverse("minutes:committee-agenda", args=[committee.code])


def seats_url(committee):
    return reverse("minutes:committee-seat-categories", args=[committee.code])


def rows(prefix, entries, *, initial=0):
    """The POST of a formset whose rows are `entries` (dicts of field values)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(entries)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, entry in enumerate(entries):
        for name, value in entry.items():
            if value is True:
                value = "on"
            if value is not False and value is not None:
                data[f"{prefix}-{index}-{name}"] = str(value)
    return data


def agenda_post(entries, *, initial=0, **extra):
    return {**rows("agenda", entries, initial=initial), **extra}


def seats_post(committee, entries):
    return rows("seats", entries, initial=committee.seat_categories.count())


def current_seats(committee):
    return [
        {"category": category.pk, "name": category.name, "ORDER": position}
        for position, category in enumerate(committee.seat_categories.all(), start=1)
    ]


SESSIONS = [
    {"title": "Open Session", "kind": "heading", "ORDER": 1},
    {"title": "Apologies", "kind": "apologies", "ORDER": 2},
    {"title": "Reports", "kind": "item", "ORDER": 3, "text": "The Chair introduced the reports."},
    {"title": "Settlement", "kind": "item", "ORDER": 4, "sub_item": True},
    {"title": "Data quality", "kind": "item", "ORDER": 5, "sub_item": True},
    {"title": "Confidential Session", "kind": "heading", "ORDER": 6},
    {"title": "Risk register", "kind": "item", "ORDER": 7},
]


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 404), ("reader", 403), ("member", 403), ("owner", 403), ("chair", 403), ("secretary", 200)],
)
def test_only_the_committees_secretaries_edit_its_agenda_and_seats(client, users, committee, role, status):
    client.force_login(users[role])
    assert client.get(agenda_url(committee)).status_code == status
    assert client.get(seats_url(committee)).status_code == status
    client.post(agenda_url(committee), agenda_post(SESSIONS))
    seats = current_seats(committee)
    seats[0]["name"] = "Renamed"
    client.post(seats_url(committee), seats_post(committee, seats))
    assert StandardAgendaItem.objects.exists() == (role == "secretary")
    assert SeatCategory.objects.filter(name="Renamed").exists() == (role == "secretary")


def test_a_secretary_builds_a_standard_agenda_with_headings_sub_items_and_default_text(
    client, users, committee
):
    client.force_login(users["secretary"])
    response = client.post(agenda_url(committee), agenda_post(SESSIONS), follow=True)
    assert "The standard agenda of OPSG is saved" in response.content.decode()
    assert standard_agenda(committee) == [
        (("Open Session", "heading", ""), []),
        (("Apologies", "apologies", ""), []),
        (
            ("Reports", "item", "The Chair introduced the reports."),
            [("Settlement", "item", ""), ("Data quality", "item", "")],
        ),
        (("Confidential Session", "heading", ""), []),
        (("Risk register", "item", ""), []),
    ]
    # The page shows it again as rows, sub-items ticked, and the next meeting's agenda numbered.
    page = client.get(agenda_url(committee)).content.decode()
    assert 'value="Data quality"' in page
    ticked = [re.search(rf'<input[^>]*id="id_agenda-{row}-sub_item"[^>]*>', page)[0] for row in range(5)]
    assert ["checked" in tag for tag in ticked] == [False, False, False, True, True]
    assert "2. Reports" in page and "2.1 Settlement" in page and "3. Risk register" in page

    meeting = meeting_create(committee=committee, number=60, held_on="2026-12-20")
    items = list(meeting.items.order_by("parent_id", "position"))
    assert [item.title for item in items if item.parent_id is None] == [
        "Open Session",
        "Apologies",
        "Reports",
        "Confidential Session",
        "Risk register",
    ]
    reports = meeting.items.get(title="Reports")
    assert [child.title for child in reports.children.order_by("position")] == ["Settlement", "Data quality"]
    assert reports.minutes_text == "The Chair introduced the reports."


def test_rows_follow_their_positions_and_removed_rows_go(client, users, committee):
    make_standard_agenda(committee)
    client.force_login(users["secretary"])
    entries = [
        {"title": "Previous Meeting Minutes", "kind": "previous_minutes", "ORDER": 2},
        {"title": "Actions Outstanding", "kind": "actions_outstanding", "ORDER": 1},
        {"title": "Any Other Business", "kind": "item", "ORDER": 3, "DELETE": True},
        {"title": "Welcome", "kind": "item", "ORDER": 1},
        {"kind": "item"},  # an empty new row (its select posts its first choice) is left alone
    ]
    client.post(agenda_url(committee), agenda_post(entries, initial=3))
    assert [entry[0][0] for entry in standard_agenda(committee)] == [
        "Actions Outstanding",
        "Welcome",
        "Previous Meeting Minutes",
    ]


def test_the_preview_shows_the_next_meetings_agenda_without_saving(client, users, committee):
    committee.item_numbering = "continuous"
    committee.save()
    earlier = make_meeting(committee, 40)
    for title in ("One", "Two", "Three"):
        make_item(earlier, title)
    client.force_login(users["secretary"])
    response = client.post(agenda_url(committee), agenda_post(SESSIONS, preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview of your changes" in page
    # Continuous numbering: the next meeting goes on after item 3 of the last one.
    assert "5. Reports" in page and "5.1 Settlement" in page and "6. Risk register" in page
    assert 'value="Risk register"' in page  # what was typed is still in the form
    assert not StandardAgendaItem.objects.exists()


@pytest.mark.parametrize(
    ("entries", "field", "message"),
    [
        ([{"title": "", "kind": "item", "ORDER": 1}], "title", "Give the item a title, or tick Remove."),
        (
            [{"title": "Reports", "kind": "item", "ORDER": 1, "sub_item": True}],
            "sub_item",
            "A sub-item follows an item to stand under",
        ),
        (
            [
                {"title": "Open Session", "kind": "heading", "ORDER": 1},
                {"title": "Reports", "kind": "item", "ORDER": 2, "sub_item": True},
            ],
            "sub_item",
            "“Open Session” is a heading: the items after it stand under it already.",
        ),
        (
            [
                {"title": "Reports", "kind": "item", "ORDER": 1},
                {"title": "Closed Session", "kind": "heading", "ORDER": 2, "sub_item": True},
            ],
            "kind",
            "A heading stands at the top level: untick Sub-item.",
        ),
        ([{"title": "Reports", "kind": "minutes", "ORDER": 1}], "kind", "Select a valid choice."),
        ([{"title": "x" * 301, "kind": "item", "ORDER": 1}], "title", "at most 300 characters"),
    ],
)
def test_a_bad_agenda_is_refused_beside_its_row_and_nothing_changes(
    client, users, committee, entries, field, message
):
    make_standard_agenda(committee)
    before = standard_agenda(committee)
    client.force_login(users["secretary"])
    response = client.post(agenda_url(committee), agenda_post(entries, initial=len(entries)))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was saved." in page
    assert f'href="#id_agenda-{len(entries) - 1}-{field}"' in page
    assert message in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert standard_agenda(committee) == before


def test_a_secretary_renames_reorders_adds_and_removes_seat_categories(client, users, committee):
    names = list(committee.seat_categories.values_list("name", flat=True))
    meeting = make_meeting(committee, 55)
    used = committee.seat_categories.get(name=names[0])
    make_attendance(meeting, category=used)
    client.force_login(users["secretary"])
    page = client.get(seats_url(committee)).content.decode()
    assert "at 1 meeting" in page and "not used yet" in page

    seats = current_seats(committee)
    assert names[:3] == ["Chair", "Network Parties", "Large Suppliers"]
    seats[0].update(name="  Network   Operators ", ORDER=3)  # renamed and moved: still the same category
    seats[1]["DELETE"] = True
    seats.append({"name": "Observers", "ORDER": 9})
    response = client.post(seats_url(committee), seats_post(committee, seats), follow=True)
    assert "The seat categories of OPSG are saved." in response.content.decode()
    # Equal positions keep the order shown: the renamed row (shown first) stays before Large Suppliers.
    assert list(committee.seat_categories.values_list("name", flat=True)) == [
        "Network Operators",
        "Large Suppliers",
        "Small Suppliers",
        "DCC",
        "SECAS",
        "Observers",
    ]
    used.refresh_from_db()
    assert used.name == "Network Operators"
    assert meeting.attendances.get().seat_category_id == used.pk


def test_a_category_that_lists_people_cannot_be_removed_and_a_name_once(client, users, committee):
    meeting = make_meeting(committee, 55)
    first = committee.seat_categories.first()
    make_attendance(meeting, category=first)
    before = list(committee.seat_categories.values_list("pk", "name", "position"))
    client.force_login(users["secretary"])

    seats = current_seats(committee)
    seats[0]["DELETE"] = True
    response = client.post(seats_url(committee), seats_post(committee, seats))
    assert response.status_code == 422
    page = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert f"“{first.name}” lists people at 1 meeting: it cannot be removed. Rename it instead." in page
    assert (
        "checked" in re.search(r'<input[^>]*id="id_seats-0-DELETE"[^>]*>', page)[0]
    )  # what was ticked is kept

    seats = current_seats(committee)
    seats[1]["name"] = seats[0]["name"].upper()
    response = client.post(seats_url(committee), seats_post(committee, seats))
    assert response.status_code == 422
    assert "is listed twice" in response.content.decode()

    seats = [{**seat, "DELETE": True} for seat in current_seats(committee)][1:]
    seats.insert(0, {**current_seats(committee)[0], "name": ""})
    response = client.post(seats_url(committee), seats_post(committee, seats))
    assert "Give the seat category a name, or tick Remove." in response.content.decode()
    assert list(committee.seat_categories.values_list("pk", "name", "position")) == before


def test_swapping_two_names_keeps_each_category(committee):
    first, second = committee.seat_categories.all()[:2]
    changes = committee_set_seat_categories(
        committee=committee,
        categories=[(first.pk, second.name), (second.pk, first.name)]
        + [(c.pk, c.name) for c in committee.seat_categories.all()[2:]],
    )
    assert len([change for change in changes if "renamed" in change]) == 2
    assert SeatCategory.objects.get(pk=first.pk).name == second.name
    assert SeatCategory.objects.get(pk=second.pk).name == first.name


def test_published_minutes_keep_the_seat_category_names_they_were_published_with(client, users, committee):
    meeting = make_meeting(committee, 55)
    category = committee.seat_categories.first()
    old_name = category.name
    make_attendance(meeting, category=category)
    make_item(meeting, "Business")
    draft = make_meeting(committee, 56)
    make_attendance(draft, category=category)
    publish(meeting, users["secretary"])
    seats = current_seats(committee)
    seats[0]["name"] = "Renamed Category"
    client.force_login(users["secretary"])
    client.post(seats_url(committee), seats_post(committee, seats))

    published = client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert old_name in published and "Renamed Category" not in published
    drafted = client.get(reverse("minutes:meeting-detail", args=[draft.reference])).content.decode()
    assert "Renamed Category" in drafted
    assert Meeting.objects.get(pk=meeting.pk).printed_conventions["seat_categories"][0] == [
        category.pk,
        old_name,
    ]


def test_the_settings_pages_link_to_each_other(client, users, committee):
    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:committee-settings", args=[committee.code])).content.decode()
    assert f'href="{agenda_url(committee)}">Standard agenda' in page
    assert f'href="{seats_url(committee)}">Seat categories' in page
    assert (
        'aria-current="page" href="/committees/OPSG/settings/">Conventions'
        in page.replace('active" aria-current', "aria-current")
        or 'active" aria-current="page" href="/committees/OPSG/settings/"' in page
    )

"""Drafting: the decisions and footnotes of an item."""

import html
import re

import pytest
from django.urls import reverse

from minutes.models import Decision, Footnote, Meeting
from tests.factories import make_decision, make_footnote, make_item, make_meeting

pytestmark = pytest.mark.django_db

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, 55)


@pytest.fixture
def item(meeting):
    make_item(meeting, "Welcome")
    return make_item(
        meeting,
        "Previous Meeting Minutes",
        text="<p>The OPSG reviewed the Draft Minutes from OPSG_53 &amp; the action log.</p>",
    )


@pytest.fixture
def secretary(client, users):
    client.force_login(users["secretary"])
    return client


def url(name, meeting, *args):
    return reverse(f"minutes:{name}", args=[meeting.reference, *args])


def text_of(response):
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return (
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
        .replace(" .", ".")
        .replace(" ;", ";")
        .replace(" :", ":")
    )


def draft_text(client, meeting):
    return text_of(client.get(url("meeting-draft", meeting)))


def meeting_text(client, meeting):
    return text_of(client.get(reverse("minutes:meeting-detail", args=[meeting.reference])))


def stored(item):
    return list(Decision.objects.filter(item=item).values_list("position", "verb", "text"))


def token(obj, *fields):
    return obj.edit_token(fields)


def add(client, meeting, item, verb, text, **extra):
    return client.post(url("decision-add", meeting, item.pk), {"verb": verb, "text": text}, **extra)


# ---- Decisions -------------------------------------------------------------------


def test_one_decision_reads_as_one_sentence_on_the_draft_and_the_meeting_page(secretary, meeting, item):
    response = add(
        secretary, meeting, item, "AGREED", "that the Draft Minutes from OPSG_53 will be published as final"
    )
    assert response.status_code == 302
    assert response["Location"] == url("meeting-draft", meeting) + f"#item-{item.pk}"
    assert stored(item) == [(1, "AGREED", "that the Draft Minutes from OPSG_53 will be published as final")]

    sentence = "The OPSG AGREED that the Draft Minutes from OPSG_53 will be published as final."
    assert sentence in draft_text(secretary, meeting)
    assert sentence in meeting_text(secretary, meeting)


def test_three_decisions_read_as_a_list_ending_with_and(secretary, meeting, item):
    add(secretary, meeting, item, "NOTED", "the SEC Panel Reports")
    add(secretary, meeting, item, "APPROVED", "the summary of the SEC Panel Reports.")
    add(secretary, meeting, item, "AGREED", "that the reports are published")

    wording = (
        "The OPSG: NOTED the SEC Panel Reports; APPROVED the summary of the SEC Panel Reports; "
        "and AGREED that the reports are published."
    )
    assert wording in draft_text(secretary, meeting)
    assert wording in meeting_text(secretary, meeting)
    assert [row[0] for row in stored(item)] == [1, 2, 3]


def test_with_htmx_an_added_decision_redraws_only_the_items_decisions(secretary, meeting, item):
    response = add(secretary, meeting, item, "NOTED", "the update", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<div id="decisions-{item.pk}"')
    assert "<html" not in page
    assert "The OPSG NOTED the update." in text_of(response)
    assert "Decision added: NOTED the update." in text_of(response)


def test_the_draft_page_offers_the_committees_verbs_and_buttons_named_after_their_decision(
    secretary, meeting, item
):
    make_decision(item, "NOTED", "the first", position=1)
    make_decision(item, "AGREED", "the second", position=2)
    page = secretary.get(url("meeting-draft", meeting)).content.decode()
    block = page[page.index(f'id="decisions-{item.pk}"') :]
    for verb in ["AGREED", "NOTED", "APPROVED", "CONSIDERED", "REQUESTED"]:
        assert f'<option value="{verb}">{verb}</option>' in block
    assert 'aria-label="Move decision 2 of item 2 up"' in block
    assert 'aria-label="Move decision 1 of item 2 down"' in block
    assert 'Delete<span class="visually-hidden"> decision 2 of item 2</span>' in block
    assert (
        "Type what follows the verb, e.g. “that the Draft Minutes from OPSG_53 will be published as final”"
        in block
    )
    assert "Add a decision to item 2" in block


def test_a_verb_not_in_the_committees_list_is_refused_and_the_text_kept(secretary, meeting, item):
    for extra in [{}, HTMX]:
        response = add(secretary, meeting, item, "DECREED", "that the sky is green", **extra)
        assert response.status_code == 422
        page = response.content.decode()
        message = "Choose one of the committee&#x27;s verbs: AGREED, NOTED, APPROVED, CONSIDERED, REQUESTED."
        assert f'<div class="invalid-feedback" id="add-decision-{item.pk}-verb-error">{message}</div>' in page
        assert (
            f'<a class="alert-link" href="#add-decision-{item.pk}-verb">Verb: {message}</a>' in page
        )  # the summary
        assert ">that the sky is green</textarea>" in page
        # Open, and drawn anew rather than kept as it was on the page (hx-preserve).
        assert f'<details class="add-decision my-1" id="add-decision-{item.pk}" open>' in page
    assert stored(item) == []


def test_an_empty_text_is_refused(secretary, meeting, item):
    for text in ["", "   ", "AGREED", "The OPSG AGREED ."]:
        response = add(secretary, meeting, item, "AGREED", text)
        assert response.status_code == 422, text
        assert "Type the text of the decision, after the verb." in response.content.decode()
    assert stored(item) == []


@pytest.mark.parametrize(
    "typed",
    [
        "AGREED that the minutes are final",
        "agreed that the minutes are final.",
        "The OPSG AGREED that the minutes are final.",
        "AGREED: that the minutes are final; and",
    ],
)
def test_the_verb_typed_again_in_the_text_is_taken_out(secretary, meeting, item, typed):
    assert add(secretary, meeting, item, "AGREED", typed).status_code == 302
    assert stored(item) == [(1, "AGREED", "that the minutes are final")]
    assert "The OPSG AGREED that the minutes are final." in meeting_text(secretary, meeting)


def test_another_verb_at_the_start_of_the_text_is_questioned(secretary, meeting, item):
    response = add(secretary, meeting, item, "NOTED", "AGREED that the minutes are final")
    assert response.status_code == 422
    assert "The text starts with the verb AGREED but the verb chosen is NOTED" in text_of(response)
    assert stored(item) == []


def test_the_secretary_edits_a_decision(secretary, meeting, item):
    decision = make_decision(item, "NOTED", "the update", position=1)
    edit = url("decision-edit", meeting, decision.pk)
    form = secretary.get(edit)
    assert form.status_code == 200
    assert "Edit decision 1 of item 2" in text_of(form)
    assert ">the update</textarea>" in form.content.decode()

    response = secretary.post(
        edit, {"verb": "APPROVED", "text": "the revised update", "token": token(decision, "verb", "text")}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert stored(item) == [(1, "APPROVED", "the revised update")]


def test_an_edit_with_htmx_redraws_the_block_and_a_refused_one_goes_back_into_its_slot(
    secretary, meeting, item
):
    decision = make_decision(item, "NOTED", "the update", position=1)
    edit = url("decision-edit", meeting, decision.pk)
    data = {"verb": "NOTED", "text": "", "token": token(decision, "verb", "text")}
    response = secretary.post(edit, data, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#decision-slot-{decision.pk}"
    assert "Type the text of the decision, after the verb." in text_of(response)

    response = secretary.post(edit, {**data, "text": "the new update"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<div id="decisions-{item.pk}"')
    assert "The OPSG NOTED the new update." in text_of(response)


def test_the_later_of_two_edits_from_the_same_version_is_refused_and_shows_both(secretary, meeting, item):
    decision = make_decision(item, "NOTED", "the update", position=1)
    edit = url("decision-edit", meeting, decision.pk)
    started = token(decision, "verb", "text")
    first = secretary.post(edit, {"verb": "NOTED", "text": "the first version", "token": started})
    assert first.status_code == 302

    for extra in [{}, HTMX]:
        second = secretary.post(
            edit, {"verb": "AGREED", "text": "the second version", "token": started}, **extra
        )
        assert second.status_code == 409
        page = second.content.decode()
        assert "someone else changed this decision" in page
        assert "NOTED</span> the first version." in page  # theirs
        assert ">the second version</textarea>" in page  # mine, still in the form
        assert '<option value="AGREED" selected>' in page
        assert stored(item) == [(1, "NOTED", "the first version")]

    # Saving again from the conflict form deliberately replaces theirs.
    decision.refresh_from_db()
    again = secretary.post(
        edit, {"verb": "AGREED", "text": "the second version", "token": token(decision, "verb", "text")}
    )
    assert again.status_code == 302
    assert stored(item) == [(1, "AGREED", "the second version")]


def test_an_edit_of_a_decision_deleted_meanwhile_keeps_the_text_to_add_again(secretary, meeting, item):
    decision = make_decision(item, "NOTED", "the update", position=1)
    started = token(decision, "verb", "text")
    edit = url("decision-edit", meeting, decision.pk)
    secretary.get(edit)
    Decision.objects.filter(pk=decision.pk).delete()
    # The edit view itself is gone with the decision: 404.
    assert secretary.post(edit, {"verb": "NOTED", "text": "mine", "token": started}).status_code == 404


def test_moving_decisions_swaps_them_with_their_neighbour(secretary, meeting, item):
    first = make_decision(item, "NOTED", "a", position=1)
    second = make_decision(item, "APPROVED", "b", position=2)
    third = make_decision(item, "AGREED", "c", position=3)

    response = secretary.post(url("decision-move", meeting, third.pk), {"move": "up"})
    assert response.status_code == 302
    assert stored(item) == [(1, "NOTED", "a"), (2, "AGREED", "c"), (3, "APPROVED", "b")]

    response = secretary.post(url("decision-move", meeting, first.pk), {"move": "down"}, **HTMX)
    assert response.status_code == 200
    assert "The OPSG: AGREED c; NOTED a; and APPROVED b." in text_of(response)
    assert stored(item) == [(1, "AGREED", "c"), (2, "NOTED", "a"), (3, "APPROVED", "b")]

    response = secretary.post(url("decision-move", meeting, second.pk), {"move": "down"}, **HTMX)
    assert "Decision 3 is already the last: it was not moved." in text_of(response)
    response = secretary.post(url("decision-move", meeting, third.pk), {"move": "up"})
    assert response.status_code == 302
    assert stored(item) == [(1, "AGREED", "c"), (2, "NOTED", "a"), (3, "APPROVED", "b")]


def test_deleting_a_decision_closes_the_gap_and_says_what_was_deleted(secretary, meeting, item):
    make_decision(item, "NOTED", "a", position=1)
    second = make_decision(item, "APPROVED", "b", position=2)
    make_decision(item, "AGREED", "c", position=3)
    response = secretary.post(url("decision-delete", meeting, second.pk), **HTMX)
    assert response.status_code == 200
    assert "Decision deleted: APPROVED b." in text_of(response)
    assert "The OPSG: NOTED a; and AGREED c." in text_of(response)
    assert stored(item) == [(1, "NOTED", "a"), (2, "AGREED", "c")]


def test_a_decision_deleted_last_leaves_no_wording(secretary, meeting, item):
    decision = make_decision(item, "NOTED", "a", position=1)
    assert secretary.post(url("decision-delete", meeting, decision.pk)).status_code == 302
    assert "The OPSG NOTED a." not in meeting_text(secretary, meeting)
    assert not Decision.objects.exists()


# ---- Footnotes -------------------------------------------------------------------


def test_the_secretary_adds_edits_and_deletes_a_footnote(secretary, meeting, item):
    detail = reverse("minutes:meeting-detail", args=[meeting.reference])
    response = secretary.post(
        url("footnote-add", meeting, item.pk), {"anchor_text": "OPSG_53", "text": "Circulated on 1 August."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    footnote = Footnote.objects.get(item=item)
    page = secretary.get(detail).content.decode()
    assert 'OPSG_53<sup class="footnote-ref"><a href="#footnote-1"' in page
    assert "Circulated on 1 August." in page
    assert "Footnote 1: Circulated on 1 August." in draft_text(secretary, meeting)

    edit = url("footnote-edit", meeting, footnote.pk)
    assert secretary.get(edit).status_code == 200
    response = secretary.post(
        edit,
        {
            "anchor_text": "the action log",
            "text": "Version 3.",
            "token": token(footnote, "anchor_text", "occurrence", "text"),
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<div id="footnotes-{item.pk}"')
    assert "Footnote 1: Version 3." in text_of(response)
    page = secretary.get(detail).content.decode()
    assert 'the action log<sup class="footnote-ref"><a href="#footnote-1"' in page
    assert "OPSG_53<sup" not in page

    response = secretary.post(url("footnote-delete", meeting, footnote.pk), **HTMX)
    assert response.status_code == 200
    assert "Footnote deleted" in text_of(response)
    assert not Footnote.objects.exists()
    assert "footnote-ref" not in secretary.get(detail).content.decode()


def test_footnote_numbers_run_through_the_meeting(secretary, meeting, item):
    first = make_item(meeting, "Reports", text="<p>Reports.</p>")
    make_footnote(item, "OPSG_53", "One.")
    secretary.post(url("footnote-add", meeting, first.pk), {"anchor_text": "Reports", "text": "Two."})
    assert Footnote.objects.get(text="Two.").position == 1
    text = draft_text(secretary, meeting)
    assert "Footnote 1: One." in text and "Footnote 2: Two." in text


def test_a_footnote_whose_words_are_not_in_the_text_is_flagged(secretary, meeting, item):
    response = secretary.post(
        url("footnote-add", meeting, item.pk), {"anchor_text": "nowhere to be found", "text": "Lost."}, **HTMX
    )
    assert "These words are not in the text: the mark goes at the end." in text_of(response)
    response = secretary.post(
        url("footnote-add", meeting, item.pk),
        {"anchor_text": "OPSG_53 & the action", "text": "Found."},
        **HTMX,
    )
    assert text_of(response).count("These words are not in the text") == 1
    page = secretary.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    # Numbered in the order their marks stand in the text, as the PDF numbers them.
    assert 'log.<sup class="footnote-ref"><a href="#footnote-2"' in page  # at the end
    assert 'OPSG_53 &amp; the action<sup class="footnote-ref"><a href="#footnote-1"' in page


def test_a_footnote_needs_its_anchor_and_text_and_keeps_what_was_typed(secretary, meeting, item):
    response = secretary.post(url("footnote-add", meeting, item.pk), {"anchor_text": "OPSG_53", "text": "  "})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Type the text of the footnote." in page
    assert 'value="OPSG_53"' in page
    response = secretary.post(
        url("footnote-add", meeting, item.pk), {"anchor_text": " ", "text": "Kept."}, **HTMX
    )
    assert response.status_code == 422
    assert "Type the words of the text the mark follows." in response.content.decode()
    assert ">Kept.</textarea>" in response.content.decode()
    assert not Footnote.objects.exists()


def test_the_later_of_two_footnote_edits_is_refused(secretary, meeting, item):
    footnote = make_footnote(item, "OPSG_53", "Original.")
    edit = url("footnote-edit", meeting, footnote.pk)
    started = token(footnote, "anchor_text", "occurrence", "text")
    assert (
        secretary.post(edit, {"anchor_text": "OPSG_53", "text": "First.", "token": started}).status_code
        == 302
    )
    response = secretary.post(edit, {"anchor_text": "OPSG_53", "text": "Second.", "token": started}, **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#footnote-slot-{footnote.pk}"
    page = response.content.decode()
    assert "“First.”, its mark after “OPSG_53”." in page and ">Second.</textarea>" in page
    assert Footnote.objects.get().text == "First."


# ---- Who may change what ---------------------------------------------------------


def endpoints(meeting, item):
    decision = make_decision(item, "NOTED", "the update", position=1)
    make_decision(item, "AGREED", "the plan", position=2)
    footnote = make_footnote(item, "OPSG_53", "A note.")
    decision_token = token(decision, "verb", "text")
    footnote_token = token(footnote, "anchor_text", "occurrence", "text")
    return [
        ("POST", url("decision-add", meeting, item.pk), {"verb": "AGREED", "text": "more"}),
        ("GET", url("decision-edit", meeting, decision.pk), {}),
        (
            "POST",
            url("decision-edit", meeting, decision.pk),
            {"verb": "AGREED", "text": "x", "token": decision_token},
        ),
        ("POST", url("decision-move", meeting, decision.pk), {"move": "down"}),
        ("POST", url("decision-delete", meeting, decision.pk), {}),
        ("POST", url("footnote-add", meeting, item.pk), {"anchor_text": "OPSG_53", "text": "More."}),
        ("GET", url("footnote-edit", meeting, footnote.pk), {}),
        (
            "POST",
            url("footnote-edit", meeting, footnote.pk),
            {"anchor_text": "a", "text": "b", "token": footnote_token},
        ),
        ("POST", url("footnote-delete", meeting, footnote.pk), {}),
    ]


def snapshot(item):
    return (
        list(Decision.objects.filter(item=item).values_list("id", "position", "verb", "text")),
        list(Footnote.objects.filter(item=item).values_list("id", "position", "anchor_text", "text")),
    )


def call(client, method, target, data):
    return client.get(target) if method == "GET" else client.post(target, data)


@pytest.mark.parametrize("role", ["secretary", "staff"])
def test_secretaries_and_staff_may_change_decisions_and_footnotes(client, users, meeting, item, role):
    client.force_login(users[role])
    for method, target, data in endpoints(meeting, item):
        expected = 200 if method == "GET" else 302
        assert call(client, method, target, data).status_code == expected, target
    decisions, footnotes = snapshot(item)
    # Added one, edited and moved the first below the second, then deleted it.
    assert [row[1:] for row in decisions] == [(1, "AGREED", "the plan"), (2, "AGREED", "more")]
    assert [row[2:] for row in footnotes] == [("OPSG_53", "More.")]


@pytest.mark.parametrize(
    "role, status", [("chair", 403), ("member", 403), ("owner", 403), ("reader", 404), ("outsider", 404)]
)
def test_other_roles_may_not_change_decisions_or_footnotes(client, users, meeting, item, role, status):
    # Readers never see draft minutes, so for them the meeting does not exist (404).
    calls = endpoints(meeting, item)
    before = snapshot(item)
    client.force_login(users[role])
    for method, target, data in calls:
        assert call(client, method, target, data).status_code == status, (role, target)
    assert snapshot(item) == before


def test_anonymous_users_are_sent_to_log_in(client, meeting, item):
    calls = endpoints(meeting, item)
    before = snapshot(item)
    for method, target, data in calls:
        response = call(client, method, target, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), target
    assert snapshot(item) == before


def test_changes_are_refused_by_get(secretary, meeting, item):
    calls = endpoints(meeting, item)
    before = snapshot(item)
    post_only = [
        target
        for method, target, _ in calls
        if method == "POST" and target.endswith(("/add/", "/move/", "/delete/"))
    ]
    assert len(post_only) == 5
    for target in post_only:
        assert secretary.get(target).status_code == 405, target
    for method, target, _ in calls:
        if method == "GET":
            assert secretary.put(target).status_code == 405, target
    assert snapshot(item) == before


@pytest.mark.parametrize("status", ["circulated", "approved", "published"])
def test_minutes_not_in_draft_cannot_be_changed(secretary, meeting, item, status):
    calls = endpoints(meeting, item)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=status)
    before = snapshot(item)
    for method, target, data in calls:
        assert call(secretary, method, target, data).status_code == 403, target
    assert snapshot(item) == before


def test_decisions_and_footnotes_of_another_meeting_are_not_found(secretary, committee, meeting, item):
    other = make_meeting(committee, 54)
    elsewhere = make_item(other, "Elsewhere")
    decision = make_decision(elsewhere, "NOTED", "theirs", position=1)
    footnote = make_footnote(elsewhere, "x", "theirs")
    for target in [
        url("decision-add", meeting, elsewhere.pk),
        url("decision-edit", meeting, decision.pk),
        url("decision-move", meeting, decision.pk),
        url("decision-delete", meeting, decision.pk),
        url("footnote-add", meeting, elsewhere.pk),
        url("footnote-edit", meeting, footnote.pk),
        url("footnote-delete", meeting, footnote.pk),
    ]:
        assert secretary.post(target, {"verb": "NOTED", "text": "x", "move": "up"}).status_code == 404, target
    assert Decision.objects.get(pk=decision.pk).text == "theirs"
    assert Footnote.objects.get(pk=footnote.pk).text == "theirs"


def test_hostile_input_is_inert_on_the_draft_and_the_meeting_page(secretary, meeting, item):
    for hostile in HOSTILE:
        assert add(secretary, meeting, item, "NOTED", f"the report {hostile}").status_code == 302
        response = secretary.post(
            url("footnote-add", meeting, item.pk),
            {"anchor_text": f"OPSG_53 {hostile}", "text": f"See {hostile}"},
        )
        assert response.status_code == 302
    for target in [
        url("meeting-draft", meeting),
        reverse("minutes:meeting-detail", args=[meeting.reference]),
    ]:
        page = secretary.get(target).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "javascript:alert(1)" in page  # as plain text only
    response = add(secretary, meeting, item, "NOTED", HOSTILE[0], **HTMX)
    assert "<script>alert" not in response.content.decode()


def test_a_verb_dropped_from_the_committees_list_is_shown_and_must_be_replaced(
    secretary, committee, meeting, item
):
    decision = make_decision(item, "RESOLVED", "that it is done", position=1)
    edit = url("decision-edit", meeting, decision.pk)
    page = secretary.get(edit).content.decode()
    assert '<option value="RESOLVED" selected>RESOLVED (not one of the committee\'s verbs)</option>' in page
    response = secretary.post(
        edit, {"verb": "RESOLVED", "text": "that it is done", "token": token(decision, "verb", "text")}
    )
    assert response.status_code == 422
    assert "Choose one of the committee&#x27;s verbs" in response.content.decode()
    committee.decision_verbs = "AGREED\nRESOLVED"
    committee.save()
    response = secretary.post(
        edit, {"verb": "RESOLVED", "text": "that it is done", "token": token(decision, "verb", "text")}
    )
    assert response.status_code == 302


def test_moves_and_deletions_keep_positions_from_one(meeting, item):
    from minutes.services.decisions import decision_delete, decision_move

    # Rows made elsewhere (the admin, an import) may all have position 0.
    first, second, third = (make_decision(item, "NOTED", text, position=0) for text in "abc")
    decision_move(decision=third, direction="up")
    assert stored(item) == [(1, "NOTED", "a"), (2, "NOTED", "c"), (3, "NOTED", "b")]
    decision_delete(decision=first)
    assert stored(item) == [(1, "NOTED", "c"), (2, "NOTED", "b")]


def test_the_services_refuse_minutes_no_longer_in_draft(meeting, item):
    from minutes.services.decisions import DraftClosed, decision_add, footnote_add

    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.Status.CIRCULATED)
    with pytest.raises(DraftClosed):
        decision_add(item=item, verb="NOTED", text="late")
    with pytest.raises(DraftClosed):
        footnote_add(item=item, anchor_text="x", text="late")
    assert stored(item) == [] and not Footnote.objects.exists()


def test_the_anchor_check_follows_the_mark_placement():
    from minutes.services.decisions import footnote_anchor_found

    markup = '<p>R&amp;D and <a href="https://example.com/plan">the plan</a> "quoted"</p>'
    assert footnote_anchor_found(markup, "R&D and")
    assert footnote_anchor_found(markup, "the plan")
    assert footnote_anchor_found(markup, '"quoted"')
    assert not footnote_anchor_found(markup, "example.com")  # only inside a tag
    assert not footnote_anchor_found(markup, "and the plan")  # across a tag
    assert not footnote_anchor_found(markup, "")


def test_the_draft_page_flags_footnotes_whose_words_are_not_in_the_text(secretary, meeting, item):
    make_footnote(item, "nowhere to be found", "Lost.")
    make_footnote(item, "OPSG_53", "Found.")
    assert (
        draft_text(secretary, meeting).count("These words are not in the text: the mark goes at the end.")
        == 1
    )

"""Redlines between two revision snapshots: what was inserted, deleted, edited and moved."""

import copy

from minutes.redline import DETAILS_KEY, redline, word_diff


def item(key, number, title="An item", paragraphs=(), *, parent=None, **parts):
    return {
        "key": key,
        "parent": parent,
        "number": number,
        "title": title,
        "deferred": False,
        "deferred_note": "",
        "html": "",
        "paragraphs": list(paragraphs),
        "decisions": parts.get("decisions", ""),
        "actions": parts.get("actions", []),
        "footnotes": parts.get("footnotes", []),
        "outstanding": parts.get("outstanding", []),
    }


def snapshot(*items, present=None, apologies=None, **details):
    return {
        "reference": "OPSG_55",
        "committee": "Operations Group",
        "held_on": "2021-08-23",
        "start_time": "12:20",
        "end_time": "15:20",
        "location": "Teleconference",
        "present": present if present is not None else [["DCC", ["Ann Example", "Bob Example"]]],
        "apologies": apologies or [],
        "items": list(items),
        "next_main_meeting_on": "2021-09-07",
        "next_reporting_meeting_on": None,
        **details,
    }


FIRST = "The DCC presented the monthly performance report for July."
SECOND = "Members asked about the SMETS1 migration and the remaining installations."
THIRD = "The Chair thanked everyone for their contributions to the discussion."


def by_key(results):
    return {entry.key: entry for entry in results}


def blocks(entry, section="paragraphs"):
    return entry.section(section).blocks


def kinds(block):
    return [(segment.kind, segment.text) for segment in block.segments]


def inserted(block):
    return "".join(s.text for s in block.segments if s.is_inserted)


def deleted(block):
    return "".join(s.text for s in block.segments if s.is_deleted)


def test_identical_snapshots_are_unchanged_everywhere():
    old = snapshot(
        item("item-1", "1", "Previous minutes", [FIRST], decisions="The OPSG AGREED the minutes."),
        item("item-2", "1.1", "A sub-item", [SECOND], parent="item-1", actions=["ACTION OPSG 55/01: Do it."]),
    )
    results = redline(old, copy.deepcopy(old))
    assert [entry.key for entry in results] == [DETAILS_KEY, "item-1", "item-2"]
    assert all(entry.is_unchanged for entry in results)
    assert all(entry.markers == [] for entry in results)
    assert all(not block.is_changed for entry in results for s in entry.sections for block in s.blocks)


def test_the_first_entry_is_attendance_and_details():
    results = redline(snapshot(), snapshot())
    assert results[0].title == "Attendance and details"
    assert [s.label for s in results[0].sections] == ["Meeting details", "Attendees"]


def test_words_inserted_into_a_paragraph():
    old = snapshot(item("item-1", "1", "Report", [FIRST]))
    new = snapshot(item("item-1", "1", "Report", [FIRST.replace("monthly", "monthly and quarterly")]))
    entry = by_key(redline(old, new))["item-1"]
    assert entry.status == "changed"
    [block] = blocks(entry)
    assert block.status == "changed"
    assert inserted(block) == " and quarterly"
    assert deleted(block) == ""
    assert block.text == FIRST.replace("monthly", "monthly and quarterly")


def test_words_deleted_from_a_paragraph():
    old = snapshot(item("item-1", "1", "Report", [FIRST]))
    new = snapshot(item("item-1", "1", "Report", [FIRST.replace(" monthly", "")]))
    [block] = blocks(by_key(redline(old, new))["item-1"])
    assert deleted(block) == " monthly"
    assert inserted(block) == ""


def test_words_replaced_within_a_paragraph_show_the_deletion_before_the_insertion():
    old = snapshot(item("item-1", "1", "Report", [FIRST]))
    new = snapshot(item("item-1", "1", "Report", [FIRST.replace("July", "August")]))
    [block] = blocks(by_key(redline(old, new))["item-1"])
    assert kinds(block) == [
        ("equal", "The DCC presented the monthly performance report for"),
        ("deleted", " July"),
        ("inserted", " August"),
        ("equal", "."),
    ]


def test_a_whole_paragraph_inserted_and_another_deleted():
    old = snapshot(item("item-1", "1", "Report", [FIRST, SECOND]))
    new = snapshot(item("item-1", "1", "Report", [FIRST, THIRD]))
    paragraphs = blocks(by_key(redline(old, new))["item-1"])
    assert [(b.status, b.text) for b in paragraphs] == [
        ("unchanged", FIRST),
        ("deleted", SECOND),
        ("inserted", THIRD),
    ]
    assert kinds(paragraphs[1]) == [("deleted", SECOND)]
    assert kinds(paragraphs[2]) == [("inserted", THIRD)]


def test_a_paragraph_moved_within_an_item_is_shown_as_moved():
    old = snapshot(item("item-1", "1", "Report", [FIRST, SECOND, THIRD]))
    new = snapshot(item("item-1", "1", "Report", [SECOND, THIRD, FIRST]))
    paragraphs = blocks(by_key(redline(old, new))["item-1"])
    assert [(b.status, b.text) for b in paragraphs] == [
        ("moved_away", FIRST),
        ("unchanged", SECOND),
        ("unchanged", THIRD),
        ("moved_here", FIRST),
    ]
    assert paragraphs[0].note == "Moved to paragraph 3 of this item"
    assert paragraphs[3].note == "Moved from paragraph 1 of this item"
    assert not any(b.status in ("inserted", "deleted") for b in paragraphs)


def test_a_paragraph_moved_between_items_names_both_places():
    old = snapshot(
        item("item-1", "3", "Performance", [FIRST]),
        item("item-2", "3.2", "Migration", [SECOND, THIRD], parent="item-1"),
        item("item-3", "4", "Any other business", []),
    )
    new = snapshot(
        item("item-1", "3", "Performance", [FIRST]),
        item("item-2", "3.2", "Migration", [SECOND], parent="item-1"),
        item("item-3", "4", "Any other business", [THIRD]),
    )
    results = by_key(redline(old, new))
    [*_, away] = blocks(results["item-2"])
    [here] = blocks(results["item-3"])
    assert (away.status, away.note, away.text) == ("moved_away", "Moved to item 4", THIRD)
    assert (here.status, here.note, here.text) == ("moved_here", "Moved from item 3.2", THIRD)
    assert kinds(here) == [("equal", THIRD)]


def test_a_paragraph_moved_with_a_small_edit_is_moved_and_shows_the_edit():
    edited = THIRD.replace("everyone", "everybody")
    old = snapshot(item("item-1", "1", "A", [FIRST, THIRD]), item("item-2", "2", "B", [SECOND]))
    new = snapshot(item("item-1", "1", "A", [FIRST]), item("item-2", "2", "B", [SECOND, edited]))
    results = by_key(redline(old, new))
    away = blocks(results["item-1"])[-1]
    here = blocks(results["item-2"])[-1]
    assert away.status == "moved_away"
    assert here.status == "moved_here"
    assert (deleted(here), inserted(here)) == (" everyone", " everybody")


def test_an_unrelated_rewrite_is_a_deletion_and_an_insertion_not_a_move():
    old = snapshot(item("item-1", "1", "A", [FIRST]), item("item-2", "2", "B", []))
    new = snapshot(item("item-1", "1", "A", []), item("item-2", "2", "B", [SECOND]))
    results = by_key(redline(old, new))
    assert [b.status for b in blocks(results["item-1"])] == ["deleted"]
    assert [b.status for b in blocks(results["item-2"])] == ["inserted"]


def test_an_added_item_is_marked_and_all_its_text_is_inserted():
    old = snapshot(item("item-1", "1", "Report", [FIRST]))
    new = snapshot(
        item("item-1", "1", "Report", [FIRST]),
        item("item-7", "2", "New business", [SECOND], decisions="The OPSG NOTED the update."),
    )
    results = redline(old, new)
    added = by_key(results)["item-7"]
    assert [entry.key for entry in results] == [DETAILS_KEY, "item-1", "item-7"]
    assert added.status == "inserted"
    assert [m.code for m in added.markers] == ["added"]
    assert kinds(blocks(added)[0]) == [("inserted", SECOND)]
    assert [(s.kind, s.text) for s in added.title_segments] == [("inserted", "New business")]
    assert [b.status for b in blocks(added, "decisions")] == ["inserted"]
    assert by_key(results)["item-1"].is_unchanged


def test_a_removed_item_stays_where_it_was_with_its_text_deleted():
    old = snapshot(
        item("item-1", "1", "Report", [FIRST]),
        item("item-2", "2", "Withdrawn paper", [SECOND], actions=["ACTION OPSG 55/02: Write it."]),
        item("item-3", "3", "Any other business", [THIRD]),
    )
    new = snapshot(item("item-1", "1", "Report", [FIRST]), item("item-3", "2", "Any other business", [THIRD]))
    results = redline(old, new)
    assert [entry.key for entry in results] == [DETAILS_KEY, "item-1", "item-2", "item-3"]
    removed = by_key(results)["item-2"]
    assert removed.status == "deleted"
    assert removed.number == "2"
    assert [m.code for m in removed.markers] == ["removed"]
    assert [(b.status, b.text) for b in blocks(removed)] == [("deleted", SECOND)]
    assert [b.status for b in blocks(removed, "actions")] == ["deleted"]


def test_a_renumbered_item_is_compared_with_itself():
    old = snapshot(
        item("item-1", "1", "Report", [FIRST]),
        item("item-2", "2", "Withdrawn paper", []),
        item("item-3", "3", "Any other business", [THIRD]),
    )
    new = snapshot(item("item-1", "1", "Report", [FIRST]), item("item-3", "2", "Any other business", [THIRD]))
    renumbered = by_key(redline(old, new))["item-3"]
    assert [(m.code, m.text) for m in renumbered.markers] == [("renumbered", "Renumbered (was 3)")]
    assert (renumbered.number, renumbered.old_number) == ("2", "3")
    # Its text did not change: the page may fold it.
    assert renumbered.is_unchanged
    assert [b.status for b in blocks(renumbered)] == ["unchanged"]


def test_a_moved_and_renamed_item_is_marked_and_its_title_diffed():
    old = snapshot(
        item("item-1", "1", "Report", [FIRST]),
        item("item-2", "2", "AOB", [SECOND]),
        item("item-3", "3", "Close", [THIRD]),
    )
    new = snapshot(
        item("item-2", "1", "AOB items", [SECOND]),
        item("item-1", "2", "Report", [FIRST]),
        item("item-3", "3", "Close", [THIRD]),
    )
    results = by_key(redline(old, new))
    moved = results["item-2"]
    assert [m.code for m in moved.markers] == ["moved", "renamed"]
    assert moved.markers[0].text == "Moved (was item 2)"
    assert [(s.kind, s.text) for s in moved.title_segments] == [("equal", "AOB"), ("inserted", " items")]
    assert moved.status == "changed"
    assert results["item-3"].is_unchanged


def test_an_item_moved_under_another_parent_is_marked_moved():
    old = snapshot(
        item("item-1", "1", "A"), item("item-2", "2", "B"), item("item-3", "2.1", "C", parent="item-2")
    )
    new = snapshot(
        item("item-1", "1", "A"), item("item-3", "1.1", "C", parent="item-1"), item("item-2", "2", "B")
    )
    moved = by_key(redline(old, new))["item-3"]
    assert moved.level == 2
    assert moved.markers[0].code == "moved"
    assert moved.markers[0].text == "Moved (was item 2.1)"


def test_changed_decisions_and_actions():
    old = snapshot(
        item(
            "item-1",
            "1",
            "Report",
            decisions="The OPSG NOTED the report.",
            actions=[
                "ACTION OPSG 55/01: The DCC to report back by June.",
                "ACTION OPSG 55/02: SECAS to circulate.",
            ],
        )
    )
    new = snapshot(
        item(
            "item-1",
            "1",
            "Report",
            decisions="The OPSG: NOTED the report; and AGREED the plan.",
            actions=[
                "ACTION OPSG 55/01: The DCC to report back by July.",
                "ACTION OPSG 55/03: The DCC to check.",
            ],
        )
    )
    entry = by_key(redline(old, new))["item-1"]
    [decision] = blocks(entry, "decisions")
    assert decision.status == "changed"
    assert "AGREED the plan" in inserted(decision)
    actions = blocks(entry, "actions")
    assert [(b.status, b.text) for b in actions] == [
        ("changed", "ACTION OPSG 55/01: The DCC to report back by July."),
        ("deleted", "ACTION OPSG 55/02: SECAS to circulate."),
        ("inserted", "ACTION OPSG 55/03: The DCC to check."),
    ]
    assert (deleted(actions[0]), inserted(actions[0])) == (" June", " July")


def test_an_action_moved_to_another_item_is_shown_as_moved():
    action = "ACTION OPSG 55/01: The DCC to report back."
    old = snapshot(item("item-1", "1", "A", actions=[action]), item("item-2", "2", "B"))
    new = snapshot(item("item-1", "1", "A"), item("item-2", "2", "B", actions=[action]))
    results = by_key(redline(old, new))
    assert [(b.status, b.note) for b in blocks(results["item-1"], "actions")] == [
        ("moved_away", "Moved to item 2")
    ]
    assert [(b.status, b.note) for b in blocks(results["item-2"], "actions")] == [
        ("moved_here", "Moved from item 1")
    ]


def test_footnotes_and_outstanding_rows_are_compared():
    row = {
        "reference": "OPSG 54/01",
        "text": "The DCC to report.",
        "raised_on": "2021-07-01",
        "last_target_on": "2021-08-01",
        "revised_target_on": None,
        "owners": "DCC",
        "update": "Progress.",
        "status": "Open",
    }
    old = snapshot(item("item-1", "2", "Actions Outstanding", footnotes=["A note."], outstanding=[row]))
    new = snapshot(
        item(
            "item-1",
            "2",
            "Actions Outstanding",
            footnotes=["A longer note."],
            outstanding=[{**row, "update": "Done.", "status": "Closed"}],
        )
    )
    entry = by_key(redline(old, new))["item-1"]
    [footnote] = blocks(entry, "footnotes")
    assert inserted(footnote) == " longer"
    [outstanding] = blocks(entry, "outstanding")
    assert outstanding.status == "changed"
    assert "OPSG 54/01" in outstanding.text
    assert "Closed" in inserted(outstanding)
    assert "Open" in deleted(outstanding)


def test_attendance_changes_and_people_moving_to_apologies():
    old = snapshot(present=[["DCC", ["Ann Example", "Bob Example"]]])
    new = snapshot(
        present=[["DCC", ["Ann Example"]], ["SECAS", ["Cat Example (Meeting Secretary)"]]],
        apologies=[["DCC", ["Bob Example"]]],
        location="Room 4, London",
    )
    details = redline(old, new)[0]
    assert details.status == "changed"
    present = blocks(details, "present")
    assert [(b.status, b.text) for b in present] == [
        ("unchanged", "Ann Example – DCC"),
        ("moved_away", "Bob Example – DCC"),
        ("inserted", "Cat Example (Meeting Secretary) – SECAS"),
    ]
    assert present[1].note == "Moved to Apologies"
    [apology] = blocks(details, "apologies")
    assert (apology.status, apology.note) == ("moved_here", "Moved from Attendees")
    location = next(b for b in blocks(details, "details") if "Location" in b.text)
    assert (deleted(location), inserted(location)) == (" Teleconference", " Room 4, London")


def test_a_changed_meeting_date_is_shown_in_the_details():
    details = redline(snapshot(), snapshot(held_on="2021-08-24"))[0]
    [date] = [b for b in blocks(details, "details") if b.is_changed]
    assert (deleted(date), inserted(date)) == (" 23", " 24")


def test_word_diff_of_hostile_text_keeps_it_as_plain_text():
    segments = word_diff("<b>safe</b>", "<script>alert(1)</script>")
    assert "".join(s.text for s in segments if not s.is_deleted) == "<script>alert(1)</script>"
    assert "".join(s.text for s in segments if not s.is_inserted) == "<b>safe</b>"

"""A secretary imports the committee's old action log in Chromium: upload, preview, say what a
column and a status are, import, and find the actions in the log."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOG = (
    "Ref;What;Date raised;Owner;Status;Latest update\n"
    "OPSG 30/01;The DCC to report on the outage.;12/03/2021;DCC;Complete;Reported.\n"
    "OPSG 30/02;SECAS to write to members.;12/03/2021;SECAS / Alex Baker;Open;Drafted.\n"
)


def test_a_secretary_uploads_previews_maps_and_imports(
    page, live_server, log_in, tmp_path, assert_accessible, task_worker
):
    call_command("load_demo", verbosity=0)
    path = tmp_path / "old-log.csv"
    path.write_text(LOG, encoding="utf-8-sig")
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Import actions into OPSG").click()
    expect(page.get_by_role("heading", name="Import actions into OPSG")).to_be_visible()
    page.get_by_label("Action log").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Import old-log.csv into OPSG")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text("No column is recognised as holding the action")
    assert_accessible(page)
    page.get_by_label("Column “What”").select_option(label="Action")
    page.get_by_role("button", name="Apply and preview again").click()
    page.get_by_label("Status “Complete”").select_option(label="Closed (closed)")
    page.get_by_role("button", name="Apply and preview again").click()

    expect(page.locator("#import-summary")).to_contain_text("2 new")
    expect(page.locator("#new-owners")).to_contain_text("Alex Baker (person)")
    expect(page.locator("#new-meetings")).to_contain_text("OPSG_30")
    rows = page.get_by_role("table")
    expect(rows.get_by_role("row", name="OPSG 30/01")).to_contain_text("New")
    assert not Action.objects.filter(reference__startswith="OPSG 30/").exists()
    page.get_by_role("button", name=re.compile(r"^Import 2 new")).click()

    # The import runs in the background; its page follows it and says when it is done.
    expect(page.get_by_role("heading", level=1)).to_have_text("Import old-log.csv into OPSG")
    expect(page.locator("#job-status")).to_have_text(
        "Done: Imported old-log.csv: 2 new, 0 updated, 0 unchanged."
    )
    assert_accessible(page)
    page.get_by_role("link", name="See the result").click()
    expect(page.locator("#import-result")).to_contain_text("2 new")
    assert Action.objects.get(reference="OPSG 30/01").is_closed
    page.get_by_role("link", name="Open the action log").click()
    page.get_by_label("Search").fill("outage")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name="OPSG 30/01")).to_be_visible()

"""Published minutes keep the names and order of the seat categories they were published with
(Meeting.printed_conventions["seat_categories"]), so that renaming a category on the settings
page changes drafts only.

Minutes published before this migration take the categories of today, which are those they
were published with as long as nobody has renamed them since.
"""

import importlib

from django.db import migrations

guards = importlib.import_module("minutes.migrations.0013_printed_conventions")


def keep_seat_categories(apps, schema_editor):
    """Published meetings are frozen by the database (migrations 0004 and 0013): the guards are
    off for this one update, on both engines."""
    Meeting = apps.get_model("minutes", "Meeting")
    SeatCategory = apps.get_model("minutes", "SeatCategory")
    published = list(Meeting.objects.filter(minutes_status="published"))
    if not published:
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE minutes_meeting DISABLE TRIGGER minutes_meeting_published_guard")
    else:
        guards.guards_off(apps, schema_editor)
    for meeting in published:
        conventions = dict(meeting.printed_conventions or {})
        conventions["seat_categories"] = [
            [pk, name]
            for pk, name in SeatCategory.objects.filter(committee_id=meeting.committee_id)
            .order_by("position", "id")
            .values_list("pk", "name")
        ]
        Meeting.objects.filter(pk=meeting.pk).update(printed_conventions=conventions)
    if postgres:
        schema_editor.execute("ALTER TABLE minutes_meeting ENABLE TRIGGER minutes_meeting_published_guard")
    else:
        guards.guards_again(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0014_meeting_imported_from"),
    ]

    operations = [
        migrations.RunPython(keep_seat_categories, migrations.RunPython.noop),
    ]

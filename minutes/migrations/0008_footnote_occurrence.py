"""A footnote follows a chosen occurrence of its anchor words (the first, unless said otherwise).

On SQLite, adding the column rebuilds the footnote table, which drops its triggers
(migration 0004): they are made again, so that published minutes stay guarded there too.
"""

import importlib

from django.db import migrations, models

guard = importlib.import_module("minutes.migrations.0004_published_minutes_guard")


def footnote_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        existing = {
            name for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        }
    for statement in guard.sqlite_statements():
        name = statement.split()[2]
        if name.startswith("minutes_footnote_") and name not in existing:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0007_committee_decision_list")]

    operations = [
        migrations.AddField(
            model_name="footnote",
            name="occurrence",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="Which time the anchor words appear: 1 for the first, 2 for the second, …"
            ),
        ),
        migrations.AddField(
            model_name="historicalfootnote",
            name="occurrence",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="Which time the anchor words appear: 1 for the first, 2 for the second, …"
            ),
        ),
        migrations.RunPython(footnote_triggers_again, migrations.RunPython.noop),
    ]

"""A committee's action reference convention: its pattern, and numbering per meeting or per committee."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("minutes", "0005_history")]

    operations = [
        migrations.AddField(
            model_name="committee",
            name="action_reference",
            field=models.CharField(
                default="{code} {meeting}/{n:02}",
                help_text="How action references read: {code} the committee's code, {meeting} the meeting's "
                "number, {n} the action's number, zero-padded as in {n:02}. E.g. {code} {meeting}/{n:02} "
                "(OPSG 55/01), Action {n:03} (Action 004), {n:04} (0606).",
                max_length=60,
                verbose_name="action reference pattern",
            ),
        ),
        migrations.AddField(
            model_name="committee",
            name="action_numbering",
            field=models.CharField(
                choices=[
                    ("meeting", "Per meeting: 1, 2, … at each meeting"),
                    ("committee", "Per committee: continuing from meeting to meeting"),
                ],
                default="meeting",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="committee",
            name="last_action_number",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]

"""What the action log filters and sorts by, stored on each action: the target date in force
(filled from the history) and the first owner's name; indexes for the log's orders."""

from django.db import migrations, models

# The target date in force: the latest step of each action's history (as the signal keeps it).
FILL = (
    "UPDATE actions_action SET due_on = ("
    "SELECT t.target_on FROM actions_targetdate t WHERE t.action_id = actions_action.id "
    "ORDER BY t.recorded_at DESC, t.id DESC LIMIT 1)"
)

# The first owner's name, organisations first (as Action.refresh_search_document keeps it).
FILL_OWNER_SORT = (
    "UPDATE actions_action SET owner_sort = COALESCE("
    "(SELECT o.name FROM minutes_organisation o JOIN actions_action_owner_organisations t "
    "ON t.organisation_id = o.id WHERE t.action_id = actions_action.id ORDER BY o.name LIMIT 1), "
    "(SELECT p.name FROM minutes_person p JOIN actions_action_owner_people t "
    "ON t.person_id = p.id WHERE t.action_id = actions_action.id ORDER BY p.name LIMIT 1), '')"
)


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0004_action_search_index'),
        ('minutes', '0005_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='action',
            name='due_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='target date in force'),
        ),
        migrations.AddField(
            model_name='historicalaction',
            name='due_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='target date in force'),
        ),
        migrations.AddIndex(
            model_name='action',
            index=models.Index(fields=['due_on', 'status'], name='action_due_status'),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                models.Case(models.When(status="closed", then=models.Value(1)), default=models.Value(0)),
                models.F("due_on"),
                name="action_closed_last_due",
            ),
        ),
        migrations.AddField(
            model_name="action",
            name="owner_sort",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="owner_sort",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["owner_sort"], name="action_owner_sort"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_OWNER_SORT, migrations.RunSQL.noop),
    ]

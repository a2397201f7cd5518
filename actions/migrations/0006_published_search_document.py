"""What readers may search: the search document without the updates given at meetings whose
minutes are not published. Filled for the existing actions; a GIN index on PostgreSQL over the
expression Django's SearchVector compiles to (as migration 0004 for the whole document)."""

from django.db import migrations, models

CREATE = (
    "CREATE INDEX IF NOT EXISTS action_published_search_gin ON actions_action "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(published_search_document, '')))"
)
DROP = "DROP INDEX IF EXISTS action_published_search_gin"


def fill(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    for action in Action.objects.prefetch_related("owner_organisations", "owner_people").iterator(chunk_size=2000):
        organisations = sorted(o.name for o in action.owner_organisations.all())
        people = sorted(p.name for p in action.owner_people.all())
        published = action.updates.filter(
            models.Q(meeting__isnull=True) | models.Q(meeting__minutes_status="published")
        ).order_by("given_on", "id")
        document = "\n".join(
            [action.reference, action.text, " ".join(organisations + people), *published.values_list("text", flat=True)]
        )
        Action.objects.filter(pk=action.pk).update(published_search_document=document)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("actions", "0005_action_due_on")]

    operations = [
        migrations.AddField(
            model_name="action",
            name="published_search_document",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="published_search_document",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, drop),
    ]

"""The action log's search: fill the search document; a full-text GIN index on PostgreSQL.

The indexed expression is the one Django's SearchVector compiles to (with COALESCE),
so that PostgreSQL uses the index.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS action_search_gin ON actions_action "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(search_document, '')))"
)
DROP = "DROP INDEX IF EXISTS action_search_gin"


def create(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    for action in Action.objects.prefetch_related("owner_organisations", "owner_people", "updates"):
        owners = [o.name for o in action.owner_organisations.all()] + [p.name for p in action.owner_people.all()]
        document = "\n".join([action.reference, action.text, " ".join(owners), *[u.text for u in action.updates.all()]])
        Action.objects.filter(pk=action.pk).update(search_document=document)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("actions", "0003_action_log")]

    operations = [migrations.RunPython(create, drop)]

"""References are unique within a committee (committees have conventions of their own), and each
action keeps its reference as a URL part (`slug`), unique within the committee too."""

import re

from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    for pk, reference in Action.objects.values_list("pk", "reference").iterator(chunk_size=5000):
        Action.objects.filter(pk=pk).update(slug=re.sub(r"[^A-Za-z0-9]+", "-", reference).strip("-"))


class Migration(migrations.Migration):
    dependencies = [("actions", "0006_published_search_document"), ("minutes", "0006_committee_action_reference")]

    operations = [
        migrations.AddField(
            model_name="action",
            name="slug",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="slug",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="reference",
            field=models.CharField(editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name="historicalaction",
            name="reference",
            field=models.CharField(editable=False, max_length=40),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["reference"], name="action_reference"),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.UniqueConstraint(fields=("committee", "reference"), name="unique_action_reference"),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.UniqueConstraint(fields=("committee", "slug"), name="unique_action_slug"),
        ),
    ]

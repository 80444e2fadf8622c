"""Voter-count and results imports get the status every import has (`core.imports`).

Imports already written (they have `confirmed_at`) become "confirmed"; the rest stay previews.
"""

from django.db import migrations, models


def _confirmed_from_date(apps, schema_editor):
    FiguresImport = apps.get_model("analytics", "FiguresImport")
    FiguresImport.objects.filter(confirmed_at__isnull=False).update(status="confirmed")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_merge_results_and_approach_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="figuresimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("preview", "Pratinjau"),
                    ("confirmed", "Tersimpan"),
                    ("cancelled", "Dibatalkan"),
                ],
                default="preview",
                max_length=20,
            ),
        ),
        migrations.RunPython(_confirmed_from_date, migrations.RunPython.noop),
    ]

"""GapReport.headlines and .backfilled: kept beside the report's data so the dashboard's trend,
the list of reports and the API read them without PostgreSQL decompressing each report's gaps
(megabytes at national scale). Filled here one report at a time."""

from django.db import migrations, models


def fill_headlines(apps, schema_editor):
    GapReport = apps.get_model("actionplan", "GapReport")
    rows = GapReport.objects.values_list("pk", "data__headlines", "data__backfilled")
    for pk, headlines, backfilled in rows.iterator(chunk_size=100):
        GapReport.objects.filter(pk=pk).update(headlines=headlines or {}, backfilled=bool(backfilled))


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0003_gap_report_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapreport",
            name="headlines",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="gapreport",
            name="backfilled",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill_headlines, migrations.RunPython.noop),
    ]

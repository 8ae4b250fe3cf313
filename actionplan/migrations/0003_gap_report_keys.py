"""GapReport.gap_keys: every gap's key kept beside the report's data, so "new gaps since last
week's report" need not load the report's gaps. Filled here for the current reports (one report
read at a time: a national report's gaps are megabytes of JSON)."""

from django.db import migrations, models


def fill_gap_keys(apps, schema_editor):
    GapReport = apps.get_model("actionplan", "GapReport")
    current = GapReport.objects.filter(is_current=True).values_list("pk", "data__gaps")
    for pk, gaps in current.iterator(chunk_size=1):
        keys = sorted(
            {f"{g.get('rule')}:{g.get('care_home_id') or ''}:{g.get('pcn_id') or ''}" for g in gaps or []}
        )
        if keys:
            GapReport.objects.filter(pk=pk).update(gap_keys=keys)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0002_chart_image"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapreport",
            name="gap_keys",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(fill_gap_keys, migrations.RunPython.noop),
    ]

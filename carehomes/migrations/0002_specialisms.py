from django.db import migrations

SPECIALISMS = {
    "dementia": "Dementia",
    "learning-disability": "Learning disability",
    "mental-health": "Mental health",
    "older-people": "Older people",
    "physical-disability": "Physical disability",
}


def make_specialisms(apps, schema_editor):
    Specialism = apps.get_model("carehomes", "Specialism")
    for code, name in SPECIALISMS.items():
        Specialism.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("carehomes", "0001_initial")]
    operations = [migrations.RunPython(make_specialisms, migrations.RunPython.noop)]

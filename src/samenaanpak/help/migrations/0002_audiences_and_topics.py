from django.db import migrations

AUDIENCES = [("jongeren", "Jongeren"), ("ouders", "Ouders"), ("familie-en-vrienden", "Familie en vrienden"),
             ("professionals", "Professionals")]
TOPICS = [("drugs", "Drugs"), ("alcohol", "Alcohol"), ("terugval-nazorg", "Terugval en nazorg"),
          ("zorgen-om-een-ander", "Zorgen om een ander"), ("preventie", "Preventie")]


def create(apps, schema_editor):
    for model_name, rows in (("Audience", AUDIENCES), ("Topic", TOPICS)):
        model = apps.get_model("help", model_name)
        for order, (slug, name) in enumerate(rows):
            model.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("help", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""Help offers: the fixed `area` choice becomes `reach` plus kernen from core.Area (data).

Old values: 'regio' and 'landelijk' keep their meaning. The old default (the municipality's own
name, which was also its main kern) becomes 'hele gemeente', so an offer for the whole municipality
shows under every kern's filter. Any other value was a kern: the offer is limited to it, and its
Area is created when the content has not made it yet."""

import modelcluster.fields
from django.db import migrations, models

OLD_DEFAULT = "nijkerk"  # the old field's default, as in 0001_initial
KEPT = ("regio", "landelijk")


def areas_from_old_choices(apps, schema_editor):
    HelpOffer = apps.get_model("help", "HelpOffer")
    Area = apps.get_model("core", "Area")
    for offer in HelpOffer.objects.all():
        if offer.area in KEPT:
            offer.reach = offer.area
        elif offer.area == OLD_DEFAULT or not offer.area:
            offer.reach = "gemeente"
        else:
            area, _ = Area.objects.get_or_create(
                slug=offer.area,
                defaults={"name": offer.area.capitalize(), "sort_order": Area.objects.count()},
            )
            offer.reach = "kernen"
            # The historical model is not a ClusterableModel: write the link row itself.
            HelpOffer.areas.through.objects.create(helpoffer_id=offer.pk, area_id=area.pk)
        offer.save(update_fields=["reach"])


def old_choices_from_areas(apps, schema_editor):
    HelpOffer = apps.get_model("help", "HelpOffer")
    for offer in HelpOffer.objects.all():
        if offer.reach in KEPT:
            offer.area = offer.reach
        else:
            links = HelpOffer.areas.through.objects.filter(helpoffer_id=offer.pk)
            first = links.order_by("area__sort_order").first() if offer.reach == "kernen" else None
            offer.area = first.area.slug[:20] if first else OLD_DEFAULT
        offer.save(update_fields=["area"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_area_loadedcontent'),
        ('help', '0002_audiences_and_topics'),
    ]

    operations = [
        migrations.AddField(
            model_name='helpoffer',
            name='areas',
            field=modelcluster.fields.ParentalManyToManyField(blank=True, help_text='Alleen bij ‘Alleen in de gekozen kernen’.', related_name='help_offers', to='core.area', verbose_name='kernen'),
        ),
        migrations.AddField(
            model_name='helpoffer',
            name='reach',
            field=models.CharField(choices=[('gemeente', 'Hele gemeente'), ('kernen', 'Alleen in de gekozen kernen'), ('regio', 'Regio'), ('landelijk', 'Landelijk of online')], default='gemeente', max_length=20, verbose_name='gebied'),
        ),
        migrations.RunPython(areas_from_old_choices, old_choices_from_areas),
        migrations.RemoveField(
            model_name='helpoffer',
            name='area',
        ),
    ]

"""Loader of the content kind `help_offers`. Each offer names its audiences, topics and kernen
(`areas`) by slug; `reach` is gemeente, kernen, regio or landelijk; `hours` is a list of
{days: [0-6, Monday is 0], opens: "09:00", closes: "17:00"}."""

from samenaanpak.core.content import field_values, loader
from samenaanpak.core.models import Area

from .models import Audience, HelpOffer, OpeningHours, Topic, ensure_reference_data


@loader("help_offers")
def load_help_offers(items, context):
    ensure_reference_data()
    for item in items:
        context.once(
            "help_offer",
            item["name"],
            HelpOffer,
            find=lambda item=item: HelpOffer.objects.filter(name=item["name"]).first(),
            create=lambda item=item: _create_offer(item),
        )


def _create_offer(item):
    item = dict(item)
    audiences, topics, areas, hours = (
        item.pop(name, []) for name in ("audiences", "topics", "areas", "hours")
    )
    offer = HelpOffer.objects.create(**field_values(HelpOffer, item))
    offer.audiences.set(Audience.objects.filter(slug__in=audiences))
    offer.topics.set(Topic.objects.filter(slug__in=topics))
    offer.areas.set(Area.objects.filter(slug__in=areas))
    offer.save()  # modelcluster keeps parental many-to-many changes in memory until save()
    for period in hours:
        for weekday in period["days"]:
            OpeningHours.objects.create(
                offer=offer,
                weekday=weekday,
                opens=_time(period["opens"]),
                closes=_time(period["closes"]),
            )
    return offer


def _time(value):
    """'09:00'; YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020."""
    if isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value

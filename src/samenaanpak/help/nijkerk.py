"""Help content for Nijkerk: the /hulp/ page, the four local contact persons as offers, and
well-known national services as examples for the editors to verify. Loaded once, like the rest
of the Nijkerk content; later runs leave editors' changes alone."""

import datetime

from django.contrib.auth.models import Group, Permission

from samenaanpak.core.content import replace_placeholder_page
from samenaanpak.core.models import ContactPerson, HomePage

from .models import Audience, HelpIndexPage, HelpOffer, OpeningHours, Topic, ensure_reference_data

EXAMPLE_CHECKED = datetime.date(2026, 11, 1)

NATIONAL = [
    {
        "name": "113 Zelfmoordpreventie",
        "organisation": "Stichting 113",
        "kind": HelpOffer.Kind.PHONE_LINE,
        "description": "Praten over zelfmoordgedachten, voor jezelf of over iemand anders. Bellen of chatten.",
        "phone": "0800-0113",
        "chat_url": "https://www.113.nl/",
        "website": "https://www.113.nl/",
        "always_open": True,
        "audiences": ["jongeren", "ouders", "familie-en-vrienden"],
        "topics": ["zorgen-om-een-ander"],
    },
    {
        "name": "De Kindertelefoon",
        "organisation": "De Kindertelefoon",
        "kind": HelpOffer.Kind.PHONE_LINE,
        "description": "Voor kinderen en jongeren tot 18 jaar die ergens over willen praten. Bellen of chatten.",
        "phone": "0800-0432",
        "chat_url": "https://www.kindertelefoon.nl/",
        "website": "https://www.kindertelefoon.nl/",
        "hours": [(d, "11:00", "21:00") for d in range(7)],
        "audiences": ["jongeren"],
        "topics": ["drugs", "alcohol", "zorgen-om-een-ander"],
    },
    {
        "name": "Drugs Infolijn",
        "organisation": "Trimbos-instituut",
        "kind": HelpOffer.Kind.PHONE_LINE,
        "description": "Vragen over drugs en de risico's, voor gebruikers, ouders en anderen.",
        "phone": "0900-1995",
        "website": "https://www.drugsinfo.nl/",
        "cost": HelpOffer.Cost.OTHER,
        "cost_note": "Gewone belkosten",
        "hours": [(d, "09:00", "17:00") for d in range(5)],
        "audiences": ["jongeren", "ouders", "familie-en-vrienden", "professionals"],
        "topics": ["drugs", "preventie"],
    },
    {
        "name": "Jellinek Adviespunt",
        "organisation": "Jellinek",
        "kind": HelpOffer.Kind.CHAT,
        "description": "Anoniem advies over alcohol, drugs en gokken: chat, mail of bel met een adviseur.",
        "phone": "088-5051220",
        "website": "https://www.jellinek.nl/",
        "chat_url": "https://www.jellinek.nl/",
        "hours": [(d, "09:00", "17:00") for d in range(5)],
        "audiences": ["jongeren", "ouders", "familie-en-vrienden"],
        "topics": ["drugs", "alcohol", "terugval-nazorg"],
    },
]


def _create_offer(spec, **defaults):
    spec = {**defaults, **spec}
    audiences, topics, hours = (
        spec.pop("audiences", []),
        spec.pop("topics", []),
        spec.pop("hours", []),
    )
    offer = HelpOffer.objects.create(**spec)
    offer.audiences.set(Audience.objects.filter(slug__in=audiences))
    offer.topics.set(Topic.objects.filter(slug__in=topics))
    offer.save()  # modelcluster keeps parental many-to-many changes in memory until save()
    for weekday, opens, closes in hours:
        OpeningHours.objects.create(offer=offer, weekday=weekday, opens=opens, closes=closes)
    return offer


def load():
    home = HomePage.objects.first()
    ensure_reference_data()
    _permissions()
    if home is None:
        return
    if HelpIndexPage.objects.exists():
        return
    page = replace_placeholder_page(
        home,
        "hulp",
        HelpIndexPage(
            title="Ik zoek hulp",
            slug="hulp",
            show_in_menus=True,
            intro="Met wie kunt u praten? Hier vindt u hulp in Nijkerk, Nijkerkerveen en Hoevelaken, en hulp "
            "die u anoniem via telefoon, chat of internet krijgt.",
            online_intro="Hulp die u online vindt, wanneer het u uitkomt en vaak anoniem. De denktank Behandeling "
            "brengt deze hulp in kaart.",
        ),
    )
    if page is None:
        return
    if not HelpOffer.objects.exists():
        for person in ContactPerson.objects.filter(active=True):
            _create_offer(
                {
                    "name": person.name,
                    "kind": HelpOffer.Kind.LOCAL_PERSON,
                    "phone": person.phone,
                    "description": "Contactpersoon in Nijkerk. Bel voor een luisterend oor of om samen uit te zoeken "
                    "welke hulp past.",
                    "audiences": ["jongeren", "ouders", "familie-en-vrienden"],
                    "topics": ["drugs", "zorgen-om-een-ander", "terugval-nazorg"],
                },
                area=HelpOffer.Area.NIJKERK,
                last_checked=datetime.date(2015, 11, 16),
            )
        for spec in NATIONAL:
            _create_offer(
                spec,
                area=HelpOffer.Area.NATIONAL,
                anonymous_possible=True,
                is_example=True,
                last_checked=EXAMPLE_CHECKED,
            )
    return page


def _permissions():
    """Redacteur edits the help directory (Beheerder has every permission already)."""
    redacteur = Group.objects.filter(name="Redacteur").first()
    if redacteur:
        redacteur.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="help",
                codename__in=["add_helpoffer", "change_helpoffer", "delete_helpoffer"],
            )
        )

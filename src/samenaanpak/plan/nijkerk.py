"""The Nijkerk content: the plan of approach, its history, think tanks and aims, the help contacts
and the policy officer, written from the founding document (shared/seeds).

Loading is idempotent and never touches what editors did: the content is loaded into a site that
has no home page yet, once. Later runs only make sure the back-office groups and their
permissions exist (configuration, not content), so a renamed or deleted page, action or contact
person stays renamed or deleted."""

import datetime
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from samenaanpak.core.history import record_status
from samenaanpak.core.models import ContactPerson, ContentPage, HomePage, SiteSettings

from .models import (
    Action,
    Goal,
    NewsIndexPage,
    PlanPage,
    ThinkTankIndexPage,
    ThinkTankPage,
    UpdatePage,
)
from .status import Status


def _rt(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _body(*blocks):
    """StreamField JSON from ('heading', text) / ('paragraph', html) / ('quote', text) tuples."""
    out = []
    for kind, value in blocks:
        if kind == "heading":
            out.append({"type": "heading", "value": {"text": value, "level": "h2"}})
        elif kind == "quote":
            out.append({"type": "quote", "value": {"text": value, "source": ""}})
        else:
            out.append({"type": "paragraph", "value": value})
    return json.dumps(out)


THINK_TANKS = [
    {
        "slug": "preventie",
        "title": "Preventie",
        "group": "Denktank Preventie",
        "intro": "Voorkomen dat jongeren met drugs beginnen: voorlichting, bewustwording en weerbaarheid.",
        "focus": _rt(
            "De denktank Preventie wil dat jongeren, hun ouders en hun vrienden weten wat drugs doen, "
            "en dat jongeren sterk genoeg staan om nee te zeggen als de groep ja zegt.",
            "We werken ‘outreachend’: we gaan naar de plekken waar jongeren zijn, in plaats van te wachten "
            "tot zij bij ons komen. Zinvolle vrijetijdsbesteding hoort daar nadrukkelijk bij.",
        ),
    },
    {
        "slug": "nazorg-familie-en-vrienden",
        "title": "Nazorg, familie en vrienden",
        "group": "Denktank Nazorg, familie en vrienden",
        "intro": "Steun voor wie een behandeling achter de rug heeft, en voor de mensen om hen heen.",
        "focus": _rt(
            "Na een behandeling begint het pas echt. Deze denktank wil terugval voorkomen en zorgen dat "
            "ouders, familie en vrienden op tijd de juiste informatie krijgen.",
            "Familie en vrienden zijn onmisbaar in een sluitende aanpak. We helpen hen om te helpen.",
        ),
    },
    {
        "slug": "behandeling",
        "title": "Behandeling",
        "group": "Denktank Behandeling",
        "intro": "Hulp dichtbij en op maat, met aandacht voor de hele mens en voor hulp via internet.",
        "focus": _rt(
            "Een verslaving staat nooit op zichzelf. De denktank Behandeling wil de bron aanpakken en naar "
            "de totale mens kijken, en hulp dichtbij organiseren voor wie die zoekt.",
            "Veel hulp is ook online te vinden. We brengen die in kaart en maken haar bekend.",
        ),
    },
    {
        "slug": "aanbod",
        "title": "Aanbod",
        "group": "Denktank Aanbod",
        "intro": "Minder drugs op straat: het aanbod en de vraag verkleinen, en meldingen serieus nemen.",
        "focus": _rt(
            "Zolang drugs makkelijk te krijgen zijn, blijft het gebruik hoog. Deze denktank werkt aan een "
            "kleiner aanbod en een kleinere vraag.",
            "Daarvoor is nodig dat inwoners durven te melden wat ze zien. We willen de meldingsbereidheid "
            "vergroten, met een veilige en anonieme manier om te melden.",
        ),
    },
]

# The eleven aims of the founding document, each with the think tank that owns it.
GOALS = [
    ("nazorg-familie-en-vrienden", "Terugval voorkomen na een behandeling"),
    ("behandeling", "De bron van de verslaving aanpakken en naar de totale mens kijken"),
    (
        "nazorg-familie-en-vrienden",
        "Ouders, familie en vrienden juist en op tijd informeren en de omgeving in beweging brengen",
    ),
    ("behandeling", "Hulp via internet in kaart brengen en bekendmaken"),
    ("nazorg-familie-en-vrienden", "Een sluitende aanpak, samen met familie en vrienden"),
    ("preventie", "Een vrijplaats waar jongeren open met elkaar praten en elkaar advies geven"),
    ("preventie", "Geïndiceerde preventie: vroeg hulp voor jongeren met een verhoogd risico"),
    ("aanbod", "De meldingsbereidheid vergroten"),
    ("preventie", "Bewustwording onder jongeren, familie en vrienden"),
    ("aanbod", "Het aanbod van en de vraag naar drugs verkleinen"),
    ("preventie", "Groepsdruk omdraaien: een weerbare omgeving"),
]

# Example actions (marked as examples in the back office and on the site).
EXAMPLE_ACTIONS = [
    (
        "Geïndiceerde preventie: vroeg hulp voor jongeren met een verhoogd risico",
        "Voorlichtingsavonden op middelbare scholen",
        "Samen met de scholen in Nijkerk en Hoevelaken een avond voor ouders en een les voor leerlingen over drugs en groepsdruk.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.IN_PROGRESS, 40, "Eerste twee scholen doen mee"),
        ],
    ),
    (
        "Groepsdruk omdraaien: een weerbare omgeving",
        "Weerbaarheidstraining bij sportverenigingen",
        "Trainers en begeleiders leren hoe ze groepsdruk herkennen en jongeren helpen om hun eigen keuze te maken.",
        [(Status.PLANNED, 0, "Actie aangemaakt")],
    ),
    (
        "Ouders, familie en vrienden juist en op tijd informeren en de omgeving in beweging brengen",
        "Informatieavond voor ouders en naasten",
        "Een avond waarin ervaringsdeskundigen en hulpverleners vertellen waar familie en vrienden terechtkunnen.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.IN_PROGRESS, 50, "Sprekers gevonden"),
            (Status.DONE, 100, "Avond gehouden met veertig bezoekers"),
        ],
    ),
    (
        "Terugval voorkomen na een behandeling",
        "Lotgenotengroep na behandeling",
        "Een vaste groep waarin jongeren na hun behandeling elkaar steunen, begeleid door een ervaringsdeskundige.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.IN_PROGRESS, 20, "Ruimte gevonden in Nijkerk"),
        ],
    ),
    (
        "Hulp via internet in kaart brengen en bekendmaken",
        "Overzicht van betrouwbare online hulp",
        "Een lijst met betrouwbare websites, chats en telefoonlijnen, gecontroleerd door hulpverleners.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.IN_PROGRESS, 60, "Eerste versie klaar voor controle"),
        ],
    ),
    (
        "De bron van de verslaving aanpakken en naar de totale mens kijken",
        "Vaste contactpersoon bij het sociaal team",
        "Eén aanspreekpunt dat met de jongere meekijkt naar school, werk, schulden en thuis.",
        [(Status.PLANNED, 0, "Actie aangemaakt")],
    ),
    (
        "De meldingsbereidheid vergroten",
        "Anoniem meldpunt op deze website",
        "Inwoners kunnen zonder hun naam te geven melden wat ze zien, en met een code later een antwoord lezen.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.IN_PROGRESS, 30, "Ontwerp besproken met politie en jongerenwerk"),
        ],
    ),
    (
        "Het aanbod van en de vraag naar drugs verkleinen",
        "Overleg met horeca en verenigingen",
        "Afspraken maken over wat te doen bij drugsgebruik en -handel rond horeca en sportkantines.",
        [
            (Status.PLANNED, 0, "Actie aangemaakt"),
            (Status.STOPPED, 0, "Samengevoegd met het overleg van de gemeente"),
        ],
    ),
]

EXAMPLE_UPDATES = [
    (
        "preventie",
        "Eerste scholen doen mee aan voorlichting",
        datetime.date(2015, 12, 10),
        "Twee scholen hebben toegezegd mee te doen aan de voorlichtingsavonden.",
    ),
    (
        "nazorg-familie-en-vrienden",
        "Informatieavond voor ouders en naasten goed bezocht",
        datetime.date(2016, 1, 21),
        "Veertig ouders, broers, zussen en vrienden kwamen af op de eerste informatieavond.",
    ),
    (
        "behandeling",
        "Online hulp in kaart gebracht",
        datetime.date(2016, 2, 4),
        "De denktank heeft een eerste overzicht gemaakt van betrouwbare hulp via internet.",
    ),
    (
        "aanbod",
        "Meldpunt in voorbereiding",
        datetime.date(2016, 2, 18),
        "De denktank werkt met politie en jongerenwerk aan een veilige manier om anoniem te melden.",
    ),
    (
        None,
        "Vervolgbijeenkomst: de denktanks presenteren hun plannen",
        datetime.date(2015, 11, 16),
        "Op 16 november lichtten de vier denktanks hun plannen toe aan iedereen die mee had gedacht.",
    ),
]

CONTACT_PERSONS = [
    ("Lianne van Egmond", "06-12989357"),
    ("Kristel Kreijne", "06-20552218"),
    ("Esther van den Hof", "06-41803626"),
    ("Jan Bjsterbosch", "06-83003219"),
]

CRISIS_NUMBERS = [
    {
        "label": "Spoed en gevaar",
        "number": "112",
        "dial": "112",
        "note": "Politie, ambulance, brandweer",
    },
    {
        "label": "113 Zelfmoordpreventie",
        "number": "113 of 0800-0113",
        "dial": "08000113",
        "note": "Dag en nacht, gratis en anoniem",
    },
    {
        "label": "Kindertelefoon",
        "number": "0800-0432",
        "dial": "08000432",
        "note": "Gratis en anoniem, voor kinderen en jongeren",
    },
]

PLAN_BODY = _body(
    ("heading", "Hoe het plan tot stand kwam"),
    (
        "paragraph",
        _rt(
            "Om het drugsgebruik onder jongeren te beperken is een plan van aanpak nodig. Zo’n plan kan de gemeente "
            "niet alleen maken: daarvoor zijn alle betrokkenen nodig. Drugsgebruikers, ouders, professionals, "
            "verenigingen en iedereen die verder bij jongeren in Nijkerk betrokken is.",
            "Daarom vroeg de gemeente Nijkerk al die mensen om mee te denken. Op 2 juli 2015 kwamen ruim "
            "vijfenzeventig mensen uit Nijkerk, Nijkerkerveen en Hoevelaken bijeen. Uit die bijeenkomst ontstonden "
            "vier denktanks: Preventie, Nazorg/familie en vrienden, Behandeling en Aanbod.",
            "Op 16 november 2015 volgde een tweede bijeenkomst, waarin elke denktank zijn plannen toelichtte. "
            "Terwijl de plannen verder worden uitgewerkt, zijn de leden van de denktanks al aan de slag met wat "
            "meteen kan. Op deze website volgt u hoe ver ze zijn.",
        ),
    ),
    ("heading", "Hoe we werken"),
    (
        "paragraph",
        "<ul><li>Outreachend: we gaan naar jongeren toe en organiseren begeleiding dichtbij.</li>"
        "<li>Betrokkenheid en bewustwording in de hele samenleving.</li>"
        "<li>Een gezamenlijke aanpak: met elkaar en met alle partijen.</li>"
        "<li>Zinvolle vrijetijdsbesteding voor jongeren.</li>"
        "<li>Goede voorlichting.</li></ul>",
    ),
)


def _site_root_url():
    parts = urlsplit(settings.SITE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def _child(parent, model, slug, **fields):
    """Return the existing child page with this slug, or create and publish it."""
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing.specific, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _ensure_tree_roots():
    """Wagtail's migrations create the locale, the root page and the root collection; a database
    that was flushed (as between transactional tests) lacks them."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=Locale.objects.first())
    return root


def load_home():
    root = _ensure_tree_roots()
    home = HomePage.objects.first()
    created = False
    if home is None:
        # Replace Wagtail's "Welcome" page; the site then points to our home page.
        for page in Page.objects.child_of(root).filter(slug="home").not_type(HomePage):
            page.slug = "wagtail-welkom-oud"
            page.save()
        home = HomePage(
            title="Samen aanpakken: drugs en jongeren in Nijkerk",
            slug="home",
            intro="Het gemeentelijk drugsbeleid is een zaak van alle Nijkerkers. Op deze site vindt u "
            "hulp, leest u hoe ver het plan van aanpak is, en denkt u mee.",
        )
        home.audience = _rt(
            "Voor inwoners van Nijkerk, Nijkerkerveen en Hoevelaken die zich zorgen maken over drugs: jongeren zelf, "
            "ouders, familie en vrienden, professionals en verenigingen. U hoeft uw naam niet te geven om hulp te "
            "zoeken of iets te melden."
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        created = True
    hostname, port = _site_root_url()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.hostname, site.port, site.site_name = hostname, port, settings.WAGTAIL_SITE_NAME
        site.save()
    Page.objects.child_of(root).filter(slug="wagtail-welkom-oud").delete()
    return home, created


def load_pages(home):
    plan, _ = _child(
        home,
        PlanPage,
        "plan-van-aanpak",
        title="Plan van aanpak",
        show_in_menus=True,
        vision="Het gemeentelijk drugsbeleid is een zaak van alle Nijkerkers.",
        intro="Samen met inwoners, ouders, jongeren en professionals werken we aan minder drugsgebruik "
        "onder jongeren in Nijkerk, Nijkerkerveen en Hoevelaken.",
        body=PLAN_BODY,
    )
    index, _ = _child(
        home,
        ThinkTankIndexPage,
        "denktanks",
        title="Denktanks",
        show_in_menus=True,
        intro="Vier denktanks van inwoners en professionals werken het plan uit en voeren het uit.",
    )
    think_tanks = {}
    for spec in THINK_TANKS:
        page, _ = _child(
            index,
            ThinkTankPage,
            spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            focus=spec["focus"],
        )
        think_tanks[spec["slug"]] = page
    news, _ = _child(
        home,
        NewsIndexPage,
        "nieuws",
        title="Nieuws",
        show_in_menus=True,
        intro="Nieuws van de denktanks en over de aanpak.",
    )
    coming = "<p><strong>Binnenkort.</strong> {}</p>"
    pages = {
        "hulp": (
            "Ik zoek hulp",
            "Met wie kunt u praten, nu?",
            True,
            dict(show_contact_persons=True),
            _body(
                (
                    "paragraph",
                    coming.format(
                        "Hier komt een overzicht van alle hulp in Nijkerk en online, die u kunt "
                        "filteren op wie hulp zoekt en hoe u die wilt krijgen."
                    ),
                ),
                (
                    "paragraph",
                    _rt(
                        "Heeft u nu iemand nodig? Bel een van de contactpersonen hieronder, of bij spoed 112."
                    ),
                ),
            ),
        ),
        "melden": (
            "Ik wil iets melden",
            "Meld anoniem wat u ziet of waar u zich zorgen over maakt.",
            False,
            {},
            _body(
                (
                    "paragraph",
                    coming.format(
                        "Hier komt een meldpunt waar u zonder uw naam te geven kunt melden wat u "
                        "ziet, bijvoorbeeld drugshandel of zorgen om een jongere. U krijgt een code "
                        "waarmee u later het antwoord leest."
                    ),
                ),
                (
                    "paragraph",
                    _rt(
                        "Is er nu gevaar? Bel 112. Wilt u anoniem iets over een misdrijf melden? Dat kan nu al "
                        "bij Meld Misdaad Anoniem: 0800-7000."
                    ),
                ),
            ),
        ),
        "vragen": (
            "Ik heb een vraag",
            "Stel uw vraag over het drugsbeleid.",
            False,
            dict(show_policy_officer=True),
            _body(
                (
                    "paragraph",
                    coming.format(
                        "Hier komt een formulier waarmee u uw vraag rechtstreeks aan de "
                        "beleidsmedewerker stelt. Tot die tijd kunt u mailen of bellen."
                    ),
                )
            ),
        ),
        "denk-mee": (
            "Denk mee",
            "Geef een idee aan de denktanks of kom naar een bijeenkomst.",
            False,
            {},
            _body(
                (
                    "paragraph",
                    coming.format(
                        "Hier kunt u straks ideeën insturen, reageren op plannen en u aanmelden "
                        "voor bijeenkomsten."
                    ),
                ),
                (
                    "paragraph",
                    _rt(
                        "Wilt u nu al meedoen? Neem contact op met de beleidsmedewerker via de pagina Contact."
                    ),
                ),
            ),
        ),
        "contact": (
            "Contact",
            "Met wie kunt u contact opnemen?",
            False,
            dict(show_contact_persons=True, show_policy_officer=True),
            "[]",
        ),
        "privacy": (
            "Privacyverklaring",
            "Hoe deze site met uw gegevens omgaat.",
            False,
            {},
            _body(
                (
                    "paragraph",
                    _rt(
                        "Deze website is van de gemeente Nijkerk. Wij gaan zorgvuldig om met uw gegevens en houden ons aan de "
                        "Algemene verordening gegevensbescherming (AVG).",
                        "Als u de site alleen bekijkt, bewaren wij geen gegevens over u: geen IP-adres, geen cookies om u te "
                        "volgen en geen statistieken. De site laadt niets van andere websites, dus ook Facebook of Google "
                        "zien niet dat u hier bent.",
                        "Stuurt u ons iets, zoals een vraag of een melding? Dan staat bij dat formulier welke gegevens we "
                        "bewaren, waarom, wie ze kan zien en hoe lang we ze bewaren.",
                        "Vragen over privacy? Neem contact op met de beleidsmedewerker of met de functionaris "
                        "gegevensbescherming van de gemeente Nijkerk.",
                    ),
                )
            ),
        ),
        "toegankelijkheid": (
            "Toegankelijkheid",
            "Deze site is voor iedereen te gebruiken.",
            False,
            {},
            _body(
                (
                    "paragraph",
                    _rt(
                        "Wij willen dat iedereen deze site kan gebruiken, ook met een schermlezer, alleen een toetsenbord of "
                        "een vergrotingsprogramma. De site volgt de richtlijnen WCAG 2.2 op niveau AA.",
                        "Elke pagina wordt bij elke wijziging automatisch getest met axe. Loopt u toch ergens tegenaan? "
                        "Laat het ons weten via de pagina Contact, dan lossen we het op.",
                    ),
                )
            ),
        ),
    }
    for slug, (title, intro, in_menu, extra, body) in pages.items():
        _child(
            home,
            ContentPage,
            slug,
            title=title,
            intro=intro,
            show_in_menus=in_menu,
            body=body,
            **extra,
        )
    return plan, think_tanks, news


def load_goals_and_actions(think_tanks):
    goals = {}
    for order, (tt_slug, title) in enumerate(GOALS):
        goal, _ = Goal.objects.get_or_create(
            think_tank=think_tanks[tt_slug], title=title, defaults={"sort_order": order}
        )
        goals[title] = goal
    for goal_title, title, description, history in EXAMPLE_ACTIONS:
        goal = goals[goal_title]
        action, created = Action.objects.get_or_create(
            goal=goal,
            title=title,
            defaults={
                "description": description,
                "is_example": True,
                "start_date": datetime.date(2016, 1, 1),
            },
        )
        if created:
            for status, progress, note in history:
                record_status(action, status, progress=progress, note=note)


def load_updates(think_tanks, news):
    for tt_slug, title, date, intro in EXAMPLE_UPDATES:
        parent = think_tanks[tt_slug] if tt_slug else news
        _child(
            parent,
            UpdatePage,
            slugify(title)[:80],
            title=title,
            date=date,
            intro=intro,
            is_example=True,
            body=_body(
                (
                    "paragraph",
                    _rt(intro, "Dit is een voorbeeldbericht. Vervang het door echt nieuws."),
                )
            ),
        )


def load_settings_and_contacts():
    site_settings = SiteSettings.load()
    if not site_settings.policy_officer_name:
        site_settings.municipality_name = "gemeente Nijkerk"
        site_settings.places = "Nijkerk, Nijkerkerveen en Hoevelaken"
        site_settings.policy_officer_name = "Vinita Simonse"
        site_settings.policy_officer_email = "V.Simonse@nijkerk.eu"
        site_settings.policy_officer_phone = "14033"
        site_settings.facebook_url = (
            "https://www.facebook.com/gemeentenijkerk"  # editors: check the page
        )
        site_settings.security_contact = "V.Simonse@nijkerk.eu"
        site_settings.crisis_numbers = json.dumps(
            [{"type": "number", "value": n} for n in CRISIS_NUMBERS]
        )
        site_settings.save()
    if not ContactPerson.objects.exists():
        for order, (name, phone) in enumerate(CONTACT_PERSONS):
            ContactPerson.objects.create(
                name=name, phone=phone, role="Contactpersoon in Nijkerk", sort_order=order
            )


def _perms(*codenames):
    """'app_label.codename' strings to Permission objects."""
    result = []
    for name in codenames:
        app_label, codename = name.split(".")
        result.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return result


PAGE_EDIT = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def load_groups(home, think_tanks):
    """Beheerder, Redacteur and one group per think tank, with their permissions."""
    admin_access = _perms("wagtailadmin.access_admin")
    root_collection = Collection.get_first_root_node()
    media = _perms(
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    )

    beheerder, _ = Group.objects.get_or_create(name="Beheerder")
    beheerder.permissions.add(*Permission.objects.all())
    redacteur, _ = Group.objects.get_or_create(name="Redacteur")
    redacteur.permissions.add(
        *admin_access,
        *_perms(
            "core.add_contactperson",
            "core.change_contactperson",
            "core.delete_contactperson",
            "core.change_sitesettings",
            "plan.add_goal",
            "plan.change_goal",
            "plan.delete_goal",
            "plan.add_action",
            "plan.change_action",
            "plan.delete_action",
            "plan.change_all_think_tanks",
            "wagtailimages.change_image",
            "wagtaildocs.change_document",
        ),
    )
    for group in (beheerder, redacteur):
        for codename in PAGE_EDIT + ("bulk_delete_page",):
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=_perms(f"wagtailcore.{codename}")[0]
            )
        for perm in media + _perms("wagtailimages.change_image", "wagtaildocs.change_document"):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=perm
            )

    for spec in THINK_TANKS:
        page = think_tanks[spec["slug"]]
        group, _ = Group.objects.get_or_create(name=spec["group"])
        group.permissions.add(
            *admin_access,
            *_perms(
                "plan.add_action", "plan.change_action", "plan.delete_action", "plan.view_action"
            ),
        )
        for codename in PAGE_EDIT:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_perms(f"wagtailcore.{codename}")[0]
            )
        for perm in media:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=perm
            )
        if page.group_id is None:
            page.group = group
            page.save(update_fields=["group"])


@transaction.atomic
def load():
    home, created = load_home()
    if not created:
        think_tanks = {tt.slug: tt for tt in ThinkTankPage.objects.all()}
        if all(spec["slug"] in think_tanks for spec in THINK_TANKS):
            load_groups(home, think_tanks)
        return home
    plan, think_tanks, news = load_pages(home)
    load_goals_and_actions(think_tanks)
    load_updates(think_tanks, news)
    load_settings_and_contacts()
    load_groups(home, think_tanks)
    # Entry points on the home page, filled once.
    if not home.entry_points:
        by_slug = {p.slug: p for p in Page.objects.child_of(home)}
        entries = [
            ("Ik zoek hulp", "Praat met iemand, nu of later", "hulp"),
            ("Ik wil iets melden", "Anoniem, zonder uw naam", "melden"),
            ("Ik heb een vraag", "Aan de beleidsmedewerker", "vragen"),
            ("Het plan", "Wat we doen en hoe ver we zijn", "plan-van-aanpak"),
            ("Denk mee", "Ideeën, bijeenkomsten en nieuws", "denk-mee"),
        ]
        home.entry_points = json.dumps(
            [
                {"type": "entry", "value": {"title": t, "text": x, "page": by_slug[s].pk}}
                for t, x, s in entries
            ]
        )
        home.save_revision().publish()
    return home

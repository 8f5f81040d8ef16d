"""The questions page at /vragen/ and the back-office group *Vragen* (the policy officer)."""

from django.contrib.auth.models import Group, Permission

from samenaanpak.core.content import replace_placeholder_page
from samenaanpak.core.models import HomePage

from .models import FaqEntry, QuestionsPage

EXAMPLE_FAQ = [
    (
        "Waarom heeft Nijkerk een plan van aanpak tegen drugs?",
        "Drugsgebruik onder jongeren raakt niet alleen de jongere zelf, maar ook ouders, vrienden, scholen en "
        "verenigingen. Daarom maakte de gemeente het plan samen met ruim vijfenzeventig inwoners en professionals, "
        "verdeeld over vier denktanks. (Voorbeeld: controleer deze tekst.)",
    ),
]


def load():
    group, _ = Group.objects.get_or_create(name="Vragen")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="questions"),
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    home = HomePage.objects.first()
    if home is None or QuestionsPage.objects.exists():
        return
    page = replace_placeholder_page(
        home,
        "vragen",
        QuestionsPage(
            title="Ik heb een vraag",
            slug="vragen",
            intro="Heeft u een vraag over het drugsbeleid of over de aanpak in Nijkerk? Stel hem hier aan de "
            "beleidsmedewerker.",
        ),
    )
    if page is not None and not FaqEntry.objects.exists():
        for question, answer in EXAMPLE_FAQ:
            FaqEntry.objects.create(question=question, answer=answer, published=True)

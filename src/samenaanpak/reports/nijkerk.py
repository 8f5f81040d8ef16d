"""The meldpunt at /melden/, its default categories, the handling team (group *Meldpunt*) and, in
development only, a demo handler so that `make run` shows the whole flow."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from samenaanpak.core.content import replace_placeholder_page
from samenaanpak.core.models import HomePage

from . import keyring
from .models import Category, ReportPage, Team

CATEGORIES = [  # (name, days to pick up)
    ("Zorgen om een jongere", 3),
    ("Drugshandel of overlast", 5),
    ("Drugsgebruik op een plek", 5),
    ("Anders", 10),
]
DEMO_HANDLER = "behandelaar"
DEMO_PASSWORD = "meldpunt-demo-2026"


def load():
    group, _ = Group.objects.get_or_create(name="Meldpunt")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports", codename__endswith="_category"
        ),
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    team, _ = Team.objects.get_or_create(
        name="Meldpunt", defaults={"group": group, "public_key": b""}
    )
    if not Category.objects.exists():
        for order, (name, days) in enumerate(CATEGORIES):
            Category.objects.create(name=name, team=team, deadline_days=days, sort_order=order)
    if not settings.PRODUCTION:
        _demo_handler(group)
    home = HomePage.objects.first()
    if home is None or ReportPage.objects.exists():
        return
    replace_placeholder_page(
        home,
        "melden",
        ReportPage(
            title="Ik wil iets melden",
            slug="melden",
            intro="Ziet u drugshandel, maakt u zich zorgen om een jongere, of weet u een plek waar drugs worden "
            "gebruikt? Meld het hier, zonder uw naam te geven.",
        ),
    )


def _demo_handler(group):
    """A handler account for trying the meldpunt locally (never in production): it signs in with
    DEMO_PASSWORD and must link an authenticator app like every back-office user."""
    User = get_user_model()
    if User.objects.filter(username=DEMO_HANDLER).exists():
        return
    user = User.objects.create_user(
        DEMO_HANDLER, password=DEMO_PASSWORD, first_name="Demo", last_name="Behandelaar"
    )
    user.groups.add(group)
    keyring.enrol_with_password(user, DEMO_PASSWORD)

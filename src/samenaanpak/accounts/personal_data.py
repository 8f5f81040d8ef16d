"""Download my data and delete my account, across apps.

Every app that keeps something about a public account has a module `<app>/personal_data.py`
(found by name, as `loaders.py` and `daily.py` are) with:

    def export(user) -> dict          # everything about this user, nothing about others (JSON-able)
    def erase(user) -> None           # before the user row is deleted: keep contributions,
                                      # drop personal data (foreign keys SET_NULL do the rest)

`collect(user)` and `delete_account(user)` call them for every installed app."""

import importlib
import importlib.util

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("samenaanpak."):
            continue
        name = f"{config.name}.personal_data"
        if importlib.util.find_spec(name) is not None:
            yield config.label, importlib.import_module(name)


def collect(user) -> dict:
    return {label: module.export(user) for label, module in _modules() if hasattr(module, "export")}


def delete_account(user) -> None:
    with transaction.atomic():
        for _label, module in _modules():
            if hasattr(module, "erase"):
                module.erase(user)
        user.delete()


def sections(user) -> list[dict]:
    """The sections of the account page (/account/): every app's `account_sections(user)`, each a
    dict with `title`, `template` and `context`, in the order of INSTALLED_APPS."""
    found = []
    for _label, module in _modules():
        if hasattr(module, "account_sections"):
            found += module.account_sections(user)
    return found


# --- this app's own part: the profile, the addresses, the account's dates ------------------------


def _when(moment):
    return moment.isoformat() if moment else None


def export(user) -> dict:
    from allauth.account.models import EmailAddress

    profile = getattr(user, "profile", None)
    return {
        "schermnaam": profile.display_name if profile else None,
        "account_aangemaakt": _when(user.date_joined),
        "laatst_ingelogd": _when(user.last_login),
        "eerste_bijdrage_goedgekeurd": _when(profile.approved_at) if profile else None,
        "e-mailadressen": [
            {"adres": address.email, "bevestigd": address.verified, "primair": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
    }


def erase(user) -> None:
    """The profile, the addresses, every session of the user and the mail waiting for them or
    kept as sent. (The user row itself, and with it the notifications subscriber, goes last.)"""
    from allauth.account.models import EmailAddress
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from samenaanpak.core.models import OutgoingEmail

    from .models import Profile

    addresses = {user.email.lower()} if user.email else set()
    addresses |= {
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    for address in addresses:
        OutgoingEmail.objects.filter(to__iexact=address).delete()
    EmailAddress.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    # Sessions are stored by key, not by user: read the live ones (few: anonymous visitors get
    # no session) and drop those of this user.
    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def account_sections(user) -> list[dict]:
    from .forms import DisplayNameForm

    profile = getattr(user, "profile", None)
    return [
        {
            "title": _("Mijn gegevens"),
            "template": "accounts/sections/profile.html",
            "context": {
                "profile": profile,
                "email": user.email,
                "display_name_form": DisplayNameForm(
                    user=user, initial={"display_name": profile.display_name if profile else ""}
                ),
            },
        }
    ]

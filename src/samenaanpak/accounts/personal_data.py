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

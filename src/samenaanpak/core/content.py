"""Loads the Nijkerk content of every app that has some: each app may have a module `nijkerk` with
a function `load()`. Discovery instead of imports keeps the apps' dependencies pointing one way;
apps load in INSTALLED_APPS order (plan creates the home page the others hang under)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction


@transaction.atomic
def load_all():
    for config in apps.get_app_configs():
        module_name = f"{config.name}.nijkerk"
        if config.name.startswith("samenaanpak.") and find_spec(module_name):
            import_module(module_name).load()

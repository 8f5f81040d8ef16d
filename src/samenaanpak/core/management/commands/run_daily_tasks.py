import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the daily work of every app (module <app>.daily, function run()): retention and email."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, once every --interval seconds")
        parser.add_argument("--interval", type=int, default=24 * 3600)

    def handle(self, *args, loop=False, interval=86400, **options):
        while True:
            for config in apps.get_app_configs():
                module_name = f"{config.name}.daily"
                if config.name.startswith("samenaanpak.") and find_spec(module_name):
                    self.stdout.write(import_module(module_name).run())
            if not loop:
                return
            time.sleep(interval)

from django.core.management.base import BaseCommand

from samenaanpak.core import scheduler


class Command(BaseCommand):
    help = (
        "Runs the daily work of every app (module <app>.daily, function run()) once, now: for a "
        "platform that prefers cron to `manage.py scheduler`."
    )

    def handle(self, *args, **options):
        for line in scheduler.run_daily():
            self.stdout.write(line)

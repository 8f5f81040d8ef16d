from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from samenaanpak.core.content import load_all

# The loader creates and replaces pages in one go; their indexing tasks run right away here, instead
# of in the worker later, where a page replaced meanwhile made them fail with DoesNotExist.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Laadt de inhoud van gemeente Nijkerk. Veilig om vaker te draaien: bestaande inhoud blijft ongemoeid."

    def handle(self, *args, **options):
        with override_settings(TASKS=IMMEDIATE_TASKS):
            load_all()
        self.stdout.write(self.style.SUCCESS("Inhoud van Nijkerk staat klaar."))

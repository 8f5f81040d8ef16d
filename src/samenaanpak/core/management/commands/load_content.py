from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from samenaanpak.core.content import ContentError, load_content

# The loader creates pages in one go; their indexing tasks run right away here, instead of in the
# worker later.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = (
        "Laadt de inhoud van een gemeente uit content/<gemeente>/. Veilig om vaker te draaien: "
        "wat al geladen is, blijft ongemoeid (ook als het in het beheer is gewijzigd of verwijderd)."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="map onder content/, bijvoorbeeld nijkerk")

    def handle(self, *args, municipality, **options):
        try:
            with override_settings(TASKS=IMMEDIATE_TASKS):
                context = load_content(municipality)
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Inhoud van {municipality} staat klaar ({len(context.created)} nieuwe onderdelen)."
            )
        )

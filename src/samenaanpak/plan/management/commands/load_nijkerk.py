from django.core.management.base import BaseCommand

from samenaanpak.plan.nijkerk import load_all


class Command(BaseCommand):
    help = "Laadt de inhoud van gemeente Nijkerk. Veilig om vaker te draaien: bestaande inhoud blijft ongemoeid."

    def handle(self, *args, **options):
        home = load_all()
        self.stdout.write(self.style.SUCCESS(f"Inhoud van Nijkerk staat klaar onder {home.url_path}"))

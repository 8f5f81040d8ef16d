from django.core.management.base import BaseCommand

from samenaanpak.core.content import load_all


class Command(BaseCommand):
    help = "Laadt de inhoud van gemeente Nijkerk. Veilig om vaker te draaien: bestaande inhoud blijft ongemoeid."

    def handle(self, *args, **options):
        load_all()
        self.stdout.write(self.style.SUCCESS("Inhoud van Nijkerk staat klaar."))

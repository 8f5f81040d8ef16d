from django.core.management.base import BaseCommand

from samenaanpak.core.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Maakt de groepen van het beheer en geeft ze hun rechten (core/roles.py). Veilig om vaker te draaien."

    def handle(self, *args, **options):
        sync_roles()
        names = ", ".join(role.name.format(title="…") for role in ROLES)
        self.stdout.write(self.style.SUCCESS(f"Groepen bijgewerkt: {names}."))

"""Creates the organisation's recovery key for the meldpunt, or uses it.

manage.py meldpunt_herstelsleutel             # new key pair: prints the private half ONCE
manage.py meldpunt_herstelsleutel --herstel   # reads the private half from stdin and gives
                                              # a team access again (see docs/meldpunt.md)
"""

import base64
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from nacl.exceptions import CryptoError

from samenaanpak.reports import crypto
from samenaanpak.reports.models import (
    AuditEntry,
    MemberKey,
    RecoveryKey,
    Report,
    Team,
    TeamKeyGrant,
)
from samenaanpak.reports.vault import fingerprint, report_keys


class Command(BaseCommand):
    help = "Maak de herstelsleutel van het meldpunt, of gebruik hem om een team opnieuw toegang te geven."

    def add_arguments(self, parser):
        parser.add_argument(
            "--herstel",
            action="store_true",
            help="Lees de geheime herstelsleutel van stdin en geef --lid een nieuwe teamsleutel.",
        )
        parser.add_argument("--team", default="Meldpunt")
        parser.add_argument("--lid", help="gebruikersnaam van het teamlid dat weer toegang krijgt")

    def handle(self, *args, **options):
        if options["herstel"]:
            return self.recover(options["team"], options["lid"])
        private, public = crypto.new_key_pair()
        RecoveryKey.objects.create(public_key=public, fingerprint=fingerprint(public))
        self.stdout.write(
            "HERSTELSLEUTEL VAN HET MELDPUNT — wordt maar één keer getoond en nergens opgeslagen.\n"
            "Print hem, leg hem in een kluis en wis dit scherm. Nieuwe meldingen gebruiken hem vanaf nu.\n\n"
            f"    {base64.b32encode(private).decode()}\n\n"
            f"vingerafdruk: {fingerprint(public)}\n"
        )

    @transaction.atomic
    def recover(self, team_name, username):
        """When no member can read any more: a new team key, every report of the team re-sealed to
        it via the recovery key, and access for one member (who has signed in once since)."""
        if not username:
            raise CommandError("Geef met --lid aan welk teamlid weer toegang krijgt.")
        team = Team.objects.filter(name=team_name).first()
        user = get_user_model().objects.filter(username=username).first()
        if team is None or user is None or not team.has_member(user):
            raise CommandError(
                "Onbekend team, onbekende gebruiker, of de gebruiker is geen lid van het team."
            )
        member = MemberKey.objects.filter(user=user).first()
        if member is None:
            raise CommandError(
                "Dit teamlid heeft nog geen sleutel: laat hem of haar eerst één keer inloggen."
            )
        try:
            recovery_private = base64.b32decode(sys.stdin.readline().strip().replace(" ", ""))
        except ValueError as error:
            raise CommandError("Dat is geen herstelsleutel.") from error
        team_private, team_public = crypto.new_key_pair()
        reports = list(Report.objects.filter(team=team))
        resealed = 0
        for report in reports:
            if not report.private_for_recovery:
                continue
            try:
                private = crypto.open_with_recovery_key(report_keys(report), recovery_private)
            except CryptoError:
                continue
            report.private_for_team = crypto.seal(team_public, private)
            report.save(update_fields=["private_for_team"])
            resealed += 1
        team.public_key = team_public
        team.save(update_fields=["public_key"])
        TeamKeyGrant.objects.filter(team=team).delete()
        TeamKeyGrant.objects.create(
            team=team,
            user=user,
            sealed_team_key=crypto.grant_team_key(team_private, bytes(member.public_key)),
        )
        # A new team key, like a rotation: a former member's copy of the old one opens nothing now.
        AuditEntry.record(
            AuditEntry.Action.ROTATED,
            team=team,
            detail=f"herstel: {resealed} meldingen, {username}",
        )
        self.stdout.write(
            f"{resealed} van {len(reports)} meldingen opnieuw toegankelijk voor {username}. "
            "Geef de andere teamleden toegang via Meldpunt → Team."
        )

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_team(apps, schema_editor):
    """Entries about a report that still exists get its team. With one team only, every entry is
    that team's (nothing else it could be). Otherwise the rest stays empty: only a beheerder
    sees those."""
    AuditEntry = apps.get_model("reports", "AuditEntry")
    Report = apps.get_model("reports", "Report")
    Team = apps.get_model("reports", "Team")
    AuditEntry.objects.filter(team__isnull=True).exclude(report_number="").update(
        team_id=Subquery(Report.objects.filter(number=OuterRef("report_number")).values("team_id")[:1]))
    teams = list(Team.objects.values_list("pk", flat=True)[:2])
    if len(teams) == 1:
        AuditEntry.objects.filter(team__isnull=True).update(team_id=teams[0])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_audit_entry_team_category_permission"),
    ]

    operations = [
        migrations.RunPython(fill_team, migrations.RunPython.noop),
    ]

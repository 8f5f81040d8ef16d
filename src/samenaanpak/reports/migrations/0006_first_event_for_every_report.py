import datetime

from django.db import migrations
from django.utils import timezone


def first_events(apps, schema_editor):
    """A report stored without a history row gets one with its stored status (dated at midnight
    of the day it was received, like every reporter's row), so the writer's table applies."""
    Report = apps.get_model("reports", "Report")
    ReportEvent = apps.get_model("reports", "ReportEvent")
    for report in Report.objects.filter(state__isnull=True).iterator():
        midnight = timezone.make_aware(
            datetime.datetime.combine(report.submitted_on, datetime.time())
        )
        event = ReportEvent.objects.create(
            report=report, status=report.status or "nieuw", created_at=midnight
        )
        Report.objects.filter(pk=report.pk).update(state=event, status=event.status)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_to_confirm")]

    operations = [migrations.RunPython(first_events, migrations.RunPython.noop)]

"""Daily work of the meldpunt (run by `manage.py run_daily_tasks`): delete reports whose
retention has passed. First the sealed keys are overwritten, in their own transaction, so that
even a deletion that fails halfway leaves nothing readable; then the rows go."""

from django.db import transaction

from .models import AuditEntry, Report, today


def run(now=None) -> str:
    on = (now.date() if now else None) or today()
    expired = list(Report.objects.expired(on).values_list("pk", "number"))
    ids = [pk for pk, _ in expired]
    with transaction.atomic():
        Report.objects.filter(pk__in=ids).update(private_for_receipt=b"", private_for_team=b"",
                                                 private_for_recovery=b"", receipt_salt=b"")
    with transaction.atomic():
        Report.objects.filter(pk__in=ids).delete()  # messages, attachments and history cascade
        AuditEntry.objects.bulk_create([AuditEntry(action=AuditEntry.Action.DELETED, report_number=number,
                                                   username="systeem") for _, number in expired])
    return f"reports: {len(ids)} report(s) deleted after their retention period"

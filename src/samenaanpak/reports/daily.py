"""Daily work of the meldpunt (run by `manage.py run_daily_tasks`).

1. Delete reports whose retention has passed, and audit entries older than two years. First the sealed keys are overwritten, in their own
   transaction, so that even a deletion that fails halfway leaves nothing readable; then the rows.
2. Tell each team member what waits, once a day. A mail per new report would put the exact time
   of the report in mailboxes and mail logs; a daily digest gives only the day."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenaanpak.core.db import checkpoint_wal
from samenaanpak.core.mail import queue_email

from .models import AuditEntry, Report, Team, today
from .status import OPEN, Status


def delete_expired(on) -> int:
    expired = list(Report.objects.expired(on).values_list("pk", "number", "team_id"))
    ids = [pk for pk, _, _ in expired]
    with transaction.atomic():
        Report.objects.filter(pk__in=ids).update(
            private_for_receipt=b"",
            private_for_team=b"",
            private_for_recovery=b"",
            receipt_salt=b"",
        )
    with transaction.atomic():
        Report.objects.filter(pk__in=ids).delete()  # messages, attachments and history cascade
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    action=AuditEntry.Action.DELETED,
                    report_number=number,
                    team_id=team_id,
                    username="systeem",
                )
                for _, number, team_id in expired
            ]
        )
    return len(ids)


def delete_old_audit_entries(on) -> int:
    """The audit log names handlers (personal data too): kept REPORT_AUDIT_RETENTION_DAYS."""
    cutoff = on - datetime.timedelta(days=settings.REPORT_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(created_at__date__lt=cutoff).delete()
    return deleted


def send_digests(on) -> int:
    sent = 0
    counts = Team.objects.select_related("group").annotate(
        new=Count("reports", filter=Q(reports__status=Status.NEW)),
        new_info=Count("reports", filter=Q(reports__new_from_reporter=True)),
        overdue=Count("reports", filter=Q(reports__status__in=OPEN, reports__due_on__lt=on)),
    )
    for team in counts:
        if not (team.new or team.new_info or team.overdue):
            continue
        body = render_to_string(
            "reports/email/digest.txt",
            {"team": team, "url": settings.SITE_URL + reverse("reports_admin:queue")},
        )
        for email in (
            team.group.user_set.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        ):
            queue_email(
                to=email,
                purpose="meldpunt-overzicht",
                body=body,
                subject=_("Meldpunt: wat er vandaag klaarligt"),
            )
            sent += 1
    return sent


def run(now=None) -> str:
    on = timezone.localdate(now) if now else today()
    deleted = delete_expired(on)
    audit = delete_old_audit_entries(on)
    if deleted or audit:
        checkpoint_wal()  # the deleted reports' pages out of SQLite's -wal file
    digests = send_digests(on)
    return (
        f"reports: {deleted} report(s) deleted after their retention period, {audit} old audit entries "
        f"deleted, {digests} digest(s) queued"
    )

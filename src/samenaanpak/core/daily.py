"""Daily work of core: delete old sent email, expired throttle counters and finished task results."""

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import mail, throttle

TASK_RESULTS_KEPT_DAYS = 7


def run(now=None) -> str:
    now = now or timezone.now()
    deleted = mail.purge_sent(now)
    counters = throttle.purge_expired(now)
    tasks, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - datetime.timedelta(days=TASK_RESULTS_KEPT_DAYS))
        .delete()
    )
    return (
        f"core: {deleted} old email(s), {counters} expired counter(s) and {tasks} finished task result(s) "
        "deleted"
    )

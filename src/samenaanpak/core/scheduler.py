"""What runs on a clock: every minute, tasks left behind by a dead worker go back in the queue,
waiting mail is queued again and every app's minute work runs (`<app>.minutely.run(now)`, found
by name as the daily work is); once a day, every app's daily work (retention, digests).

Run by `manage.py scheduler` (one process; a second one is harmless: the daily work is claimed in
the throttle store, so it runs once a day whoever gets there first, and the minute jobs are safe
to repeat)."""

import datetime
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import throttle

DAILY_CLAIM_SECONDS = 3600  # a daily run that dies is tried again by any scheduler after this


def recover_stale_tasks(now=None) -> int:
    """A task still RUNNING long after it started belongs to a worker that died (SIGKILL, a lost
    machine): put it back in the queue. Every task here is safe to run again (email sends check
    the outbox row; indexing is idempotent)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=cutoff)
        .update(status="READY", started_at=None)
    )


def _app_modules(name: str):
    """Every app's `<app>.<name>` module, in app order."""
    for config in apps.get_app_configs():
        module_name = f"{config.name}.{name}"
        if config.name.startswith("samenaanpak.") and find_spec(module_name):
            yield import_module(module_name)


def every_minute(now=None) -> list[str]:
    from . import mail

    return [
        f"{recover_stale_tasks(now)} stale task(s) requeued",
        f"{mail.retry_due(now)} email(s) queued",
        *(module.run(now) for module in _app_modules("minutely")),
    ]


def run_daily(now=None) -> list[str]:
    """Every app's `<app>.daily.run()`, in app order."""
    return [module.run() for module in _app_modules("daily")]


def run_daily_once(now=None) -> list[str] | None:
    """The daily work, unless it already ran today (in any scheduler process); None when skipped."""
    day = timezone.localdate(now)
    store = throttle.store()
    if store.get(f"daily-done:{day}"):
        return None
    if not store.add(f"daily-running:{day}", 1, timeout=DAILY_CLAIM_SECONDS):
        return None  # another scheduler is running it now
    lines = run_daily(now)
    store.set(f"daily-done:{day}", 1, timeout=3 * 24 * 3600)
    return lines

"""`manage.py worker`: django-tasks-db's db_worker that survives a database outage.

db_worker re-raises any OperationalError and exits; under honcho that stopped the whole site.
This worker closes its connections, waits (1, 2, 4 … 30 s), logs once, and carries on. A task
that was running when its worker died is put back in the queue by the scheduler (tasks.py)."""

from django.db import connection
from django_tasks_db.management.commands import db_worker

from samenaanpak.core import mail
from samenaanpak.core.resilience import CONNECTION_ERRORS, Outage


class ResilientWorker(db_worker.Worker):
    def shutdown(self, signum, frame) -> None:
        # A stop request: the outbox ends its batch after the mail in hand (core.mail.stopping),
        # so the task ends well within a grace period instead of sending on until SIGKILL.
        mail.stopping.set()
        super().shutdown(signum, frame)

    def run(self) -> None:
        outage = Outage("worker")
        while self.running:
            try:
                with connection.cursor() as cursor:  # a probe, so that recovery is logged once
                    cursor.execute("SELECT 1")
                outage.succeeded()
                super().run()  # returns only in --batch or --max-tasks mode
                return
            except CONNECTION_ERRORS as error:
                outage.failed(error)


class Command(db_worker.Command):
    help = "Runs queued tasks (email, search indexing); survives database outages."

    def handle(self, *args, **options):
        # db_worker builds its Worker by name; this process uses the resilient one instead.
        db_worker.Worker = ResilientWorker
        return super().handle(*args, **options)

"""`manage.py scheduler`: the minute and daily jobs of core.scheduler, forever. Survives database
outages (core.resilience); run exactly one per site, under a supervisor that restarts it."""

import signal
import sys
import time

from django.core.management.base import BaseCommand

from samenaanpak.core import scheduler
from samenaanpak.core.resilience import CONNECTION_ERRORS, Outage, close_connections


class Command(BaseCommand):
    help = (
        "Runs the minute jobs (stale tasks, waiting mail) and, once a day, every app's daily work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60, help="seconds between rounds")
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, interval=60, once=False, **options):
        # As a container's first process (PID 1) a signal without a handler is ignored: SIGTERM
        # would wait out the grace period. Stop as anywhere else (an open transaction rolls back;
        # a daily run cut short is claimed again after DAILY_CLAIM_SECONDS).
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            self._run(interval, once, options)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run(self, interval, once, options):
        outage = Outage("scheduler")
        while True:
            try:
                lines = scheduler.every_minute()
                daily = scheduler.run_daily_once()
                outage.succeeded()
            except CONNECTION_ERRORS as error:
                if once:
                    raise
                outage.failed(error)
                continue
            if options["verbosity"] > 1:
                self.stdout.write("; ".join(lines))
            for line in daily or []:
                self.stdout.write(line)
            if once:
                return
            time.sleep(interval)
            close_connections()  # a connection may have died while this process slept


def _stop(signum, frame):
    sys.exit(0)

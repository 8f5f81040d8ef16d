#!/usr/bin/env python3
"""Bijeenkomsten with 10 and with 10,000 registrations on the example meeting: queries, page
weight and uncached requests/s of /bijeenkomsten/, the meeting's page and the calendar feed, next
to the home page's in the same run. `python bench/events.py` (needs wrk and Redis, as `make
bench`; BENCH_SECONDS and BENCH_ROUNDS as there).

Only the example meeting's registrations grow: bulk-created with the stored status and history
row set directly (services.py is tested elsewhere), its places (25) taken, some cancelled, the
rest on the waiting list. The database is its own (bench/out-events/var), gunicorn is `make
serve` alone on its port, Wagtail's caches in Redis, no page cache."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 - bench/run.py's helpers

OUT = bench.ROOT / "bench" / "out-events"
SLUG = "ouderavond-drugs-en-uitgaan"
PAGES = {
    "home": "/",
    "bijeenkomsten": "/bijeenkomsten/",
    "bijeenkomst": f"/bijeenkomsten/{SLUG}/",
    "agenda.ics": "/bijeenkomsten/agenda.ics",
}

ADD_REGISTRATIONS = """
import datetime, json
from django.db import transaction
from django.utils import timezone
from samenaanpak.events.models import EventPage, Registration, RegistrationEvent
event = EventPage.objects.get(slug="__SLUG__")
start = Registration.objects.filter(event=event).count()
registered = Registration.objects.filter(event=event, status="aangemeld").count()
now = timezone.now() - datetime.timedelta(days=7)
rows = []
for i in range(start, __TOTAL__):
    if registered < (event.capacity or 0):
        status, registered = "aangemeld", registered + 1
    else:
        status = "afgemeld" if i % 10 == 0 else "wachtlijst"
    email = f"bench{i}@example.org"
    rows.append(Registration(event=event, name=f"Deelnemer {i}", email=email, email_key=email,
                             status=status, created_at=now + datetime.timedelta(seconds=i)))
with transaction.atomic():
    made = Registration.objects.bulk_create(rows, batch_size=1000)
    # bulk_create bypasses record_status: the history row and stored state as it would write them.
    events = RegistrationEvent._base_manager.bulk_create(
        (RegistrationEvent(registration=r, status=r.status, created_at=r.created_at) for r in made),
        batch_size=1000)
    for r, e in zip(made, events):
        Registration.objects.filter(pk=r.pk).update(state=e)
counts = {s: Registration.objects.filter(event=event, status=s).count()
          for s in ("aangemeld", "wachtlijst", "afgemeld")}
print(json.dumps({"registrations": Registration.objects.filter(event=event).count(), **counts}))
""".replace("__SLUG__", SLUG)


def main():
    table = []
    for grown, measured in bench.grow_and_measure(
        OUT, ADD_REGISTRATIONS, (10, 10_000), lambda grown: PAGES
    ):
        print(grown, flush=True)
        home = measured["home"][2]
        for name, (count, weight, rps, p99) in measured.items():
            table.append((grown["registrations"], name, count, weight, rps, p99, home))
            print(table[-1], flush=True)
    rounds = f", median of {bench.ROUNDS}" if bench.ROUNDS > 1 else ""
    print(
        f"\nBijeenkomsten · wrk -t2 -c{bench.CONNECTIONS} -d{bench.DURATION}s{rounds} · gunicorn "
        f"2 sync workers · {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, "
        "uncached\n"
    )
    print(
        f"{'regs':>6}  {'page':<15}{'queries':>8}{'bytes':>8}{'req/s':>9}{'p99 ms':>9}"
        f"{'of home':>9}"
    )
    for regs, name, count, weight, r, p, home in table:
        print(
            f"{regs:>6}  {name:<15}{count:>8}{weight:>8}{r:>9.0f}{p:>9.1f}{100 * r / home:>8.0f}%"
        )


if __name__ == "__main__":
    main()

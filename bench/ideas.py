#!/usr/bin/env python3
"""Denk mee with 10 and with 10,000 residents' ideas behind it: queries and uncached requests/s of
/denk-mee/ (newest first, and by support) and of one idea's page, next to the home page's in the
same run. `python bench/ideas.py` (needs wrk and Redis, as `make bench`; BENCH_SECONDS and
BENCH_ROUNDS as there).

The measured idea is the same in both: answered "overgenomen" with an action, 50 comments with
a reply each. Only the number of other ideas grows (bulk-created, stored status set directly:
the writer is tested elsewhere). The database is its own (bench/out-ideas/var), gunicorn is
`make serve` alone on its port, Wagtail's caches in Redis, no page cache."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 - bench/run.py's helpers

OUT = bench.ROOT / "bench" / "out-ideas"
PAGES = {
    "home": "/",
    "denk-mee": "/denk-mee/",
    "denk-mee-steun": "/denk-mee/?sorteer=steun",
    "idee": "/denk-mee/__IDEA__/",
}

ADD_IDEAS = """
import json
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from samenaanpak.accounts.models import Profile
from samenaanpak.core.history import record_status
from samenaanpak.participation.models import Comment, Idea
from samenaanpak.participation.services import open_topic
from samenaanpak.plan.models import Action, Goal, ThinkTankPage
User = get_user_model()
tanks, goals = list(ThinkTankPage.objects.all()), list(Goal.objects.all())
residents = []
for i in range(20):
    user, _ = User.objects.get_or_create(username=f"bench-inwoner-{i}", defaults={"email": f"b{i}@example.org"})
    Profile.objects.get_or_create(user=user, defaults={"display_name": f"Bench-inwoner {i}"})
    residents.append(user)
measured = Idea.objects.filter(title="Bench-idee gemeten").first()
with transaction.atomic():
    if measured is None:
        measured = Idea.objects.create(think_tank=tanks[0], author=residents[0], title="Bench-idee gemeten",
                                       text="x" * 400, published_at=timezone.now())
        record_status(measured, "ontvangen")
        record_status(measured, "overgenomen", note="Goed idee.")
        measured.actions.add(Action.objects.filter(goal__think_tank=tanks[0]).first())
        open_topic(measured)
        for i in range(50):
            top = Comment.objects.create(idea=measured, author=residents[i % 20], text="y" * 200)
            record_status(top, "zichtbaar")
            reply = Comment.objects.create(idea=measured, author=residents[(i + 1) % 20], parent=top, text="z" * 100)
            record_status(reply, "zichtbaar")
    start = Idea.objects.filter(is_example=False).count()
    Idea.objects.bulk_create(
        Idea(think_tank=tanks[i % len(tanks)], goal=goals[i % len(goals)], author=residents[i % 20],
             title=f"Bench-idee {i}", text="x" * 400, status="ontvangen", published_at=timezone.now(),
             support_count=i % 50, answered_at=timezone.now() if i % 3 else None)
        for i in range(start, __TOTAL__))
print(json.dumps({"ideas": Idea.objects.filter(is_example=False).count(), "measured": measured.pk}))
"""


def main():
    table = []

    def pages_for(grown):
        return {
            name: path.replace("__IDEA__", str(grown["measured"])) for name, path in PAGES.items()
        }

    for grown, measured in bench.grow_and_measure(OUT, ADD_IDEAS, (10, 10_000), pages_for):
        home = measured["home"][2]
        for name, (count, _weight, rps, p99) in measured.items():
            table.append((grown["ideas"], name, count, rps, p99, home))
            print(table[-1], flush=True)
    rounds = f", median of {bench.ROUNDS}" if bench.ROUNDS > 1 else ""
    print(
        f"\nDenk mee · wrk -t2 -c{bench.CONNECTIONS} -d{bench.DURATION}s{rounds} · gunicorn 2 sync "
        f"workers · {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, uncached\n"
    )
    print(f"{'ideas':>6}  {'page':<16}{'queries':>8}{'req/s':>9}{'p99 ms':>9}{'of home':>9}")
    for ideas, name, count, r, p, home in table:
        print(f"{ideas:>6}  {name:<16}{count:>8}{r:>9.0f}{p:>9.1f}{100 * r / home:>8.0f}%")


if __name__ == "__main__":
    main()

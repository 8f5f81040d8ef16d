#!/usr/bin/env python3
"""The vrijplaats with a thread of 10 and of 1,000 replies: queries, page weight and uncached
requests/s of /vrijplaats/, a category, the thread's first and last page, next to the home page's
in the same run. `python bench/forum.py` (needs wrk and Redis, as `make bench`; BENCH_SECONDS
and BENCH_ROUNDS as there).

Only the measured thread grows (replies bulk-created with the stored status set directly: the
writer is tested elsewhere; then the thread's figures recounted as every step does). The
database is its own (bench/out-forum/var), gunicorn is `make serve` alone on its port, Wagtail's
caches in Redis, no page cache."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 - bench/run.py's helpers

OUT = bench.ROOT / "bench" / "out-forum"
PAGES = {
    "home": "/",
    "vrijplaats": "/vrijplaats/",
    "categorie": "/vrijplaats/__CATEGORY__/",
    "onderwerp": "/vrijplaats/onderwerp/__THREAD__/",
    "onderwerp-laatst": "/vrijplaats/onderwerp/__THREAD__/?pagina=__LAST__",
}

ADD_REPLIES = """
import json, datetime
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from samenaanpak.core.history import record_status
from samenaanpak.forum.models import Category, Member, Post, PostEvent, Thread
from samenaanpak.forum.services import recount_thread
User = get_user_model()
members = []
for i in range(20):
    user, _ = User.objects.get_or_create(username=f"bench-jongere-{i}", defaults={"email": f"j{i}@example.org"})
    member, _ = Member.objects.get_or_create(user=user, defaults={
        "pseudonym": f"Bench{i}", "stated_age": 16, "rules_accepted_at": timezone.now()})
    members.append(member)
category = Category.objects.order_by("sort_order", "pk").first()
thread = Thread.objects.filter(title="Bench-onderwerp gemeten").first()
now = timezone.now() - datetime.timedelta(days=30)
with transaction.atomic():
    if thread is None:
        thread = Thread.objects.create(category=category, title="Bench-onderwerp gemeten", author=members[0])
        opening = Post.objects.create(thread=thread, author=members[0], is_opening=True, text="x" * 400, created_at=now)
        record_status(opening, "zichtbaar")
    start = thread.posts.filter(is_opening=False).count()
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=members[i % 20], text="y" * 300, status="zichtbaar",
             created_at=now + datetime.timedelta(minutes=i + 1), thanks_count=i % 4)
        for i in range(start, __TOTAL__))
    # bulk_create bypasses the writer: the history row and stored state as it would write them.
    events = PostEvent._base_manager.bulk_create(
        PostEvent(post=p, status="zichtbaar", created_at=p.created_at) for p in posts)
    for p, e in zip(posts, events):
        Post.objects.filter(pk=p.pk).update(state=e)
    recount_thread(thread.pk)
replies = thread.posts.filter(is_opening=False).count()
print(json.dumps({"replies": replies, "thread": thread.pk, "category": category.slug,
                  "last": (replies + 1 + 19) // 20}))
"""


def main():
    table = []

    def pages_for(grown):
        return {
            name: path.replace("__THREAD__", str(grown["thread"]))
            .replace("__CATEGORY__", grown["category"])
            .replace("__LAST__", str(grown["last"]))
            for name, path in PAGES.items()
        }

    for grown, measured in bench.grow_and_measure(OUT, ADD_REPLIES, (10, 1_000), pages_for):
        home = measured["home"][2]
        for name, (count, weight, rps, p99) in measured.items():
            table.append((grown["replies"], name, count, weight, rps, p99, home))
            print(table[-1], flush=True)
    rounds = f", median of {bench.ROUNDS}" if bench.ROUNDS > 1 else ""
    print(
        f"\nVrijplaats · wrk -t2 -c{bench.CONNECTIONS} -d{bench.DURATION}s{rounds} · gunicorn 2 "
        f"sync workers · {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, uncached\n"
    )
    print(
        f"{'replies':>7}  {'page':<18}{'queries':>8}{'bytes':>8}{'req/s':>9}{'p99 ms':>9}"
        f"{'of home':>9}"
    )
    for replies, name, count, weight, r, p, home in table:
        print(
            f"{replies:>7}  {name:<18}{count:>8}{weight:>8}{r:>9.0f}{p:>9.1f}"
            f"{100 * r / home:>8.0f}%"
        )


if __name__ == "__main__":
    main()

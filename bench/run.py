#!/usr/bin/env python3
"""Benchmark: Samenaanpak's public pages against nginx serving the same HTML as static files.

Run with `make bench`. It
1. prepares its own database in bench/out/var (the Nijkerk content),
2. starts `make serve` (gunicorn, 2 sync workers, production settings) on a free port, and nginx
   on another port serving saved copies of the same pages,
3. loads each page with wrk (keep-alive) against both and prints requests/s, p50/p99 latency and
   the ratio to nginx; then again behind Django's per-site cache (Redis) and behind the shipped
   nginx micro-cache (deploy/nginx-site.conf.template). The uncached round also loads the pages
   that are never cached (forms, the meldpunt) and compares every page with the home page;
   BENCH_ROUNDS=3 repeats it and prints medians (the machine's noise is easily 10%),
4. prints the queries per page and the compressed page weight (HTML + CSS + JS),
5. adds 10,000 actions (20,000 history rows), 1,000 updates, 10,000 reports, 200 help offers
   (with opening hours, audiences and topics) and 10,000 ideas (with 100 comments and replies on
   the idea page measured) and shows the query counts again.

Budgets (docs/architecture.md, "Query budget"; issue 11): <= 15 queries, unchanged with the data; uncached >= 1% of nginx
and every public page >= 70% of the home page's requests/s in the same run; >= 10% behind
Django's cache, >= 50% behind the micro-cache; <= 60 KB page weight; 0 other origins.

Where the time went on /hulp/ (pyinstrument, in-process, production settings; issue 11): at
51-57% of the home page, a third of its own time was Django rendering the 18 filter checkboxes
through its widget templates (input.html + attrs.html per option); then the offer query (a SQL
CASE ordering that took longer to compile than to run, a prefetch of opening-hour model instances
and of audiences and topics the cards never show); per card a {% routablepageurl %} (site lookup
and URL reverse), get_FOO_display() rebuilding the choices dictionary twice, the hours summary
computed twice; and the filter reading the audience table twice. The rest (routing, menu, site
settings, base template) is the same for every page. Those are fixed in help/ (same HTML, 14 ->
12 queries). The search read Wagtail's view restrictions three times (now once).
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402 - deploy/nginx_conf.py renders the shipped configuration

OUT = ROOT / "bench" / "out"
PAGES = {
    "home": "/",
    "plan": "/plan-van-aanpak/",
    "denktank": "/denktanks/preventie/",
    "hulp": "/hulp/",
    "hulp-filter": "/hulp/?voor=jongeren&hoe=telefoon&hoe=chat",
    "hulp-ouder": "/hulp/?voor=ouders",  # where "Ik zoek hulp voor: mijn kind" leads
    "hulp-online": "/hulp/online/",
    "zoeken": "/zoeken/?q=jellinek",
    "denk-mee": "/denk-mee/",
    "denk-mee-steun": "/denk-mee/?sorteer=steun&pagina=2",
    "idee": "/denk-mee/1/",  # the first example idea (overgenomen, with its action)
}
# Pages with a form are never cached (each carries its own token): loaded in the uncached round only.
FORM_PAGES = {"vragen": "/vragen/", "melden": "/melden/"}
HOME_SHARE = 70  # every public page >= 70% of the home page's uncached requests/s
# Measured for queries and weight only: the meldpunt's pages are never cached (no-store), and the
# handler's queue needs a verified back-office session.
MELDPUNT_PAGES = {
    "melden": "/melden/",
    "cijfers": "/melden/cijfers/",
    "mijn-melding": "/melden/mijn-melding/",
    "wachtrij": nginx_conf.admin_path() + "meldpunt/",  # the ADMIN_PATH setting
}
QUERY_PAGES = {**PAGES, **FORM_PAGES, **MELDPUNT_PAGES}
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer at {url}")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def wrk(url):
    """Requests/s and p50/p99 latency (ms) from wrk --latency."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": pct(50),
        "p99": pct(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def start_nginx(port, docroot, site=False, upstream_port=None):
    """nginx serving `docroot` as static files, or (site=True) the shipped site configuration."""
    conf_dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    server = (
        None
        if site
        else f"""
        server {{
            listen 127.0.0.1:{port};
            root {docroot};
            location / {{ try_files $uri $uri/index.html =404; }}
        }}"""
    )
    conf = nginx_conf.write(
        conf_dir, port=port, upstream=f"127.0.0.1:{upstream_port}", server=server
    )
    subprocess.run(["nginx", "-c", str(conf), "-p", str(conf_dir)], check=True)
    return conf_dir


def stop_nginx(conf_dir):
    pid = (conf_dir / "nginx.pid").read_text().strip()
    os.kill(int(pid), signal.SIGQUIT)


def manage_py(env, code):
    """Runs Python inside the project with the bench settings; returns the JSON it prints."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


QUERY_COUNT = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
client = Client(HTTP_HOST='127.0.0.1')
staff = Client(HTTP_HOST='127.0.0.1')
handler = get_user_model().objects.get(username='behandelaar')  # the development demo handler
device, _ = TOTPDevice.objects.get_or_create(user=handler, name='default', defaults={'confirmed': True})
staff.force_login(handler)
session = staff.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
counts = {}
for name, path in __PAGES__.items():
    visitor = staff if path.startswith(settings.ADMIN_PATH) else client
    visitor.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert visitor.get(path).status_code == 200, path
    counts[name] = len(ctx.captured_queries)
print(json.dumps(counts))
""".replace("__PAGES__", repr(QUERY_PAGES))

GROW_DATA = """
import json, datetime
from django.db import transaction
from django.utils import timezone
from samenaanpak.plan.models import Action, ActionEvent, Goal, ThinkTankPage, UpdatePage
goals = list(Goal.objects.all())
with transaction.atomic():
    actions = Action.objects.bulk_create(
        Action(goal=goals[i % len(goals)], title=f"Bench-actie {i}", description="x" * 200) for i in range(10000))
    now = timezone.now()
    ActionEvent._base_manager.bulk_create(  # bench data, with the stored status set below
        ActionEvent(action=a, status=s, progress=p, created_at=now + datetime.timedelta(seconds=k))
        for a in actions for k, (s, p) in enumerate([("gepland", 0), ("in_uitvoering", 50)]))
    # bulk_create bypasses the writer: set the stored status and newest row as it would.
    from django.db.models import OuterRef, Subquery
    newest = ActionEvent.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    Action.objects.filter(title__startswith="Bench-actie ").update(
        status="in_uitvoering", state=Subquery(newest.values("pk")[:1]))
tanks = list(ThinkTankPage.objects.all())
for i in range(1000):
    parent = tanks[i % len(tanks)]
    parent.add_child(instance=UpdatePage(title=f"Bench-nieuws {i}", slug=f"bench-nieuws-{i}",
                                         date=datetime.date(2020, 1, 1), intro="x" * 100))
from samenaanpak.reports.models import Category, QuarterCount, Report
categories = list(Category.objects.all())
today = timezone.localdate()
with transaction.atomic():
    # Query counts do not depend on what the sealed blobs hold, so placeholders stand in for them.
    Report.objects.bulk_create(
        Report(number=f"B-{i:06d}", receipt_digest=f"{i:064x}", team=categories[i % len(categories)].team,
               category=categories[i % len(categories)], submitted_on=today - datetime.timedelta(days=i % 700),
               due_on=today - datetime.timedelta(days=i % 700 - 5), status=["nieuw", "in_behandeling", "afgehandeld"][i % 3],
               public_key=b"p" * 32, receipt_salt=b"s" * 16, private_for_receipt=b"r", private_for_team=b"t",
               sealed_content=b"c") for i in range(10000))
    for category in categories:
        for quarter in range(12):
            QuarterCount.objects.update_or_create(category=category, year=2024 + quarter // 4, quarter=quarter % 4 + 1,
                                                  defaults={"count": 400 + quarter})
import datetime as dt
from samenaanpak.core.models import Area
from samenaanpak.help.models import Audience, HelpOffer, OpeningHours, Topic
audiences, topics = list(Audience.objects.all()), list(Topic.objects.all())
areas = list(Area.objects.all())
with transaction.atomic():
    for i in range(200):
        offer = HelpOffer.objects.create(name=f"Bench-hulp {i}", description="x" * 300,
            kind=HelpOffer.Kind.values[i % 6], reach=HelpOffer.Reach.values[i % 4],
            phone="0331234567" if i % 2 else "", chat_url="https://example.org/" if i % 3 else "")
        offer.audiences.set([audiences[i % len(audiences)]])
        offer.topics.set([topics[i % len(topics)], topics[(i + 1) % len(topics)]])
        if offer.reach == HelpOffer.Reach.AREAS and areas:
            offer.areas.set([areas[i % len(areas)]])
        offer.save()  # parental many-to-many: stored on save
        OpeningHours.objects.bulk_create(OpeningHours(offer=offer, weekday=d, opens=dt.time(9),
            closes=dt.time(17)) for d in range(5))
from django.contrib.auth import get_user_model
from samenaanpak.accounts.models import Profile
from samenaanpak.core.history import record_status
from samenaanpak.participation.models import Comment, Idea
User = get_user_model()
residents = []
for i in range(20):
    user, _ = User.objects.get_or_create(username=f"bench-inwoner-{i}", defaults={"email": f"b{i}@example.org"})
    Profile.objects.get_or_create(user=user, defaults={"display_name": f"Bench-inwoner {i}"})
    residents.append(user)
with transaction.atomic():
    # Bench data: public ideas with the stored status set directly (the writer is tested elsewhere).
    Idea.objects.bulk_create(
        Idea(think_tank=tanks[i % len(tanks)], goal=goals[i % len(goals)], author=residents[i % 20],
             title=f"Bench-idee {i}", text="x" * 400, status="ontvangen", published_at=timezone.now(),
             support_count=i % 50, answered_at=timezone.now() if i % 3 else None) for i in range(10000))
    idea = Idea.objects.get(pk=1)
    for i in range(50):
        top = Comment.objects.create(idea=idea, author=residents[i % 20], text="y" * 200)
        record_status(top, "zichtbaar")
        reply = Comment.objects.create(idea=idea, author=residents[(i + 1) % 20], parent=top, text="z" * 100)
        record_status(reply, "zichtbaar")
print(json.dumps({"actions": Action.objects.count(), "ideas": Idea.objects.count(), "events": ActionEvent.objects.count(),
                  "updates": UpdatePage.objects.count(), "reports": Report.objects.count(),
                  "help offers": HelpOffer.objects.count()}))
"""


def page_weight(base, path):
    """Compressed bytes of the HTML plus every stylesheet and script it loads; other origins."""
    html = fetch(base + path).decode()
    assets = re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html)
    foreign = [a for a in assets if not a.startswith("/")]
    total = len(gzip.compress(html.encode(), 9))
    for asset in assets:
        if asset.startswith("/"):
            total += len(gzip.compress(fetch(base + asset), 9))
    return total, foreign


def grow_and_measure(out, grow_script, steps, pages_for):
    """For each step (a number of rows): run `grow_script` (its __TOTAL__ replaced) in a
    database of its own under `out`, count every page's queries, then serve it with `make serve`
    alone (Wagtail's caches in Redis, no page cache) and measure each page with wrk. `pages_for`
    turns the script's printed JSON into {name: path}. Yields (grown, {name: (queries, weight,
    req/s, p99 ms)}) per step. bench/ideas.py and bench/forum.py use it."""

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    port = free_port()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    env = {
        **os.environ,
        "VAR_DIR": str(out / "var"),
        "PORT": str(port),
        "BIND": "127.0.0.1",
        "SERVE_PROXY": "0",
        "REDIS_URL": redis_url,
    }
    subprocess.run(["make", "-s", "db"], cwd=ROOT, env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{port}"
    for total in steps:
        grown = manage_py(env, grow_script.replace("__TOTAL__", str(total)))
        pages = pages_for(grown)
        subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], capture_output=True)
        queries = manage_py(
            env,
            QUERY_COUNT.replace(repr(QUERY_PAGES), repr(pages)).replace(
                "handler = get_user_model().objects.get(username='behandelaar')",
                "handler, _ = get_user_model().objects.get_or_create(username='bench-staff')",
            ),
        )
        process = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env=env,
            stdout=open(out / "serve.log", "a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(base + "/gezond/", timeout=900)  # `make serve` runs `make db` first
            for path in pages.values():
                fetch(base + path)  # warm
            weights = {name: page_weight(base, path)[0] for name, path in pages.items()}
            runs = {name: [] for name in pages}
            for _ in range(ROUNDS):
                for name, path in pages.items():
                    runs[name].append(wrk(base + path))
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        yield (
            grown,
            {
                name: (
                    queries[name],
                    weights[name],
                    statistics.median(r["rps"] for r in runs[name]),
                    statistics.median(r["p99"] for r in runs[name]),
                )
                for name in pages
            },
        )


def run_load(base, static_base, label, pages=PAGES, rounds=1):
    """Each page against its static copy, `rounds` times over all pages; the median round."""
    runs = {name: [] for name in pages}
    for _ in range(rounds):
        for name, path in pages.items():
            runs[name].append((wrk(base + path), wrk(static_base + f"/{name}.html")))
    rows = []
    for name, pairs in runs.items():
        pairs.sort(key=lambda pair: pair[0]["rps"])
        rows.append((label, name, *pairs[len(pairs) // 2]))
    return rows


def main():
    if not shutil.which("wrk") or not shutil.which("nginx"):
        raise SystemExit("bench needs Debian's wrk and nginx: apt-get install -y wrk nginx-light")
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "static").mkdir(parents=True)
    port, static_port, proxy_port = free_port(), free_port(), free_port()
    # SERVE_PROXY=0: gunicorn alone on the port, so that "uncached" measures the application; the
    # shipped nginx is measured separately below.
    env = {
        **os.environ,
        "VAR_DIR": str(OUT / "var"),
        "PORT": str(port),
        "BIND": "127.0.0.1",
        "SERVE_PROXY": "0",
    }
    results, servers = [], []

    def serve(extra_env):
        process = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env={**env, **extra_env},
            stdout=open(OUT / "serve.log", "a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{port}/gezond/")
        return process

    def stop(process):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    base = f"http://127.0.0.1:{port}"
    static_base = f"http://127.0.0.1:{static_port}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], capture_output=True)
    app = serve(
        {"REDIS_URL": redis_url}
    )  # uncached pages, but Wagtail's own caches in Redis as in production
    try:
        for name, path in {**PAGES, **FORM_PAGES}.items():
            (OUT / "static" / f"{name}.html").write_bytes(fetch(base + path))
        nginx_static = start_nginx(static_port, OUT / "static")
        servers.append(nginx_static)
        results += run_load(base, static_base, "uncached", {**PAGES, **FORM_PAGES}, ROUNDS)
        weights = {
            name: page_weight(base, path)
            for name, path in QUERY_PAGES.items()
            if not path.startswith(nginx_conf.admin_path())
        }
    finally:
        stop(app)

    # Queries as production counts them: the cache is Redis, not a database table.
    queries_before = manage_py({**env, "REDIS_URL": redis_url}, QUERY_COUNT)

    redis_env = {"REDIS_URL": redis_url, "PAGE_CACHE_SECONDS": "60"}
    app = serve(redis_env)
    try:
        results += run_load(base, static_base, "django-cache")
    finally:
        stop(app)

    app = serve({"REDIS_URL": redis_url})
    try:
        proxy = start_nginx(proxy_port, None, site=True, upstream_port=port)
        servers.append(proxy)
        results += run_load(f"http://127.0.0.1:{proxy_port}", static_base, "nginx-microcache")
    finally:
        stop(app)
        for server in servers:
            stop_nginx(server)

    grown = manage_py(env, GROW_DATA)
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], capture_output=True)
    queries_after = manage_py({**env, "REDIS_URL": redis_url}, QUERY_COUNT)

    print(
        f"\nSamenaanpak benchmark · wrk -t2 -c{CONNECTIONS} -d{DURATION}s, keep-alive · "
        f"gunicorn 2 sync workers · database {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}\n"
    )
    print(
        f"{'mode':<17}{'page':<12}{'app req/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'nginx req/s':>12}{'ratio':>8}  budget"
    )
    budgets = {"uncached": 1, "django-cache": 10, "nginx-microcache": 50}
    for label, name, app_r, ref in results:
        ratio = 100 * app_r["rps"] / ref["rps"]
        verdict = "ok" if ratio >= budgets[label] else "UNDER"
        errors = f" ({app_r['errors']} errors)" if app_r["errors"] else ""
        print(
            f"{label:<17}{name:<12}{app_r['rps']:>10.0f}{app_r['p50']:>8.1f}{app_r['p99']:>8.1f}"
            f"{ref['rps']:>12.0f}{ratio:>7.1f}%  >= {budgets[label]}% {verdict}{errors}"
        )
    uncached = {name: app_r["rps"] for label, name, app_r, _ in results if label == "uncached"}
    rounds = f", median of {ROUNDS} rounds" if ROUNDS > 1 else ""
    print(f"\nuncached requests/s as a share of the home page's{rounds}:")
    for name, rps in uncached.items():
        share = 100 * rps / uncached["home"]
        verdict = "ok" if share >= HOME_SHARE else "UNDER"
        print(f"  {name:<12}{rps:>8.0f}{share:>7.0f}%  >= {HOME_SHARE}% {verdict}")
    print(
        f"\n{'page':<14}{'weight (gzip)':>14}{'other origins':>15}{'queries':>9}{'queries after growth':>22}"
    )
    for name in QUERY_PAGES:
        weight, foreign = weights.get(name, (None, ()))
        shown = f"{weight / 1024:>11.1f} KB" if weight is not None else f"{'(back office)':>14}"
        print(
            f"{name:<14}{shown}{len(foreign):>15}{queries_before[name]:>9}{queries_after[name]:>22}"
        )
    print(f"\ndata after growth: {grown}")
    same = queries_before == queries_after and max(queries_after.values()) <= 15
    print("query counts unchanged with the data and <= 15:", "yes" if same else "NO")


if __name__ == "__main__":
    main()

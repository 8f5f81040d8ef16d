"""Several real processes on one database (and cache), for the tests that show what several app
servers, workers and schedulers share: start them, talk to them as a browser does (one cookie jar
for all of them), and count what they stored in the database they share."""

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from html import unescape

import requests
from django.db import connection

from . import two_factor
from .servers import ROOT, database_url, free_port, procfile_command, production_env, running

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
RECEIPT_GROUP = re.compile(r'sa-receipt__group">([0-9A-Z]{4})<')


def node_env(tmp_path, url: str, port: int, **extra) -> dict:
    """Production settings with throwaway secrets, shared by every node: the same SECRET_KEY (CSRF
    tokens, signed cookies, the meldpunt's cookie) and pepper. Behind a proxy, so that each test
    client can be its own visitor (X-Real-IP); Argon2id at its cheapest and no fill wait."""
    return {
        **production_env(tmp_path, port),
        "DATABASE_URL": url,
        "TRUSTED_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        # Plain http on loopback: a client keeps no Secure cookie from it (as `make serve`).
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "FORM_MIN_FILL_SECONDS": "0",
        "REPORT_ARGON2_OPSLIMIT": "1",
        "REPORT_ARGON2_MEMLIMIT": "8192",
        **{name: str(value) for name, value in extra.items()},
    }


@contextlib.contextmanager
def app_servers(tmp_path, count=2, url=None, **env):
    """`count` app servers (the Procfile's gunicorn, one sync worker each) on the test database,
    each on its own port; yields their base URLs."""
    url = url or database_url(tmp_path)
    ports = [free_port() for _ in range(count)]
    command = procfile_command("Procfile")
    with contextlib.ExitStack() as stack:
        for port in ports:
            stack.enter_context(
                running(
                    command, tmp_path=tmp_path, port=port, env=node_env(tmp_path, url, port, **env)
                )
            )
        yield [f"http://127.0.0.1:{port}" for port in ports]


def visitor(address: str) -> requests.Session:
    """A browser: one cookie jar for every node (cookies are per host, not per port), and its own
    client address as the proxy would pass it on."""
    session = requests.Session()
    session.headers.update({"X-Real-IP": address, "User-Agent": "replicas-test"})
    return session


def form_fields(html: str) -> dict:
    """The hidden fields a browser sends back with a form: the CSRF token and the start token."""
    fields = {"csrfmiddlewaretoken": unescape(CSRF.search(html).group(1))}
    started = STARTED.search(html)
    if started:
        fields["started"] = unescape(started.group(1))
    return fields


def receipt_in(html: str) -> str | None:
    groups = RECEIPT_GROUP.findall(html)
    return "-".join(groups) if groups else None


# --- the shared database, as the test sees it --------------------------------------------------


def rows(url: str, sql: str, params=()) -> list[tuple]:
    """A query on the database the processes share: SQLite's copied file, or PostgreSQL's test
    database (which this process uses itself)."""
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=10)) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count(url: str, table: str, where: str = "1=1", params=()) -> int:
    return rows(url, f"SELECT COUNT(*) FROM {table} WHERE {where}", params)[0][0]


# --- management commands as processes ------------------------------------------------------------


def manage(tmp_path, url: str, *args, **env) -> subprocess.Popen:
    """`manage.py <args>` in its own process group, on the shared database, output to a log file."""
    log = tmp_path / f"{args[0]}-{time.monotonic_ns()}.log"
    full_env = {
        **os.environ,
        **node_env(tmp_path, url, 8000, **env),
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log = log
    return process


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout=20) -> str:
    """Stop the process group; what it printed."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return process.log.read_text(errors="replace")


def main_text(html: str) -> str:
    """The page's main content as text, for assertion messages."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())[:1500]


def staff_login(session, node, username, password):
    """The back office's password step."""
    html = session.get(f"{node}{two_factor.LOGIN}").text
    return session.post(
        f"{node}{two_factor.LOGIN}",
        data={
            **form_fields(html),
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        },
        allow_redirects=False,
    )


def staff_first_sign_in(session, nodes, username, password) -> str:
    """A first back-office sign-in through the real screens: the password on nodes[0], the
    authenticator setup shown by nodes[1], its code entered on nodes[2]. Returns the secret."""
    first, second, third = nodes
    assert staff_login(session, first, username, password).status_code == 302
    page = session.get(f"{second}{two_factor.SETUP}").text
    for _ in range(3):  # the wizard's steps up to the one that shows the secret
        secret = two_factor.secret_on(page)
        if secret:
            break
        step = re.search(r'name="setup_view-current_step" value="([a-z]+)"', page).group(1)
        page = session.post(
            f"{third}{two_factor.SETUP}",
            data={**form_fields(page), "setup_view-current_step": step},
        ).text
    assert secret, main_text(page)
    done = session.post(
        f"{third}{two_factor.SETUP}",
        data={
            **form_fields(page),
            "setup_view-current_step": "generator",
            "generator-token": two_factor.code(secret),
        },
        allow_redirects=False,
    )
    assert done.status_code == 302, main_text(done.text)
    return secret

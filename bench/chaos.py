"""`make chaos`: slow clients and a database outage against `make serve`, with figures.

1. Slow clients: 50 connections send half a request and wait while a visitor loads /vragen/
   (never cached) 10 times, giving up after 10 s; the visitor's latency, with nginx in front (make serve) and
   with gunicorn alone (SERVE_PROXY=0), 2 sync workers each.
2. Database outage: make serve on PostgreSQL through a TCP proxy of ours, a real SMTP server on
   loopback. Mail is queued, then the proxy drops every connection and refuses new ones for
   OUTAGE seconds while a visitor keeps loading pages and sending a question; then the database is
   back. Counted: answers by status (a Dutch 503 during the outage, never a 500), seconds until the
   site answers 200 again, whether every mail arrived exactly once, and whether the worker and
   scheduler are still the same processes (they carry on) or were restarted by supervisord.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and nginx; all traffic stays on loopback."""

import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
OUTAGE = int(os.environ.get("CHAOS_OUTAGE_SECONDS", "60"))
OUT = ROOT / "bench" / "out" / "chaos"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proxy:
    """A TCP proxy to PostgreSQL that can drop every connection and refuse new ones."""

    def __init__(self, target_port=5432):
        self.port, self.target, self.up, self.links = free_port(), target_port, True, []
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.links.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        for sock in (a, b):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def down(self):
        self.up = False
        for pair in self.links:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self.links = []

    def back(self):
        self.up = True


def get(url, data=None, timeout=30):
    try:
        with urllib.request.urlopen(url, data=data, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return None, ""


def serve(env, port, log_name):
    log = open(OUT / log_name, "ab")
    process = subprocess.Popen(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while get(f"http://127.0.0.1:{port}/gezond/", timeout=5)[0] != 200:
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"make serve did not start; see {OUT / log_name}")
        time.sleep(1)
    return process


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def slow_clients(port, count=50, visits=10):
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /vragen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finishes its headers
        socks.append(sock)
    times, statuses = [], []
    for _ in range(visits):
        started = time.monotonic()
        statuses.append(
            get(f"http://127.0.0.1:{port}/vragen/", timeout=10)[0]
        )  # a person gives up after 10 s
        times.append(time.monotonic() - started)
    for sock in socks:
        sock.close()
    return {
        "p50 s": round(statistics.median(times), 3),
        "max s": round(max(times), 2),
        "ok": statuses.count(200),
        "of": visits,
    }


def pids(var_dir, pattern):
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
            if (
                pattern in cmd
                and f"VAR_DIR={var_dir}".encode() in open(f"/proc/{pid}/environ", "rb").read()
            ):
                found.add(int(pid))
    return found


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenaanpak.settings")
    django.setup()  # the loopback SMTP server of the tests lives next to the outbox helpers
    from samenaanpak.tests.smtp import SMTPServer

    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    base_env = {**os.environ, "VAR_DIR": str(OUT / "var-slow"), "REDIS_URL": ""}
    for name, extra in (
        ("nginx + gunicorn (make serve)", {}),
        ("gunicorn alone", {"SERVE_PROXY": "0"}),
    ):
        port = free_port()
        app = serve({**base_env, **extra}, port, "slow.log")
        try:
            results[f"slow clients, {name}"] = slow_clients(port)
        finally:
            stop(app)

    database = f"samenaanpak_chaos_{os.getpid()}"
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {database}"],
        check=True,
    )
    proxy, smtp = Proxy(), SMTPServer()
    smtp.start()
    var_dir = OUT / "var-outage"
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "REDIS_URL": "",
        "EMAIL_URL": smtp.url,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{proxy.port}/{database}",
        "DB_CONN_MAX_AGE": "60",
    }
    port = free_port()
    app = serve(env, port, "outage.log")
    try:
        url = f"http://127.0.0.1:{port}"

        def ask(text):
            """A person asks a question (with an email address): form, a few seconds, send."""
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            try:
                page = opener.open(url + "/vragen/", timeout=30).read().decode()
            except OSError as error:
                return getattr(error, "code", None), getattr(error, "read", lambda: b"")().decode()
            fields = {
                name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
                for name in ("csrfmiddlewaretoken", "started")
            }
            time.sleep(3.1)  # a person takes longer than the bot check's minimum
            data = {
                "text": text,
                "topic": "hulp",
                "email": f"vraag{abs(hash(text)) % 10**6}@example.org",
                "consent": "on",
                "website": "",
                **fields,
            }
            try:
                with opener.open(
                    url + "/vragen/", data=urllib.parse.urlencode(data).encode(), timeout=30
                ) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        for number in range(3):
            ask(f"Vraag voor de storing {number}")
        before = {name: pids(var_dir, f"manage.py {name}") for name in ("worker", "scheduler")}
        proxy.down()
        statuses, started = {}, time.monotonic()
        dutch_503 = 0
        while time.monotonic() - started < OUTAGE:
            for status, body in (
                get(url + "/vragen/"),
                get(url + "/"),
                ask("Vraag tijdens de storing"),
            ):
                statuses[status] = statuses.get(status, 0) + 1
                dutch_503 += status == 503 and ("niet beschikbaar" in body)
            time.sleep(1)
        proxy.back()
        back_at = time.monotonic()
        while get(url + "/vragen/", timeout=10)[0] != 200 and time.monotonic() - back_at < 120:
            time.sleep(0.2)
        recovery = round(time.monotonic() - back_at, 1)
        for number in range(2):
            ask(f"Vraag na de storing {number}")
        deadline = time.monotonic() + 180
        expected = (
            2 * 5
        )  # each question that arrived: a confirmation and a notice to the policy officer
        while len(smtp.inbox.messages) < expected and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(10)  # time for a wrong second copy to show up
        after = {name: pids(var_dir, f"manage.py {name}") for name in ("worker", "scheduler")}
        ids = [m["Message-ID"] for m in smtp.inbox.messages]
        results["database outage"] = {
            "seconds": OUTAGE,
            "answers during outage (status: count)": statuses,
            "Dutch 503 pages": dutch_503,
            "seconds until 200 after the database returned": recovery,
            "mails delivered": len(ids),
            "of": expected,
            "delivered twice": len(ids) - len(set(ids)),
            "worker/scheduler carried on (same process)": {
                name: before[name] == after[name] for name in before
            },
        }
    finally:
        stop(app)
        smtp.stop()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                f"DROP DATABASE IF EXISTS {database}",
            ]
        )
    print("\nSamenaanpak chaos probes\n")
    for name, figures in results.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()

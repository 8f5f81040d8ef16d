"""`make cluster-test`: the site as a small cluster on this machine, under load, with its parts
killed and its services taken away one after the other; then the invariants, checked and printed.

Every node has its own network namespace and address on a bridge (10.213.0.0/24) and its own PID
and mount namespace; each app node runs the image's entrypoint inside the image's root filesystem
(`podman image mount`), read-only, as uid 1000, with /proc, /dev, a tmpfs /tmp and its own /data:

    10.213.0.1   the host: this script (the load client, from 10.213.0.100-1xx) and a real SMTP
                 server (aiosmtpd) that records every message it receives
    10.213.0.5   PostgreSQL (a cluster of its own, in a temporary directory)
    10.213.0.6   Redis
    10.213.0.10  nginx, the shipped configuration (deploy/nginx_conf.py), balancing web1 and web2
    10.213.0.11  web1, .12 web2          entrypoint web
    10.213.0.21  worker1, .22 worker2    entrypoint worker
    10.213.0.31  scheduler1, .32 scheduler2 (started at the same instant)   entrypoint scheduler
    10.213.0.40  the one-off jobs: entrypoint migrate, then a handler's key for the meldpunt team

The load: residents asking the policy officer a question (/vragen/) and making anonymous reports
(/melden/, keeping each receipt), with real CSRF tokens and start tokens, plus page views, from
several client addresses through nginx. A submission whose answer is lost (no answer, a 502-504:
the outage page says "send it again in a few minutes") is sent again as it was, as a person
clicks again, for up to PATIENCE seconds: the form kit must store it once. Meanwhile, in seconds
of the load (`timeline()`; each outage's length can be set, see below):

    10 s   SIGKILL of the scheduler that ran the daily job (once its done-mark is stored); the
           other one must do the minute jobs alone, among them requeueing worker1's task
    20 s   SIGKILL web1 and worker1 (worker1 in the middle of an SMTP conversation); 25 s later
           both are started again, as a supervisor or Kubernetes would
    60 s   the SMTP server closes its listener for CLUSTER_SMTP_OUTAGE (60) s: submissions go on,
           mail waits in the outbox and is delivered after the return
   130 s   Redis is killed for CLUSTER_REDIS_OUTAGE (30) s, then started again empty: pages are
           served uncached, readiness says 200 "beperkt"
   190 s   PostgreSQL stops (`pg_ctl stop -m fast`) for CLUSTER_DB_OUTAGE (60) s, then starts
           again; the load goes on CLUSTER_RECOVERY_SECONDS (30) s after that

No app node is started again by this script after the kill of web1 and worker1: every web node,
worker and scheduler must come back from the outages by itself. A thread polls each web node's
readiness (/gezond/) twice a second. Then the script waits for the outbox to drain and checks:

- every submission the client saw accepted is stored exactly once, none it saw refused is stored,
  and those with a lost answer are stored at most once (reports are matched by their decrypted
  text, opened with the team key; every receipt opens its report, a sample also through the web);
- every outbox row was delivered exactly once (Message-ID and recipient + subject), and each
  question's two mails (confirmation to the asker, notice to the policy officer) exist;
- the daily job ran once although two schedulers started together (their logs, the throttle
  store's claim, and the meldpunt digest mail that only the daily job sends);
- the task worker1 died with was requeued (by the scheduler left) and run to its end;
- per phase: requests, errors by status and by the page shown (the app's Dutch outage page, nginx's
  own), error %, the longest gap without a successful answer; per outage what it did and how long
  the cluster took to recover (see `outage_failures()` for what must hold).

It exits non-zero when an invariant fails. Logs and the figures: bench/out/cluster/.

Run it (as root; needs iproute2, util-linux unshare, nginx, redis-server, PostgreSQL 15 binaries
and podman with the image built, see the Makefile's `image` target):

    make cluster-test                          # builds the image first; about 9 minutes
    .venv/bin/python bench/cluster.py          # the image as built
    .venv/bin/python bench/cluster.py --no-image   # the same nodes from this checkout's .venv
    .venv/bin/python bench/cluster.py --no-outages  # only the kills of web1 and worker1
    CLUSTER_LOAD_SECONDS=60 CLUSTER_CLIENTS=6 make cluster-test CLUSTER_ARGS=--no-outages

Everything it made (namespaces, mounts, processes, the image mount, the temporary directory) is
removed on exit, also after a failure or Ctrl-C."""

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import email
import email.header
import functools
import http.client
import itertools
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402

OUT = ROOT / "bench" / "out" / "cluster"
IMAGE = os.environ.get("CLUSTER_IMAGE", "localhost/samenaanpak:latest")
PREFIX = "sacl"  # every namespace, veth and the bridge start with it: a leftover is recognisable
BRIDGE = f"{PREFIX}-br0"
NET = "10.213.0"
HOST = f"{NET}.1"
SMTP_PORT = 2525
LB_PORT = 8080
ADDRESSES = {
    "db": 5,
    "redis": 6,
    "lb": 10,
    "web1": 11,
    "web2": 12,
    "worker1": 21,
    "worker2": 22,
    "scheduler1": 31,
    "scheduler2": 32,
    "job": 40,
}
LOAD_SECONDS = int(os.environ.get("CLUSTER_LOAD_SECONDS", "90"))
RESTART_AFTER = int(os.environ.get("CLUSTER_RESTART_AFTER", "25"))
CLIENTS = int(os.environ.get("CLUSTER_CLIENTS", "8"))
# The outages (skipped with --no-outages): how long each service is away.
SMTP_OUTAGE = int(os.environ.get("CLUSTER_SMTP_OUTAGE", "60"))
REDIS_OUTAGE = int(os.environ.get("CLUSTER_REDIS_OUTAGE", "30"))
DB_OUTAGE = int(os.environ.get("CLUSTER_DB_OUTAGE", "60"))
RECOVERY = int(os.environ.get("CLUSTER_RECOVERY_SECONDS", "30"))  # load after the last outage
# Mail retries back off up to EMAIL_RETRY_MAX_MINUTES (production: 2); one minute here, so that
# the mail that waited out the SMTP outage is delivered before the database goes.
RETRY_MAX_MINUTES = 1
# A visitor who gets the outage page ("send it again in a few minutes") sends the very same form
# again for this long: 1 s pauses at first, then growing ones.
PATIENCE = 100
HANDLER_EMAIL = "meldpunt-behandelaar@cluster.test"
DIGEST_SUBJECT = "Meldpunt: wat er vandaag klaarligt"
NO_CODE = "(stored once before; code not shown again)"
# statuses: every answer to the form's POST; at: when it was first POSTed (seconds since the start)
Submission = collections.namedtuple("Submission", "kind marker outcome value attempts statuses at")
PAGES = ["/", "/plan-van-aanpak/", "/nieuws/", "/hulp/", "/denktanks/", "/vragen/", "/melden/"]

T0 = time.monotonic()


def now() -> float:
    return time.monotonic() - T0


def log(message: str) -> None:
    print(f"[{now():7.1f}s] {message}", flush=True)


def run(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, text=True, capture_output=True, **kwargs)


# --- the network ---------------------------------------------------------------------------------


def netns(name: str) -> str:
    return f"{PREFIX}-{name}"


def address(name: str) -> str:
    return f"{NET}.{ADDRESSES[name]}"


def remove_leftovers() -> None:
    """Namespaces and the bridge of an earlier run that could not clean up (killed with -9)."""
    for line in run("ip", "netns", "list").stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(f"{PREFIX}-"):
            for pid in run("ip", "netns", "pids", name, check=False).stdout.split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
            run("ip", "netns", "del", name, check=False)
    run("ip", "link", "del", BRIDGE, check=False)
    # A veth outlives its namespace until the kernel has dropped the namespace's last TIME_WAIT
    # socket (a minute): delete the host's end, which takes the other end with it.
    for line in run("ip", "-o", "link", "show").stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(f"{PREFIX}-"):
            run("ip", "link", "del", name, check=False)


def make_network(cleanup: contextlib.ExitStack) -> None:
    remove_leftovers()
    run("ip", "link", "add", BRIDGE, "type", "bridge")
    cleanup.callback(run, "ip", "link", "del", BRIDGE, check=False)
    run("ip", "addr", "add", f"{HOST}/24", "dev", BRIDGE)
    run("ip", "link", "set", BRIDGE, "up")
    for client in range(
        CLIENTS
    ):  # the load's visitors, each its own address (nginx counts per address)
        run("ip", "addr", "add", f"{NET}.{100 + client}/24", "dev", BRIDGE)
    for name in ADDRESSES:
        ns = netns(name)
        run("ip", "netns", "add", ns)
        cleanup.callback(run, "ip", "netns", "del", ns, check=False)
        run("ip", "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns)
        cleanup.callback(run, "ip", "link", "del", ns, check=False)
        run("ip", "link", "set", ns, "master", BRIDGE, "up")
        run("ip", "-n", ns, "addr", "add", f"{address(name)}/24", "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "route", "add", "default", "via", HOST)


# --- processes -----------------------------------------------------------------------------------


class Process:
    """A process whose output is kept with the moment each line came (seconds since the start)."""

    def __init__(self, name: str, argv: list[str]):
        self.name, self.argv, self.lines = name, argv, []
        self.log = open(OUT / f"{name}.log", "a", buffering=1)  # noqa: SIM115
        self.log.write(f"--- {' '.join(argv)[:300]}\n")
        self.popen = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.popen.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            moment = now()
            self.lines.append((moment, line))
            self.log.write(f"[{moment:7.1f}] {line}\n")

    def node_init(self) -> int | None:
        """PID 1 of the node's PID namespace (unshare --fork's child): killing it ends the node."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = self.popen.pid
            return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])
        return None

    def kill(self) -> None:
        """SIGKILL, as a machine or a container dies: the node's whole PID namespace goes."""
        target = self.node_init()
        if target:
            os.kill(target, signal.SIGKILL)
        self.popen.wait(timeout=30)
        self.reader.join(timeout=5)

    def stop(self, grace=10) -> None:
        if self.popen.poll() is None:
            target = self.node_init() or self.popen.pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                if target != self.popen.pid:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(target, signal.SIGKILL)
                self.popen.wait(timeout=30)
        self.reader.join(timeout=5)
        self.log.close()

    def wait(self, timeout) -> int:
        code = self.popen.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return code

    def count(self, pattern: str, start=0.0, end=float("inf")) -> int:
        regex = re.compile(pattern)
        return sum(1 for moment, line in self.lines if start <= moment < end and regex.search(line))


# Inside a node: the image's root filesystem, read-only, with the node's own /proc (its PID
# namespace), /dev, a tmpfs /tmp and its own /data; then the entrypoint as uid 1000 in the
# image's working directory with exactly the environment given (env -i: nothing of the host's).
IMAGE_NODE = r"""
set -e
R="$1"; D="$2"; shift 2
mount --bind "$R" "$R"
mount -o remount,bind,ro "$R"
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=1777,size=256m tmpfs "$R/tmp"
mount --bind "$D" "$R/data"
exec env -i "$@"
"""
IN_CHROOT = 'cd "$0" && exec "$@"'


class Runner:
    """Starts app nodes: the image's entrypoint in its root filesystem, or (--no-image) the same
    commands from this checkout's virtualenv."""

    def __init__(self, tmp: Path, cleanup: contextlib.ExitStack, use_image: bool, env: dict):
        self.tmp, self.use_image, self.env = tmp, use_image, env
        if use_image:
            # By its id: a rebuild that moves the tag meanwhile must not change what is unmounted.
            image = run("podman", "image", "inspect", IMAGE, "--format", "{{.Id}}").stdout.strip()
            config = json.loads(
                run("podman", "image", "inspect", image, "--format", "{{json .Config}}").stdout
            )
            self.image_env = dict(item.split("=", 1) for item in config.get("Env") or [])
            self.workdir = config.get("WorkingDir") or "/"
            self.entrypoint = config.get("Entrypoint") or ["/app/deploy/container/entrypoint"]
            self.rootfs = run("podman", "image", "mount", image).stdout.strip()
            cleanup.callback(run, "podman", "image", "unmount", image, check=False)
            self.image = f"{IMAGE} ({image[:12]})"
            for directory in ("proc", "dev", "tmp", "data"):
                if not (Path(self.rootfs) / directory).is_dir():
                    raise SystemExit(f"the image has no /{directory} to mount on")
        else:
            self.static = tmp / "static"
            environment = {**self.local_env(tmp / "collectstatic")}
            run(
                str(ROOT / ".venv/bin/python"),
                "manage.py",
                "collectstatic",
                "--noinput",
                "-v0",
                cwd=ROOT,
                env=environment,
            )

    def local_env(self, data: Path) -> dict:
        """What the image's ENV sets, for a node run from this checkout."""
        return {
            **self.env,
            "PATH": f"{ROOT / '.venv/bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(data),
            "VAR_DIR": str(data),
            "MEDIA_ROOT": str(data / "media"),
            "STATIC_ROOT": str(self.tmp / "static"),
            "STATIC_MANIFEST": "1",
            "PYTHONUNBUFFERED": "1",
        }

    def local_command(self, command: list[str]) -> list[str]:
        """The entrypoint's commands (docs: deploy/container/entrypoint) from the checkout."""
        entrypoint = ROOT / "deploy" / "container" / "entrypoint"
        if entrypoint.exists():
            return [str(entrypoint), *command]
        python = str(ROOT / ".venv/bin/python")
        match command:
            case ["web"]:
                return [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "samenaanpak.wsgi",
                    "-c",
                    "python:samenaanpak.gunicorn_conf",
                    "--bind",
                    "0.0.0.0:8000",
                    "--workers",
                    "2",
                ]
            case ["worker"]:
                return [python, "manage.py", "worker", "--interval", "2"]
            case ["scheduler"]:
                return [python, "manage.py", "scheduler"]
            case ["migrate"]:
                steps = [
                    "migrate --noinput",
                    "createcachetable",
                    "sync_roles",
                    "load_content $MUNICIPALITY",
                ]
                return ["sh", "-c", " && ".join(f"{python} manage.py {step}" for step in steps)]
            case ["manage", *rest]:
                return [python, "manage.py", *rest]
        raise ValueError(command)

    def start(self, name: str, node: str, command: list[str], extra_env=None) -> Process:
        data = self.tmp / "data" / name
        data.mkdir(parents=True, exist_ok=True)
        namespace = ["ip", "netns", "exec", netns(node), "unshare", "--mount", "--pid", "--fork"]
        namespace.append("--kill-child")  # the node dies with its unshare, never outlives this run
        if self.use_image:
            os.chown(data, 1000, 1000)
            environment = {**self.image_env, **self.env, **(extra_env or {})}
            chroot = [
                shutil.which("chroot") or "/usr/sbin/chroot",
                "--userspec=1000:1000",
                self.rootfs,
                "/bin/sh",
                "-c",
                IN_CHROOT,
            ]
            argv = [
                *namespace,
                "sh",
                "-c",
                IMAGE_NODE,
                "node",
                self.rootfs,
                str(data),
                *(f"{key}={value}" for key, value in environment.items()),
                *chroot,
                self.workdir,
                *self.entrypoint,
                *command,
            ]
        else:
            environment = {**self.local_env(data), **(extra_env or {})}
            argv = [
                *namespace,
                "--mount-proc",
                "env",
                "-i",
                *(f"{key}={value}" for key, value in environment.items()),
                "sh",
                "-c",
                IN_CHROOT,
                str(ROOT),
                *self.local_command(command),
            ]
        return Process(name, argv)


# --- PostgreSQL, Redis, nginx, SMTP --------------------------------------------------------------


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def start_postgres(tmp: Path) -> Process:
    data = tmp / "postgres"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    run("runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust")
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {NET}.0/24 trust\n")
    process = run_postgres(tmp)
    run("psql", "-h", address("db"), "-U", "postgres", "-qc", "CREATE DATABASE samenaanpak")
    return process


def run_postgres(tmp: Path) -> Process:
    """The postmaster on its data directory (also again after an outage)."""
    data = tmp / "postgres"
    process = Process(
        "postgres",
        [
            *("ip", "netns", "exec", netns("db"), "runuser", "-u", "postgres", "--"),
            str(PG_BIN / "postgres"),
            *("-D", str(data), "-c", f"listen_addresses={address('db')}"),
            *("-c", f"unix_socket_directories={data}", "-c", "max_connections=200"),
            # Durability is not under test (the outage is a clean stop), and without fsync the
            # 270 migrations take seconds instead of minutes on a busy machine.
            *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
            # Every new connection is logged: a scheduler's minute rounds show as its connections.
            *("-c", "log_connections=on"),
        ],
    )
    wait_for(
        lambda: run("pg_isready", "-h", address("db"), check=False).returncode == 0, 60, process
    )
    return process


def stop_postgres(tmp: Path, process: Process) -> None:
    """`pg_ctl stop -m fast`: every session is ended at once, open transactions roll back."""
    run(
        *("runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "stop"),
        *("-D", str(tmp / "postgres"), "-m", "fast", "-w", "-t", "60"),
    )
    process.wait(timeout=60)


def crash(process: Process) -> None:
    """SIGKILL to a service started without a PID namespace of its own (Redis)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.popen.pid, signal.SIGKILL)
    process.wait(timeout=30)


def start_redis(tmp: Path) -> Process:
    process = Process(
        "redis",
        [
            *("ip", "netns", "exec", netns("redis"), "redis-server", "--bind", address("redis")),
            *("--port", "6379", "--save", "", "--appendonly", "no", "--dir", str(tmp)),
            *("--protected-mode", "no"),
        ],
    )
    wait_for(lambda: port_open(address("redis"), 6379), 30, process)
    return process


def start_nginx(tmp: Path) -> Process:
    directory = tmp / "nginx"
    upstream = f"{address('web1')}:8000,{address('web2')}:8000"
    conf = nginx_conf.write(directory, port=LB_PORT, upstream=upstream)
    text = conf.read_text()
    # The shipped site listens on loopback (nginx next to gunicorn); here nginx is a node of its own.
    text = text.replace(f"listen 127.0.0.1:{LB_PORT};", f"listen {address('lb')}:{LB_PORT};")
    # For this test only: nginx's upstream errors in a file (the shipped level, emerg, shows none).
    text = text.replace("error_log stderr emerg;", f"error_log {directory}/error.log error;")
    conf.write_text(text)
    process = Process(
        "nginx",
        [
            *("ip", "netns", "exec", netns("lb"), "nginx", "-g", "daemon off;"),
            *("-c", str(conf), "-p", str(directory)),
        ],
    )
    wait_for(lambda: port_open(address("lb"), LB_PORT), 30, process)
    return process


def port_open(host: str, port: int) -> bool:
    import socket

    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def wait_for(condition, timeout: float, process: Process | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.popen.poll() is not None:
            raise SystemExit(f"{process.name} stopped; see {OUT / (process.name + '.log')}")
        if time.monotonic() > deadline:
            name = process.name if process else "condition"
            raise SystemExit(f"{name}: not ready after {timeout} s; see {OUT}")
        time.sleep(0.5)


class Inbox:
    """aiosmtpd handler: every message as it arrived (Message-ID, recipients, subject, the
    sender's address, the moment).

    `hold_peer`: a sender's address whose conversations wait at RCPT (nothing accepted yet) until
    it is set back to None; `holding` is set once one waits. So worker1 is killed in the middle
    of sending, with a batch of mail claimed."""

    def __init__(self):
        self.messages, self.lock = [], threading.Lock()
        self.hold_peer, self.holding = None, threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_peer and session.peer[0] == self.hold_peer:
            self.holding.set()
            while self.hold_peer:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        subject = str(
            email.header.make_header(email.header.decode_header(message.get("Subject", "")))
        )
        with self.lock:
            self.messages.append(
                {
                    "id": message.get("Message-ID", "").strip(),
                    "to": tuple(sorted(envelope.rcpt_tos)),
                    "subject": subject,
                    "peer": session.peer[0],
                    "at": now(),
                }
            )
        return "250 OK"


class SmtpServer:
    """The mail server on the host. `away()` closes its listening socket: new connections are
    refused, as from a mail server that is down (a conversation in progress ends normally, so a
    message the server took is never one the sender thinks was lost). `back()` listens again."""

    def __init__(self, inbox: Inbox):
        from aiosmtpd.controller import Controller

        self.controller = Controller(inbox, hostname=HOST, port=SMTP_PORT)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def away(self) -> None:
        controller = self.controller
        controller.loop.call_soon_threadsafe(controller.server.close)
        wait_for(lambda: not port_open(HOST, SMTP_PORT), 10)

    def back(self) -> None:
        controller = self.controller

        async def listen():
            # aiosmtpd's own server factory (what start() used), on the same loop and handler
            return await controller._create_server()

        future = asyncio.run_coroutine_threadsafe(listen(), controller.loop)
        controller.server = future.result(timeout=10)
        wait_for(lambda: port_open(HOST, SMTP_PORT), 10)


class Readiness:
    """Polls every web node's /gezond/ directly (not through nginx) twice a second: (moment the
    probe was sent, node, HTTP status or None when no answer, the JSON "status")."""

    def __init__(self, names=("web1", "web2")):
        self.names, self.samples, self.stop = names, [], threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self.stop.is_set():
            for name in self.names:
                url, started = f"http://{address(name)}:8000/gezond/", now()
                status, state = None, None
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        status, body = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read()
                except OSError:
                    body = b""
                with contextlib.suppress(ValueError):
                    state = json.loads(body or b"{}").get("status")
                self.samples.append((started, name, status, state))
            self.stop.wait(0.5)

    def between(self, node, start, end):
        return [
            (m, status, state)
            for m, n, status, state in self.samples
            if n == node and start <= m < end
        ]

    def first(self, node, after, condition):
        """Seconds from `after` until the node first answered as `condition` wants, or None."""
        for moment, status, state in self.between(node, after, float("inf")):
            if condition(status, state):
                return round(moment - after, 1)
        return None


# --- the load ------------------------------------------------------------------------------------


class SourceAddressHandler(urllib.request.HTTPHandler):
    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, req):
        return self.do_open(
            functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


def multipart(fields: dict) -> tuple[bytes, str]:
    boundary = "----cluster" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def hidden(page: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return found.group(1) if found else None


class Visitor:
    """One resident's browser: its own address, cookies, and a record of every request."""

    BASE = f"http://{NET}.{ADDRESSES['lb']}:{LB_PORT}"

    def __init__(self, number: int, record, typing=lambda: 0):
        self.number, self.record, self.typing = number, record, typing
        self.opener = urllib.request.build_opener(
            SourceAddressHandler(f"{NET}.{100 + number}"),
            urllib.request.HTTPCookieProcessor(),
            NoRedirect(),
        )

    def request(self, kind: str, path: str, data=None, content_type=None):
        """(status or None, body, headers); every request is recorded with its moment and, for an
        error, which page said so."""
        started = now()
        request = urllib.request.Request(self.BASE + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body, headers = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read().decode(errors="replace"), error.headers
        except (OSError, http.client.HTTPException):
            status, body, headers = None, "", {}
        self.record(kind, started, now(), status, None if ok(status) else error_page(body))
        return status, body, headers

    def send(self, kind: str, path: str, data, content_type, accepted) -> tuple:
        """POST a form; on a lost answer (no answer, 502-504: the outage page says "send it again")
        send the very same form again, as a person would: three times a second apart, then with
        growing pauses for PATIENCE seconds. (outcome, value, attempts, statuses, the moment of the
        first POST): ('accepted', what the site answered), ('refused', status) or ('unknown',
        status)."""
        status, statuses, first = None, [], now()
        for attempt in itertools.count(1):
            if attempt > 1:
                time.sleep(1 if attempt <= 4 else min(5 * (attempt - 4), 20))
            status, body, headers = self.request(kind, path, data, content_type)
            statuses.append(status)
            value = accepted(status, body, headers)
            if value:
                return "accepted", value, attempt, statuses, first
            if status is not None and status not in (502, 503, 504):
                return "refused", status, attempt, statuses, first
            if now() - first > PATIENCE:
                return "unknown", status, attempt, statuses, first
        raise AssertionError("unreachable")

    def question(self, marker: str):
        status, page, _ = self.request("form", "/vragen/")
        if status != 200:
            return None
        time.sleep(self.typing())  # so some forms are sent just after an outage began
        fields = {
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "started": hidden(page, "started"),
            "text": f"Vraag {marker}: hoe helpt de gemeente jongeren die gebruiken?",
            "topic": "hulp",
            "name": "",
            "email": f"{marker.lower()}@bewoner.test",
            "consent": "on",
            "website": "",
        }

        def accepted(status, body, headers):
            location = headers.get("Location", "") if status == 302 else ""
            return location if "/vragen/verstuurd/" in location else None

        return self.send(
            "post-question",
            "/vragen/",
            urllib.parse.urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
            accepted,
        )

    def report(self, marker: str):
        status, page, _ = self.request("form", "/melden/")
        if status != 200:
            return None
        time.sleep(self.typing())
        categories = re.findall(r'<option value="(\d+)"', page)
        fields = {
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "started": hidden(page, "started"),
            "category": random.choice(categories) if categories else "",
            "description": f"Melding {marker}: er wordt gedeald bij het fietsenhok.",
            "where": "",
            "place": "",
            "when": "",
            "name": "",
            "email": "",
            "phone": "",
            "website": "",
        }
        body, content_type = multipart(fields)

        def accepted(status, body, headers):
            if status != 200:
                return None
            found = re.search(r'data-copy="([A-Z0-9-]+)"', body)
            if found:
                return found.group(1)
            # A repeat whose code copy was gone: stored once, the code not shown again.
            return NO_CODE if "was al verstuurd" in body else None

        return self.send("post-report", "/melden/", body, content_type, accepted)

    def lookup(self, receipt: str) -> str:
        """Opens a report with its receipt through the web; returns the page."""
        status, page, _ = self.request("lookup", "/melden/mijn-melding/")
        if status != 200:
            return ""
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"), "receipt": receipt}
        ).encode()
        return self.request(
            "lookup", "/melden/mijn-melding/", data, "application/x-www-form-urlencoded"
        )[1]


class Load:
    def __init__(self, run_id: str):
        self.run_id, self.requests, self.submissions, self.in_hand = run_id, [], [], []
        self.lock, self.stop = threading.Lock(), threading.Event()

    def record(self, kind, started, ended, status, page=None):
        with self.lock:
            self.requests.append((started, ended, kind, status, page))

    def visitor(self, number: int):
        rng = random.Random(number)
        visitor, count = Visitor(number, self.record, lambda: rng.uniform(0.3, 3)), 0
        while not self.stop.is_set():
            count += 1
            choice = rng.random()
            if choice < 0.35:
                marker = f"{self.run_id}-V{number}-{count}"
                outcome = visitor.question(marker)
                if outcome:
                    with self.lock:
                        self.submissions.append(Submission("question", marker, *outcome))
            elif choice < 0.6:
                marker = f"{self.run_id}-M{number}-{count}"
                outcome = visitor.report(marker)
                if outcome:
                    with self.lock:
                        self.submissions.append(Submission("report", marker, *outcome))
            else:
                visitor.request("get", rng.choice(PAGES))
            time.sleep(rng.uniform(0.1, 0.4))

    def form_in_hand(self, number: int, sent: threading.Event):
        """A form opened now and sent once `sent` is set: a question for even numbers, else a
        report (markers V1xx / M1xx: apart from the load's own)."""
        visitor = Visitor(number, self.record, lambda: sent.wait(60) and 0)
        kind = "question" if number % 2 == 0 else "report"
        marker = f"{self.run_id}-{'V' if kind == 'question' else 'M'}{100 + number}-1"
        outcome = (visitor.question if kind == "question" else visitor.report)(marker)
        if outcome:
            with self.lock:
                self.in_hand.append(marker)
                self.submissions.append(Submission(kind, marker, *outcome))

    def start(self):
        self.threads = [
            threading.Thread(target=self.visitor, args=(number,), daemon=True)
            for number in range(CLIENTS)
        ]
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def ok(status) -> bool:
    return status in (200, 302)


def error_page(body: str) -> str:
    """Which page a visitor saw instead of what they asked for."""
    if not body:
        return "no answer"
    if "English: the site is briefly unavailable" in body:
        return "nginx outage page"
    if "/static/css/error.css" in body:
        if "De site is even niet beschikbaar" in body:
            return "app outage page (503)"
        if "Er ging iets mis" in body:
            return "app error page (500)"
    return "other"


def phase_figures(requests, start, end) -> dict:
    inside = [r for r in requests if start <= r[1] < end]
    errors = [r for r in inside if not ok(r[3])]
    successes = sorted(r[1] for r in inside if ok(r[3]))
    last = min(end, max((r[1] for r in requests), default=end))
    edges = [start, *successes, max(last, start)]
    gap = max((b - a for a, b in zip(edges, edges[1:], strict=False)), default=0.0)
    seconds = max(end - start, 1e-9)
    return {
        "requests": len(inside),
        "errors": len(errors),
        "error %": round(100 * len(errors) / len(inside), 2) if inside else 0.0,
        "req/s": round(len(inside) / seconds, 1),
        "max gap s": round(gap, 2),
        "error statuses": dict(collections.Counter(str(r[3]) for r in errors)),
        "error pages": dict(collections.Counter(r[4] for r in errors)),
    }


# --- the cluster ---------------------------------------------------------------------------------


SETUP_HANDLER = """
from django.contrib.auth import get_user_model
from samenaanpak.reports import keyring
from samenaanpak.reports.models import Team
team = Team.objects.get(name="Meldpunt")
user, _ = get_user_model().objects.get_or_create(username="cluster-behandelaar")
user.email = "__EMAIL__"
user.set_password("__PASSWORD__")
user.save()
user.groups.add(team.group)
keyring.enrol_with_password(user, "__PASSWORD__")
print("team key:", bool(Team.objects.get(pk=team.pk).public_key))
"""


def cluster_env(secret: str) -> dict:
    lb = address("lb")
    limit = "1000000"
    return {
        "SAMENAANPAK_ENV": "production",
        "SECRET_KEY": secret,
        "REPORT_RECEIPT_PEPPER": "pepper-" + secret,
        "ALLOWED_HOSTS": ",".join([lb, *(address(n) for n in ("web1", "web2"))]),
        "SITE_URL": f"http://{lb}:{LB_PORT}",
        "DATABASE_URL": f"postgres://postgres@{address('db')}:5432/samenaanpak",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://{address('redis')}:6379/0",
        "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
        "DEFAULT_FROM_EMAIL": "Samenaanpak <noreply@cluster.test>",
        "MUNICIPALITY": "nijkerk",
        # plain http on this machine (the ingress terminates TLS in production)
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "TRUSTED_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        # the load is a program: no minimum fill time, limits far above what it sends
        "FORM_MIN_FILL_SECONDS": "0",
        "QUESTION_CLIENT_HOURLY_LIMIT": limit,
        "QUESTION_HOURLY_CAP": limit,
        "REPORT_CLIENT_HOURLY_LIMIT": limit,
        "REPORT_HOURLY_CAP": limit,
        # a killed worker's mail and tasks are taken over within this run, not after minutes
        "EMAIL_CLAIM_SECONDS": "30",
        "TASK_LEASE_SECONDS": "30",
        "EMAIL_RETRY_MAX_MINUTES": str(RETRY_MAX_MINUTES),
        "WEB_WORKERS": "2",
        "PORT": "8000",
        "LOG_LEVEL": "INFO",
    }


def wait_ready(node: str, process: Process, timeout=180):
    url = f"http://{address(node)}:8000/gezond/"

    def ready():
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
        return False

    wait_for(ready, timeout, process)


def timeline(outages: bool) -> dict:
    """When each thing happens, in seconds since the load started."""
    if not outages:
        kill = LOAD_SECONDS / 3
        return {"kill": kill, "restart": kill + RESTART_AFTER, "end": LOAD_SECONDS}
    t = {"scheduler kill": 10, "kill": 20}
    t["restart"] = t["kill"] + RESTART_AFTER
    t["smtp away"] = t["restart"] + 15
    t["smtp back"] = t["smtp away"] + SMTP_OUTAGE
    t["redis away"] = t["smtp back"] + 10
    t["redis back"] = t["redis away"] + REDIS_OUTAGE
    # The database goes once the mail that waited out the SMTP outage has had its retry (at most
    # RETRY_MAX_MINUTES after its last attempt), so that the two outages do not mix.
    t["db away"] = max(t["redis back"] + 15, t["smtp back"] + RETRY_MAX_MINUTES * 60 + 10)
    t["db back"] = t["db away"] + DB_OUTAGE
    t["end"] = t["db back"] + RECOVERY
    return t


def scheduler_connected(processes, name: str, since: float) -> bool:
    """The scheduler opened a database connection since then (it does every minute round)."""
    pattern = rf"connection received: host={re.escape(address(name))}\b"
    return any(p.count(pattern, since) for p in processes if p.name == "postgres")


def daily_claimed() -> bool:
    """The daily job's done-mark in the throttle store (a row in the database)."""
    result = run(
        *("psql", "-h", address("db"), "-U", "postgres", "-d", "samenaanpak", "-Atc"),
        "SELECT count(*) FROM core_throttlecounter WHERE key LIKE '%daily-done:%'",
        check=False,
    )
    return result.stdout.strip() not in ("", "0")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-image", action="store_true", help="run the nodes from this checkout's .venv"
    )
    parser.add_argument(
        "--no-outages",
        action="store_true",
        help="only the kills of web1 and worker1 (CLUSTER_LOAD_SECONDS of load); no scheduler "
        "kill, no SMTP, Redis or PostgreSQL outage",
    )
    options = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("make cluster-test needs root (network namespaces, mounts, chroot)")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.log"):
        old.unlink()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # cleanup runs on SIGTERM too
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C, even when started ignored
    run_id = "CL" + secrets.token_hex(3).upper()
    secret = secrets.token_urlsafe(40)
    env = cluster_env(secret)
    outages = not options.no_outages
    plan = timeline(outages)
    with contextlib.ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="samenaanpak-cluster-"))
        tmp.chmod(0o755)
        cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)
        processes: list[Process] = []
        cleanup.callback(lambda: [p.stop() for p in reversed(processes)])
        make_network(cleanup)
        log(f"network: bridge {BRIDGE} {HOST}/24, {len(ADDRESSES)} namespaces")

        import aiosmtpd.smtp

        # aiosmtpd logs every SMTP command at INFO; Django's logging (set up later, for the checks)
        # would print them all. Its own logger, quiet, instead.
        aiosmtpd.smtp.log = logging.getLogger("cluster.smtp")
        aiosmtpd.smtp.log.setLevel(logging.WARNING)

        inbox = Inbox()
        smtp = SmtpServer(inbox)
        smtp.start()
        cleanup.callback(smtp.stop)
        services = {"postgres": start_postgres(tmp), "redis": start_redis(tmp)}
        processes.extend(services.values())
        log(
            f"PostgreSQL on {address('db')}, Redis on {address('redis')}, SMTP on {HOST}:{SMTP_PORT}"
        )
        runner = Runner(tmp, cleanup, not options.no_image, env)
        mode = (
            f"image {runner.image}, root filesystem {runner.rootfs}"
            if runner.use_image
            else "--no-image (this checkout's .venv)"
        )
        log(f"nodes run: {mode}")

        job = runner.start("migrate", "job", ["migrate"])
        processes.append(job)
        if job.wait(600):
            raise SystemExit(f"migrate failed; see {OUT / 'migrate.log'}")
        log("migrate job done")
        password = secrets.token_urlsafe(16)
        code = SETUP_HANDLER.replace("__EMAIL__", HANDLER_EMAIL).replace("__PASSWORD__", password)
        job = runner.start("handler", "job", ["manage", "shell", "-c", code])
        processes.append(job)
        if job.wait(300):
            raise SystemExit(f"the handler's key failed; see {OUT / 'handler.log'}")
        log("meldpunt team key made by its first handler")

        nodes: dict[str, Process] = {}
        for name in ("web1", "web2"):
            nodes[name] = runner.start(name, name, ["web"])
            processes.append(nodes[name])
        for name in ("worker1", "worker2"):
            nodes[name] = runner.start(name, name, ["worker"])
            processes.append(nodes[name])
        for name in ("web1", "web2"):
            wait_ready(name, nodes[name])
        processes.append(start_nginx(tmp))
        log("web1, web2 ready; worker1, worker2 started; nginx on " + f"{address('lb')}:{LB_PORT}")
        readiness = Readiness()
        readiness.thread.start()
        cleanup.callback(readiness.stop.set)

        # One report before the schedulers start: the daily job then has a digest to send, once.
        seed = Visitor(CLIENTS - 1, lambda *args: None).report(f"{run_id}-SEED")
        if not seed or seed[0] != "accepted":
            raise SystemExit(f"the first report was not accepted: {seed}")
        for name in ("scheduler1", "scheduler2"):
            nodes[name] = runner.start(name, name, ["scheduler"])
            processes.append(nodes[name])
        log("scheduler1 and scheduler2 started together")

        load = Load(run_id)
        load_start = now()
        load.start()
        log(f"load: {CLIENTS} visitors for {plan['end']:.0f} s")
        moments: dict[str, float] = {"load start": load_start}
        # moments that start no phase of their own; a service may answer before its start
        # command returns, so the checks "while away" end when it is started
        marks: dict[str, float] = {}

        def at(event: str) -> None:
            time.sleep(max(0, load_start + plan[event] - now()))

        killed_scheduler = None
        if outages:
            # The scheduler that ran the daily job is killed once the job is marked done; the other
            # one must carry the minute jobs alone from now on (among them: requeueing the task
            # worker1 is about to die with).
            at("scheduler kill")
            wait_for(daily_claimed, 90, nodes["scheduler2"])
            claimants = [
                name
                for name in ("scheduler1", "scheduler2")
                if nodes[name].count(r"^core: .* deleted")
            ]
            killed_scheduler = claimants[0] if claimants else "scheduler1"
            nodes[killed_scheduler].kill()
            moments["scheduler kill"] = now()
            log(
                f"SIGKILL {killed_scheduler}"
                + (" (it ran the daily job)" if claimants else " (which one ran it is unknown)")
            )

        at("kill")
        # worker1 is killed while it talks to the mail server (a batch claimed, nothing accepted).
        inbox.hold_peer = address("worker1")
        mid_send = inbox.holding.wait(timeout=20)
        killed_at = now()
        killed_worker = nodes["worker1"]
        nodes["web1"].kill()
        killed_worker.kill()
        inbox.hold_peer = None
        moments["kill"] = killed_at
        log(
            "SIGKILL web1 and worker1"
            + (" (worker1 in the middle of sending mail)" if mid_send else "")
        )
        time.sleep(RESTART_AFTER)
        restart_at = now()
        nodes["web1"] = runner.start("web1", "web1", ["web"])
        nodes["worker1"] = runner.start("worker1", "worker1", ["worker"])
        processes.extend([nodes["web1"], nodes["worker1"]])
        moments["restart"] = restart_at
        log("web1 and worker1 started again")

        if outages:
            # From here on no app node is started again by this script: they must come back alone.
            at("smtp away")
            smtp.away()
            moments["smtp away"] = now()
            log(f"SMTP server away (connections refused) for {SMTP_OUTAGE} s")
            at("smtp back")
            smtp.back()
            moments["smtp back"] = now()
            log("SMTP server back")

            at("redis away")
            crash(services["redis"])
            moments["redis away"] = now()
            log(f"Redis killed (SIGKILL) for {REDIS_OUTAGE} s")
            at("redis back")
            marks["redis starting"] = now()
            services["redis"] = start_redis(tmp)
            processes.insert(0, services["redis"])  # stopped after the app nodes at the end
            moments["redis back"] = now()
            log("Redis started again (empty)")

            # Four people have a form open when the database goes, and send it right after: they
            # get the outage page and send it again until it is accepted (Visitor.send).
            db_down = threading.Event()
            in_hand = [
                threading.Thread(target=load.form_in_hand, args=(n, db_down), daemon=True)
                for n in range(4)
            ]
            for thread in in_hand:
                thread.start()
            at("db away")
            moments["db away"] = now()
            stop_postgres(tmp, services["postgres"])
            marks["db down"] = now()  # pg_ctl returned: the postmaster is gone
            db_down.set()
            log(f"PostgreSQL stopped (pg_ctl stop -m fast) for {DB_OUTAGE} s")
            at("db back")
            marks["db starting"] = now()
            services["postgres"] = run_postgres(tmp)
            processes.insert(0, services["postgres"])
            moments["db back"] = now()
            log("PostgreSQL started again")

        at("end")
        load.finish()
        for thread in in_hand if outages else []:
            thread.join(timeout=PATIENCE + 30)
        load_end = now()
        survivor = "scheduler2" if killed_scheduler == "scheduler1" else "scheduler1"
        moments["load end"] = load_end
        log(f"load done: {len(load.requests)} requests, {len(load.submissions)} submissions")

        # Wait for the outbox to drain (a mail claimed by the killed worker waits for its claim
        # to expire), then a little longer: a second copy would arrive now.
        verify_env(env, tmp)
        from django_tasks_db.models import DBTaskResult

        from samenaanpak.core.models import OutgoingEmail

        # Also the task worker1 died with: the scheduler puts it back in the queue once its lease
        # (TASK_LEASE_SECONDS) is over, at its next minute round, and a worker runs it again.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pending = OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).count()
            running = DBTaskResult.objects.filter(status="RUNNING").count()
            drained = not pending and not running
            if drained and len(inbox.messages) >= OutgoingEmail.objects.count():
                # after the database outage: until the scheduler left has done a round again
                back = moments.get("db back", 0)
                if not outages or (
                    scheduler_connected(processes, survivor, back)
                    and all(
                        nodes[name].count(r"worker: database back after", back)
                        for name in ("worker1", "worker2")
                    )
                ):
                    break
            time.sleep(2)
        log(f"outbox drained; {pending} mail(s) waiting, {running} task(s) running")
        time.sleep(10)
        readiness.stop.set()
        web_sample = []
        with_code = [
            s
            for s in load.submissions
            if s.kind == "report" and s.outcome == "accepted" and s.value != NO_CODE
        ]
        for submission in random.Random(1).sample(with_code, min(8, len(with_code))):
            page = Visitor(0, lambda *args: None).lookup(submission.value)
            web_sample.append(submission.marker in page)
        results = verify(load, inbox, nodes, processes, password, run_id, web_sample)
        results["killed worker"] = killed_worker_figures(killed_worker, mid_send, killed_at)
        ends = sorted(moments.values())

        def until_next(moment):  # the phase after `moment` lasts until the next event
            return next((m for m in ends if m > moment), load_end + 1)

        figures = {
            "before the kill": phase_figures(load.requests, load_start, killed_at),
            "kill + 10 s": phase_figures(load.requests, killed_at, killed_at + 10),
            "web1 dead, later": phase_figures(load.requests, killed_at + 10, restart_at),
            "after the restart": phase_figures(load.requests, restart_at, until_next(restart_at)),
        }
        if outages:
            for label, event in (
                ("SMTP away", "smtp away"),
                ("SMTP back", "smtp back"),
                ("Redis away", "redis away"),
                ("Redis back", "redis back"),
                ("PostgreSQL away", "db away"),
            ):
                figures[label] = phase_figures(
                    load.requests, moments[event], until_next(moments[event])
                )
            back = moments["db back"]
            figures["PostgreSQL back, first 10 s"] = phase_figures(load.requests, back, back + 10)
            figures["PostgreSQL back, later"] = phase_figures(
                load.requests, back + 10, load_end + 1
            )
        figures["whole load"] = phase_figures(load.requests, load_start, load_end + 1)
        per_second = []
        for second in range(int(killed_at - load_start) - 3, int(killed_at - load_start) + 12):
            start = load_start + second
            inside = [r for r in load.requests if start <= r[1] < start + 1]
            per_second.append((second, len(inside), sum(1 for r in inside if not ok(r[3]))))
        served = {}
        for name in ("web1", "web2"):
            runs = [p for p in processes if p.name == name]
            pattern = r"^(GET|POST|HEAD) /(?!gezond/)"  # not the readiness probes of this script
            served[name] = {
                "before the kill": sum(p.count(pattern, load_start, killed_at) for p in runs),
                "while web1 dead": sum(p.count(pattern, killed_at, restart_at) for p in runs),
                "after the restart": sum(p.count(pattern, restart_at, load_end + 1) for p in runs),
            }
        if outages:
            results["outages"] = outage_results(
                load,
                inbox,
                nodes,
                processes,
                readiness,
                moments,
                killed_scheduler,
                figures,
                marks,
            )
        nginx_errors = (
            (tmp / "nginx" / "error.log").read_text()
            if (tmp / "nginx" / "error.log").exists()
            else ""
        )
        (OUT / "nginx-error.log").write_text(nginx_errors)
        failures = report(
            results,
            figures,
            per_second,
            served,
            nginx_errors,
            mode,
            {name: moment - load_start for name, moment in moments.items()},
        )
        (OUT / "figures.json").write_text(
            json.dumps(
                {"results": results, "phases": figures, "served": served}, indent=2, default=str
            )
        )
        return 1 if failures else 0


def verify_env(env: dict, tmp: Path) -> None:
    """This process reads the cluster's database with the same settings as the nodes."""
    os.environ.update(env)
    os.environ.update(
        {
            "VAR_DIR": str(tmp / "verify"),
            "STATIC_ROOT": str(tmp / "verify-static"),
            "STATIC_MANIFEST": "0",
            "DJANGO_SETTINGS_MODULE": "samenaanpak.settings",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def verify(load, inbox, nodes, processes, password, run_id, web_sample) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from samenaanpak.core import mail, throttle
    from samenaanpak.core.models import OutgoingEmail, SiteSettings
    from samenaanpak.questions.models import Question
    from samenaanpak.reports import crypto, vault
    from samenaanpak.reports.models import MemberKey, Report, TeamKeyGrant

    results = {}
    # Questions: each marker's rows.
    stored = collections.Counter()
    for text in Question.objects.filter(text__contains=run_id).values_list("text", flat=True):
        found = re.search(rf"{run_id}-V\d+-\d+", text)
        stored[found.group(0) if found else "?"] += 1
    # Reports: every report's text, opened with the team key (the handler's password).
    handler = get_user_model().objects.get(username="cluster-behandelaar")
    member = MemberKey.objects.get(user=handler)
    member_private = crypto.unwrap_member_key(
        crypto.MemberKey(
            public_key=bytes(member.public_key),
            salt=bytes(member.salt),
            wrapped_private_key=bytes(member.wrapped_private_key),
        ),
        password,
        vault.kdf_params(),
    )
    team_private = crypto.open_team_key(
        bytes(TeamKeyGrant.objects.get(user=handler).sealed_team_key), member_private
    )
    for report in Report.objects.all():
        private = crypto.open_with_team_key(vault.report_keys(report), team_private)
        description = vault.content(report, private)["description"]
        found = re.search(rf"{run_id}-(M\d+-\d+|SEED)", description)
        stored[found.group(0) if found else "?"] += 1
    for kind in ("question", "report"):
        mine = [s for s in load.submissions if s.kind == kind]
        by = collections.defaultdict(list)
        for submission in mine:
            by[submission.outcome].append(stored[submission.marker])
        results[f"{kind}s"] = {
            "sent": len(mine),
            "accepted": len(by["accepted"]),
            "accepted after resending a lost answer": sum(
                1 for s in mine if s.outcome == "accepted" and s.attempts > 1
            ),
            "accepted, stored once": by["accepted"].count(1),
            "accepted, not stored": by["accepted"].count(0),
            "accepted, stored more than once": sum(1 for n in by["accepted"] if n > 1),
            "refused by the site": len(by["refused"]),
            "refused, yet stored": sum(1 for n in by["refused"] if n),
            f"answer lost (sent again for {PATIENCE} s)": len(by["unknown"]),
            "answer lost, stored once": by["unknown"].count(1),
            "answer lost, stored more than once": sum(1 for n in by["unknown"] if n > 1),
        }
    load.stored = stored  # for the figures per outage
    sent_markers = {s.marker for s in load.submissions} | {f"{run_id}-SEED"}
    results["rows matching no submission"] = sum(
        n for m, n in stored.items() if m not in sent_markers
    )
    # Receipts: each accepted report opens with the receipt the client saw.
    opened = 0
    accepted_reports = [
        s for s in load.submissions if s.kind == "report" and s.outcome == "accepted"
    ]
    with_code = [s for s in accepted_reports if s.value != NO_CODE]
    found = [(s, vault.find(s.value)) for s in with_code]

    def opens(pair):
        submission, report = pair
        if report is None:
            return False
        private = vault.open_with_receipt(report, submission.value)
        return submission.marker in vault.content(report, private)["description"]

    # the key derivations in two threads (the KDF releases the GIL)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        opened = sum(pool.map(opens, found))
    results["receipts"] = {
        "accepted reports": len(accepted_reports),
        "accepted as a repeat without the code shown again": len(accepted_reports) - len(with_code),
        "open their own report (database)": opened,
        "web sample: open with the receipt through nginx": f"{sum(web_sample)} of {len(web_sample)}",
    }
    # Mail: every outbox row, by its stable Message-ID, against what the SMTP server received.
    rows = list(OutgoingEmail.objects.all())
    expected = {mail.message_id(row): row for row in rows}
    received = collections.Counter(m["id"] for m in inbox.messages)
    by_recipient = collections.Counter((m["to"], m["subject"]) for m in inbox.messages)
    officer = SiteSettings.objects.first().policy_officer_email
    questions = list(Question.objects.filter(text__contains=run_id))
    complete = 0
    for question in questions:
        subjects = [
            (m["to"], m["subject"]) for m in inbox.messages if question.reference in m["subject"]
        ]
        complete += sorted(to for to, _ in subjects) == sorted([(question.email,), (officer,)])
    results["mail"] = {
        "outbox rows": len(rows),
        "rows sent": sum(1 for row in rows if row.status == OutgoingEmail.Status.SENT),
        "messages received": len(inbox.messages),
        "rows received exactly once": sum(1 for mid in expected if received[mid] == 1),
        "rows never received": sum(1 for mid in expected if received[mid] == 0),
        "Message-IDs received twice or more": sum(1 for n in received.values() if n > 1),
        "recipient+subject received twice or more": sum(1 for n in by_recipient.values() if n > 1),
        "received, not in the outbox": sum(1 for mid in received if mid not in expected),
        "stored questions": len(questions),
        "questions with both mails (asker, policy officer)": complete,
        "by purpose": dict(collections.Counter(row.purpose for row in rows)),
        "slowest delivery s": round(
            max(
                ((row.sent_at - row.created_at).total_seconds() for row in rows if row.sent_at),
                default=0,
            ),
            1,
        ),
        "rows sent after more than one attempt": sum(1 for row in rows if row.attempts > 1),
    }
    # The daily job: the schedulers' logs, the claim in the throttle store, the digest mail.
    day = timezone.localdate()
    scheduler_lines = {
        name: nodes[name].count(r"^core: .* deleted") for name in ("scheduler1", "scheduler2")
    }
    results["daily job"] = {
        "runs logged (scheduler1, scheduler2)": scheduler_lines,
        "daily-done claim in the throttle store": bool(throttle.store().get(f"daily-done:{day}")),
        "digest mails to the handler": sum(
            1
            for m in inbox.messages
            if m["to"] == (HANDLER_EMAIL,) and m["subject"] == DIGEST_SUBJECT
        ),
    }
    return results


def outage_results(
    load, inbox, nodes, processes, readiness, moments, killed, figures, marks
) -> dict:
    """What each outage did, and how the cluster came back (no app node was started again)."""
    from samenaanpak.core.models import OutgoingEmail

    offset = time.time() - now()  # a database time, in seconds since this script started

    def moment(value):
        return value.timestamp() - offset

    def alive(name):
        return nodes[name].popen.poll() is None

    def submissions_in(start, end):
        mine = [s for s in load.submissions if start <= s.at < end]
        accepted = [s for s in mine if s.outcome == "accepted"]
        lost = [s for s in mine if s.outcome == "unknown"]
        return {
            "sent": len(mine),
            "accepted": len(accepted),
            "accepted after an error answer (sent again)": sum(s.attempts > 1 for s in accepted),
            "accepted, stored exactly once": sum(load.stored[s.marker] == 1 for s in accepted),
            "refused": sum(s.outcome == "refused" for s in mine),
            "answer lost, stored (0 or 1 each)": f"{len(lost)}, stored {sum(load.stored[s.marker] for s in lost)}",
            "answer lost, stored more than once": sum(load.stored[s.marker] > 1 for s in lost),
        }

    def connections(name, start):
        pattern = rf"connection received: host={re.escape(address(name))}\b"
        return sum(p.count(pattern, start) for p in processes if p.name == "postgres")

    def logged(name, pattern, start, end=float("inf")):
        return sum(p.count(pattern, start, end) for p in processes if p.name == name)

    def first_ok(kinds, after):
        ends = [r[1] for r in load.requests if r[2] in kinds and ok(r[3]) and r[1] >= after]
        return round(min(ends) - after, 1) if ends else None

    results = {}
    survivor = "scheduler2" if killed == "scheduler1" else "scheduler1"
    killed_at = moments["scheduler kill"]
    results["scheduler killed"] = {
        "killed (SIGKILL), after it ran the daily job": killed,
        "the other one alive at the end": alive(survivor),
        "its database connections since (one per minute round)": connections(survivor, killed_at),
        "minutes from the kill to the end of the load": round(
            (moments["load end"] - killed_at) / 60, 1
        ),
        "stale tasks it requeued: see 'killed worker' (worker1 died after this kill)": True,
    }

    away, back = moments["smtp away"], moments["smtp back"]
    received = collections.Counter(m["id"] for m in inbox.messages)
    first_received = {}
    for message in inbox.messages:
        first_received.setdefault(message["id"], message["at"])
    from samenaanpak.core import mail

    waited = [
        row
        for row in OutgoingEmail.objects.all()
        if moment(row.created_at) < back and first_received.get(mail.message_id(row), 1e9) >= away
    ]
    delays = [
        first_received[mail.message_id(r)] - back for r in waited if received[mail.message_id(r)]
    ]
    results["SMTP away"] = {
        "seconds away": round(back - away, 1),
        "requests": summary(figures["SMTP away"]),
        "submissions sent while away": submissions_in(away, back),
        "mails queued while away": sum(away <= moment(r.created_at) < back for r in waited),
        "mails that waited for the server": len(waited),
        "of those delivered exactly once": sum(received[mail.message_id(r)] == 1 for r in waited),
        "most attempts of one": max((r.attempts for r in waited), default=0),
        "first delivered after the return, s": round(min(delays), 1) if delays else None,
        "last delivered after the return, s": round(max(delays), 1) if delays else None,
        "bound, s (retry pause EMAIL_RETRY_MAX_MINUTES + a scheduler round)": RETRY_MAX_MINUTES * 60
        + 60,
    }

    away, back = moments["redis away"], moments["redis back"]
    results["Redis away"] = {
        "seconds away": round(back - away, 1),
        "requests": summary(figures["Redis away"]),
        "submissions sent while away": submissions_in(away, back),
        "readiness while away (status, state: probes)": {
            node: dict(
                collections.Counter(
                    f"{status} {state}"
                    for _, status, state in readiness.between(node, away, marks["redis starting"])
                )
            )
            for node in readiness.names
        },
        "readiness 'ok' again after the return, s": {
            node: readiness.first(node, back, lambda status, state: state == "ok")
            for node in readiness.names
        },
    }

    away, back = moments["db away"], moments["db back"]
    workers = ("worker1", "worker2")
    results["PostgreSQL away"] = {
        "seconds away": round(back - away, 1),
        "requests while away": summary(figures["PostgreSQL away"]),
        "requests, first 10 s after the return": summary(figures["PostgreSQL back, first 10 s"]),
        "requests, later": summary(figures["PostgreSQL back, later"]),
        "submissions sent while away": submissions_in(away, back),
        "forms open when it went, sent right after (status of each answer; times stored)": {
            s.marker.split("-", 1)[1]: (
                s.outcome,
                ",".join(map(str, s.statuses)),
                load.stored[s.marker],
            )
            for s in load.submissions
            if s.marker in load.in_hand
        },
        "seconds pg_ctl stop -m fast took": round(marks["db down"] - away, 1),
        "readiness once it was down (status: probes)": {
            node: dict(
                collections.Counter(
                    str(status)
                    for _, status, _ in readiness.between(
                        node, marks["db down"], marks["db starting"]
                    )
                )
            )
            for node in readiness.names
        },
        "readiness 200 again after the return, s": {
            node: readiness.first(node, back, lambda status, state: status == 200)
            for node in readiness.names
        },
        "first form accepted after the return, s": first_ok(("post-question", "post-report"), back),
        "first page served by the app after the return, s": first_ok(("form",), back),
        "workers: 'database unavailable' / 'back' logged": {
            name: (
                logged(name, r"worker: database unavailable", away),
                logged(name, r"worker: database back after", away),
            )
            for name in workers
        },
        "workers: tasks finished after the return": {
            name: logged(name, r"Task id=\S+ .*state=(SUCCESSFUL|FAILED)", back) for name in workers
        },
        f"{survivor}: database connections after the return": connections(survivor, back),
        "app nodes alive at the end (none started again)": {
            name: alive(name) for name in ("web1", "web2", *workers, survivor)
        },
    }
    return results


def summary(figures: dict) -> dict:
    keys = ("requests", "errors", "error %", "max gap s", "error statuses", "error pages")
    return {key: figures[key] for key in keys}


def killed_worker_figures(worker: Process, mid_send: bool, killed_at: float) -> dict:
    """The tasks worker1 had started and not finished when it was killed, and what became of them
    (the scheduler puts a task back in the queue TASK_LEASE_SECONDS after it started)."""
    from django_tasks_db.models import DBTaskResult

    started, finished = set(), set()
    for _, line in worker.lines:
        found = re.search(r"Task id=(\S+) .*state=(\w+)", line)
        if found:
            (started if found.group(2) == "RUNNING" else finished).add(found.group(1))
    in_hand = started - finished
    from django.conf import settings

    from samenaanpak.core.models import OutgoingEmail

    # A mail worker1 had claimed waits for the claim to expire, then another worker sends it
    # (only mail queued before the kill: later mail may wait for the SMTP outage).
    kill_moment = time.time() - now() + killed_at
    late = [
        row
        for row in OutgoingEmail.objects.exclude(sent_at=None)
        if (row.sent_at - row.created_at).total_seconds() > settings.EMAIL_CLAIM_SECONDS - 5
        and row.created_at.timestamp() < kill_moment
    ]
    return {
        "killed in the middle of an SMTP conversation": mid_send,
        "mails sent only after its claim expired (taken over)": len(late),
        "tasks run before the kill": len(finished),
        "tasks in hand when killed": len(in_hand),
        "their state now": dict(
            collections.Counter(
                DBTaskResult.objects.filter(id__in=in_hand).values_list("status", flat=True)
            )
        ),
        "tasks still RUNNING at the end (any worker)": DBTaskResult.objects.filter(
            status="RUNNING"
        ).count(),
    }


def report(results, figures, per_second, served, nginx_errors, mode, moments) -> list[str]:
    print("\n=== Samenaanpak cluster test ===")
    print(f"nodes: {mode}")
    print(
        f"load: {CLIENTS} visitors, {moments['load end']:.0f} s; SIGKILL web1 + worker1 at "
        f"{moments['kill']:.1f} s, both started again at {moments['restart']:.1f} s"
    )
    if "outages" in results:
        print(
            "outages (no app node started again for these): SIGKILL of a scheduler at "
            f"{moments['scheduler kill']:.1f} s; SMTP server away {moments['smtp away']:.1f}-"
            f"{moments['smtp back']:.1f} s; Redis away {moments['redis away']:.1f}-"
            f"{moments['redis back']:.1f} s; PostgreSQL away {moments['db away']:.1f}-"
            f"{moments['db back']:.1f} s"
        )
    for section in ("questions", "reports", "receipts", "mail", "daily job", "killed worker"):
        print(f"\n{section}:")
        for key, value in results[section].items():
            print(f"  {key}: {value}")
    for section, numbers in results.get("outages", {}).items():
        print(f"\n{section}:")
        for key, value in numbers.items():
            print(f"  {key}: {value}")
    print(f"\nrows matching no submission: {results['rows matching no submission']}")
    print("\nrequests through nginx, by phase:")
    for phase, numbers in figures.items():
        print(f"  {phase}: {numbers}")
    print("\naround the kill (second of the load: requests, errors):")
    print("  " + "  ".join(f"{s}s:{n}/{e}" for s, n, e in per_second))
    print("\nrequests served per web node (gunicorn access log; /melden/ is never logged):")
    for name, numbers in served.items():
        print(f"  {name}: {numbers}")
    print(
        "\nnginx error log, per upstream (refused: a connection attempt nginx then sent to the other"
    )
    print("node; in flight: a request the node died with, answered 502):")
    for name in ("web1", "web2"):
        lines = [
            line
            for line in nginx_errors.splitlines()
            if f'upstream: "http://{address(name)}:8000' in line
        ]
        refused = sum("Connection refused" in line for line in lines)
        in_flight = sum(
            "prematurely closed" in line or "Connection reset" in line for line in lines
        )
        print(
            f"  {name}: refused {refused}, in flight {in_flight}, other {len(lines) - refused - in_flight}"
        )
    print(f"  no live upstreams: {nginx_errors.count('no live upstreams')}")

    failures = []
    for kind in ("questions", "reports"):
        r = results[kind]
        if r["accepted, stored once"] != r["accepted"]:
            failures.append(f"{kind}: accepted but not stored exactly once")
        if r["refused, yet stored"]:
            failures.append(f"{kind}: refused but stored")
        if r["answer lost, stored more than once"]:
            failures.append(f"{kind}: a lost answer stored twice")
        if not r["accepted"]:
            failures.append(f"{kind}: nothing accepted")
    if results["rows matching no submission"]:
        failures.append("rows in the database that no submission made")
    receipts = results["receipts"]
    if (
        receipts["open their own report (database)"]
        != receipts["accepted reports"]
        - receipts["accepted as a repeat without the code shown again"]
    ):
        failures.append("a receipt does not open its report")
    sample = receipts["web sample: open with the receipt through nginx"].split(" of ")
    if sample[0] != sample[1]:
        failures.append("a receipt does not open its report through the web")
    m = results["mail"]
    if not (
        m["outbox rows"]
        == m["rows sent"]
        == m["rows received exactly once"]
        == m["messages received"]
    ):
        failures.append("mail: not every outbox row delivered exactly once")
    if m["Message-IDs received twice or more"] or m["recipient+subject received twice or more"]:
        failures.append("mail: duplicates")
    if m["questions with both mails (asker, policy officer)"] != m["stored questions"]:
        failures.append("mail: a question without its two mails")
    d = results["daily job"]
    if sum(d["runs logged (scheduler1, scheduler2)"].values()) != 1:
        failures.append("daily job: not exactly one run logged")
    if not d["daily-done claim in the throttle store"] or d["digest mails to the handler"] != 1:
        failures.append("daily job: claim or digest not exactly once")
    later = figures["web1 dead, later"]
    if later["errors"]:
        failures.append("errors while web1 was dead, after the first 10 s: nginx did not skip it")
    if served["web1"]["after the restart"] == 0:
        failures.append("web1 served nothing after its restart")
    worker = results["killed worker"]
    if worker["tasks in hand when killed"] and set(worker["their state now"]) - {"SUCCESSFUL"}:
        failures.append("killed worker: a task it had in hand was not run again to the end")
    if "outages" in results:
        failures += outage_failures(results["outages"], figures)
    print("\nRESULT: " + ("all invariants hold" if not failures else "FAILED"))
    for failure in failures:
        print(f"  - {failure}")
    return failures


def outage_failures(outages: dict, figures: dict) -> list[str]:
    failures = []
    scheduler = outages["scheduler killed"]
    if not scheduler["the other one alive at the end"]:
        failures.append("scheduler: the one left did not survive")
    if scheduler["its database connections since (one per minute round)"] < 2:
        failures.append("scheduler: the one left did not go on with its minute rounds")

    smtp = outages["SMTP away"]
    if figures["SMTP away"]["errors"]:
        failures.append("SMTP away: visitors got errors")
    if not smtp["submissions sent while away"]["accepted"]:
        failures.append("SMTP away: no submission accepted while the mail server was away")
    if not smtp["mails that waited for the server"]:
        failures.append("SMTP away: no mail waited (the outage was not noticed)")
    if smtp["of those delivered exactly once"] != smtp["mails that waited for the server"]:
        failures.append("SMTP away: a mail that waited was not delivered exactly once")
    last = smtp["last delivered after the return, s"]
    bound = smtp["bound, s (retry pause EMAIL_RETRY_MAX_MINUTES + a scheduler round)"]
    if last is None or last > bound:
        failures.append(f"SMTP away: waiting mail not delivered within {bound} s of the return")

    redis = outages["Redis away"]
    if figures["Redis away"]["errors"]:
        failures.append("Redis away: visitors got errors (a cache outage must be a miss)")
    for node, probes in redis["readiness while away (status, state: probes)"].items():
        if set(probes) != {"200 beperkt"}:
            failures.append(f"Redis away: {node}'s readiness was not always 200 'beperkt'")
    for node, seconds in redis["readiness 'ok' again after the return, s"].items():
        if seconds is None or seconds > 30:
            failures.append(f"Redis away: {node} not 'ok' again within 30 s")

    database = outages["PostgreSQL away"]
    for node, seconds in database["readiness 200 again after the return, s"].items():
        if seconds is None or seconds > 30:
            failures.append(f"PostgreSQL away: {node} not ready again within 30 s")
    for node, probes in database["readiness once it was down (status: probes)"].items():
        if "200" in probes:
            failures.append(f"PostgreSQL away: {node} said ready without a database")
    in_hand = database[
        "forms open when it went, sent right after (status of each answer; times stored)"
    ]
    if len(in_hand) != 4:
        failures.append("PostgreSQL away: a form open when it went was not sent")
    for marker, (outcome, statuses, stored) in in_hand.items():
        if "503" not in statuses.split(",") or outcome != "accepted" or stored != 1:
            failures.append(
                f"PostgreSQL away: {marker} (sent during the outage) not answered 503, then "
                "accepted and stored once"
            )
    if database["first form accepted after the return, s"] is None:
        failures.append("PostgreSQL away: no form accepted after the return")
    for name, (gone, back) in database["workers: 'database unavailable' / 'back' logged"].items():
        if not gone or not back:
            failures.append(f"PostgreSQL away: {name} did not notice the outage and its end")
    if figures["PostgreSQL back, later"]["errors"]:
        failures.append("PostgreSQL away: errors 10 s and more after the return")
    for name, up in database["app nodes alive at the end (none started again)"].items():
        if not up:
            failures.append(f"PostgreSQL away: {name} exited")
    survivor = next(
        key for key in database if key.endswith("database connections after the return")
    )
    if not database[survivor]:
        failures.append("PostgreSQL away: the scheduler did not come back")
    return failures


if __name__ == "__main__":
    sys.exit(main())

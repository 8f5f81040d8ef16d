"""`make serve` (scripts/serve.py): nginx in front of gunicorn, the worker and the scheduler under
supervisord. A killed process comes back by itself and never takes the others down; slow clients
do not reach gunicorn."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from samenaanpak.tests.servers import ROOT, database_url, free_port, production_env, request

pytestmark = pytest.mark.django_db(transaction=True)


def _pids(pattern: str, var_dir) -> list[int]:
    """Processes whose command line contains `pattern`, started for this test's VAR_DIR."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
            environ = open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if pattern in cmdline and f"VAR_DIR={var_dir}" in environ:
            found.append(int(pid))
    return found


def _nginx_record(var_dir) -> str:
    """Where scripts/serve.py records the process group of nginx (in nginx's runtime folder)."""
    import hashlib
    import tempfile

    return os.path.join(
        tempfile.gettempdir(),
        f"samenaanpak-nginx-{hashlib.sha256(bytes(var_dir.resolve())).hexdigest()[:12]}",
        "nginx.pgid",
    )


def _nginx_group(var_dir) -> int | None:
    """nginx's master is the leader of the process group scripts/serve.py records."""
    try:
        return int(open(_nginx_record(var_dir)).read())
    except (OSError, ValueError):
        return None


def _group_members(group: int) -> list[int]:
    members = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
            if (
                os.getpgid(int(pid)) == group and state != "Z"
            ):  # a zombie waits for its reaper, it runs nothing
                members.append(int(pid))
        except OSError:
            continue
    return members


def _wait(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _status(port, path="/"):
    try:
        return request(port, "GET", path)[0]
    except OSError:
        return None


def test_killed_processes_come_back_and_slow_clients_do_not_block(meldpunt, tmp_path):
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        pytest.fail("make serve needs nginx: apt-get install nginx-light (.ci/run installs it)")
    port, var_dir = free_port(), tmp_path / "var"
    env = {
        **os.environ,
        **production_env(tmp_path, port),
        "DATABASE_URL": database_url(tmp_path),
        "VAR_DIR": str(var_dir),
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}:/usr/sbin",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("TRUSTED_CLIENT_IP_HEADER", None)
    log = open(tmp_path / "serve.log", "wb")
    serve = subprocess.Popen(
        [sys.executable, "scripts/serve.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert _wait(lambda: _status(port) == 200), (tmp_path / "serve.log").read_text()[-3000:]

        # Slow clients: 60 connections that send their headers a byte at a time hold nginx, not gunicorn
        # (one sync worker here: a single slow client would freeze it if it reached gunicorn).
        slow = []
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET / HTTP/1.1\r\nHo")
            slow.append(sock)
        started = time.monotonic()
        assert _status(port) == 200 and _status(port, "/melden/") == 200
        assert time.monotonic() - started < 5
        for sock in slow:
            sock.close()

        # Kill the worker, the scheduler and gunicorn's master: each comes back; the site answers again.
        for pattern in ("manage.py worker", "manage.py scheduler", "gunicorn samenaanpak.wsgi"):
            [old] = [pid for pid in _pids(pattern, var_dir) if os.getppid() != pid][:1] or [None]
            assert old, pattern
            os.kill(old, signal.SIGKILL)
            assert _wait(
                lambda old=old, pattern=pattern: any(pid != old for pid in _pids(pattern, var_dir))
            ), pattern
        assert _wait(lambda: _status(port) == 200), "the site did not come back"

        # nginx's master killed: its workers kept the port, and every new master failed to bind.
        group = _nginx_group(var_dir)
        os.kill(group, signal.SIGKILL)
        assert _wait(lambda: _nginx_group(var_dir) not in (None, group) and _status(port) == 200), (
            "nginx"
        )
        assert not _group_members(group), "the old master's workers are still there"
        assert serve.poll() is None
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)
        record = _nginx_record(var_dir)
        shutil.rmtree(os.path.dirname(record), ignore_errors=True)  # nginx's runtime folder in /tmp

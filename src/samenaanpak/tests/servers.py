"""Running the real web server in a subprocess, on the test database: the Procfile's `web` command
(gunicorn with production settings, as `make serve`) or Procfile.dev's (Django's development
server, as `make run`). Used by tests that check what those processes print."""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path) -> str:
    """A database the subprocess can open with what the test wrote (needs transactional_db, so that
    it is committed): SQLite's in-memory test database is copied to a file; PostgreSQL's test
    database is used as it is."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]


def production_env(tmp_path, port: int) -> dict:
    """Makefile's PROD_ENV with throwaway secrets. STATIC_MANIFEST is off only to spare the test a
    collectstatic run."""
    return {
        "SAMENAANPAK_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "REPORT_RECEIPT_PEPPER": "p" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "STATIC_MANIFEST": "0",
    }


def procfile_command(procfile: str, process: str = "web") -> str:
    for line in (ROOT / procfile).read_text().splitlines():
        if line.startswith(f"{process}:"):
            return line.split(":", 1)[1].strip()
    raise LookupError(f"no {process} in {procfile}")


@contextlib.contextmanager
def running(command: str, *, tmp_path, port: int, env: dict):
    """Runs `command` (a Procfile line, through bash) until the block ends; yields a function that
    returns everything it printed so far on stdout and stderr."""
    out_path = tmp_path / f"server-{port}.log"
    # REDIS_URL as in this process: with Redis, the test database has no cache table.
    full_env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    full_env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set for the browser tests in this process only
    with open(out_path, "wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(waiting_for: str = "") -> str:
        """What the server printed; first waits (a few seconds at most) until it printed `waiting_for`:
        servers write a request's log line after the response."""
        deadline = time.monotonic() + 10
        while (
            waiting_for not in (text := out_path.read_text(errors="replace"))
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        return text

    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.5),
            ):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{output()[-4000:]}")
            time.sleep(0.1)
        yield output
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
):
    """One HTTP request; returns (status, headers, body). A server that hangs up while a large
    body is still being sent gives status None."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    except (BrokenPipeError, ConnectionResetError):
        return None, {}, b""
    finally:
        connection.close()


def raw_request(port: int, data: bytes) -> bytes:
    """Bytes on the wire, for requests that an HTTP client refuses to send (malformed ones)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)

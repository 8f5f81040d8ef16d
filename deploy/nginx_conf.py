"""Writes a complete nginx.conf around deploy/nginx-site.conf.template, for `make serve`
(scripts/serve.py) and the benchmark (bench/run.py): one way to render the shipped configuration."""

import os
import textwrap
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent


def admin_path() -> str:
    """The back office's path as settings.ADMIN_PATH reads it from the environment (this module
    runs without Django)."""
    return "/" + os.environ.get("ADMIN_PATH", "beheer").strip("/") + "/"


SERVER_LINE = "server {{UPSTREAM}} max_fails=1 fail_timeout=10s;"


def _servers(upstream: str) -> str:
    """'a:1,b:2' -> the template's `server` line once for each app server."""
    addresses = [u.strip() for u in upstream.split(",") if u.strip()]
    return "\n    ".join(SERVER_LINE.replace("{{UPSTREAM}}", a) for a in addresses)


def write(directory: Path, *, port: int, upstream: str, server: str | None = None) -> Path:
    """nginx.conf in `directory` (also its prefix: pid, temp files, cache; nginx's workers must be
    able to enter it). `server` replaces the shipped site (the bench's static file server). nginx
    logs no client addresses: no access log (gunicorn has one, without addresses), and an error log
    for start-up failures only (`emerg`: every other level names the client)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)  # nginx workers may run as an unprivileged user and write the cache here
    if server is None:
        server = (
            (DEPLOY / "nginx-site.conf.template")
            .read_text()
            .replace("{{PORT}}", str(port))
            .replace(SERVER_LINE, _servers(upstream))
            .replace("{{CACHE_DIR}}", str(directory / "cache"))
            .replace("{{ERROR_PAGES}}", str(DEPLOY / "error-pages"))
            .replace("{{ADMIN_PATH}}", admin_path())
        )
    conf = directory / "nginx.conf"
    conf.write_text(
        textwrap.dedent("""
        worker_processes 1;
        pid {d}/nginx.pid;
        error_log stderr emerg;
        events {{ worker_connections 4096; }}
        http {{
            access_log off;
            keepalive_requests 100000;
            types {{ text/html html; text/css css; }}
            default_type text/html;
            client_body_temp_path {d}/body;
            proxy_temp_path {d}/proxy;
            fastcgi_temp_path {d}/fastcgi;
            uwsgi_temp_path {d}/uwsgi;
            scgi_temp_path {d}/scgi;
        """).format(d=directory)
        + textwrap.indent(server, "    ")
        + "\n}\n"
    )
    return conf

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


def site(*, port: int, upstream: str, cache_dir, error_pages=DEPLOY / "error-pages") -> str:
    """The shipped site (deploy/nginx-site.conf.template) with its placeholders filled in."""
    return (
        (DEPLOY / "nginx-site.conf.template")
        .read_text()
        .replace("{{PORT}}", str(port))
        .replace(SERVER_LINE, _servers(upstream))
        .replace("{{CACHE_DIR}}", str(cache_dir))
        .replace("{{ERROR_PAGES}}", str(error_pages))
        .replace("{{ADMIN_PATH}}", admin_path())
    )


def conf(directory, server: str) -> str:
    """A complete nginx.conf around `server`, with `directory` as its prefix (pid, temp files).
    nginx logs no client addresses: no access log (gunicorn has one, without addresses), and an
    error log for start-up failures only (`emerg`: every other level names the client)."""
    return (
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


def write(directory: Path, *, port: int, upstream: str, server: str | None = None) -> Path:
    """nginx.conf in `directory` (also its prefix: pid, temp files, cache; nginx's workers must be
    able to enter it). `server` replaces the shipped site (the bench's static file server)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)  # nginx workers may run as an unprivileged user and write the cache here
    if server is None:
        server = site(port=port, upstream=upstream, cache_dir=directory / "cache")
    path = directory / "nginx.conf"
    path.write_text(conf(directory, server))
    return path


# deploy/compose.yaml: nginx (the unprivileged image, uid 101) ends TLS on 8443 and redirects
# plain http on 8080; both web servers behind one upstream; its writable places on a tmpfs.
COMPOSE_CONF = DEPLOY / "compose" / "nginx.conf"
COMPOSE_LISTEN = """listen 8443 ssl;
    ssl_certificate {tls}/fullchain.pem;
    ssl_certificate_key {tls}/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:samenaanpak_tls:10m;
    ssl_session_timeout 1d;"""
COMPOSE_REDIRECT = """
# Plain http only redirects (the host publishes 80 -> 8080 and 443 -> 8443).
server {
    listen 8080 default_server;
    location / { return 301 https://$host$request_uri; }
}
"""


def compose(
    *,
    directory="/var/cache/nginx",
    tls="/etc/nginx/tls",
    error_pages="/etc/nginx/error-pages",
    upstream="web1:8000,web2:8000",
) -> str:
    """The nginx.conf that deploy/compose.yaml mounts (committed as deploy/compose/nginx.conf;
    `python deploy/nginx_conf.py compose` writes it again, e.g. with another ADMIN_PATH)."""
    server = site(
        port=8443, upstream=upstream, cache_dir=f"{directory}/cache", error_pages=error_pages
    )
    listen = "listen 127.0.0.1:8443;"
    assert listen in server, "the template's listen line changed"
    server = server.replace(listen, COMPOSE_LISTEN.format(tls=tls)) + COMPOSE_REDIRECT
    header = (
        "# Written by `python deploy/nginx_conf.py compose` from deploy/nginx-site.conf.template.\n"
    )
    return header + conf(directory, server)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["compose"]:
        sys.exit("usage: python deploy/nginx_conf.py compose")
    COMPOSE_CONF.parent.mkdir(exist_ok=True)
    COMPOSE_CONF.write_text(compose())
    print(f"wrote {COMPOSE_CONF}")

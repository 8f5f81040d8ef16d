"""`make serve`: the production processes on this machine, each restarted by supervisord when it dies.

    nginx (the shipped configuration, on PORT)  ->  gunicorn (on PORT+1)
    worker (manage.py worker)    scheduler (manage.py scheduler)

nginx reads every request whole before gunicorn's sync workers see it, so slow clients cannot tie
the site up; with SERVE_PROXY=0 gunicorn listens on PORT itself (the benchmark measures it so).
One process dying never stops the others: supervisord restarts it (not honcho's all-or-nothing).
A real deployment uses its own process manager the same way (deploy/systemd/, docs/deployment)."""

import contextlib
import hashlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402

PROGRAM = """
[program:{name}]
command={command}
directory={root}
autorestart=true
startsecs=1
startretries=1000000
stopasgroup=true
killasgroup=true
stopwaitsecs=20
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
"""


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    var = Path(os.environ.get("VAR_DIR", ROOT / "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    proxy = os.environ.get("SERVE_PROXY", "1") != "0"
    bin_dir = Path(sys.executable).parent
    app_port = port + 1 if proxy else port
    # The Procfile is the one list of processes and their commands (also for platforms that read it).
    programs = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if command.strip():
            programs[name.strip()] = f"bash -c 'exec {command.strip()}'"
    if proxy:
        nginx = shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
        )
        if nginx is None:
            sys.exit(
                "make serve puts nginx in front of gunicorn, so that slow clients cannot block it.\n"
                "Install it (Debian: apt-get install nginx-light), or run gunicorn alone: SERVE_PROXY=0 make serve"
            )
        # Not under VAR_DIR: nginx's workers run as an unprivileged user and must enter the directory.
        # One directory per VAR_DIR, reused by every start.
        runtime = (
            Path(tempfile.gettempdir())
            / f"samenaanpak-nginx-{hashlib.sha256(bytes(var)).hexdigest()[:12]}"
        )
        conf = nginx_conf.write(runtime, port=port, upstream=f"127.0.0.1:{app_port}")
        programs["nginx"] = (
            f"{sys.executable} {Path(__file__).resolve()} nginx {nginx} {conf} {runtime}"
        )
        # The app sees every request from nginx: the visitor's address comes in X-Real-IP.
        os.environ.setdefault("TRUSTED_CLIENT_IP_HEADER", "HTTP_X_REAL_IP")
    os.environ["PORT"] = str(app_port)  # the Procfile's web line binds ${PORT}
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    config = var / "supervisord.conf"
    config.write_text(
        f"[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile={var}/supervisord.pid\n"
        f"childlogdir={var}\n"
        + "".join(
            PROGRAM.format(name=name, command=command.replace("%", "%%"), root=ROOT)
            for name, command in programs.items()
        )
    )
    print(f"  Samenaanpak (productiemodus) op http://127.0.0.1:{port}/", flush=True)
    os.execv(f"{bin_dir}/supervisord", [f"{bin_dir}/supervisord", "-c", str(config)])


def run_nginx(nginx: str, conf: str, runtime: str) -> None:
    """supervisord's nginx program. An nginx master killed with SIGKILL leaves its workers holding
    the port, and every new master then fails to bind: first end what is left of the previous
    one (its process group, and only processes called nginx in it), then become nginx."""
    record = Path(runtime) / "nginx.pgid"
    with contextlib.suppress(OSError, ValueError):
        group = int(record.read_text())
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                if (
                    os.getpgid(int(pid)) == group
                    and Path(f"/proc/{pid}/comm").read_text().strip() == "nginx"
                ):
                    os.kill(int(pid), signal.SIGKILL)
    with contextlib.suppress(PermissionError):
        os.setsid()  # its own group (supervisord may have made it a group leader already)
    record.write_text(str(os.getpgid(0)))
    os.execv(nginx, [nginx, "-g", "daemon off;", "-c", conf, "-p", runtime])


if __name__ == "__main__":
    if sys.argv[1:2] == ["nginx"]:
        run_nginx(*sys.argv[2:5])
    else:
        main()

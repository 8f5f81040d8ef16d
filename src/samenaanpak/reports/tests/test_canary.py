"""The canary: a report whose text and photo carry a unique string, submitted through the real
stack in its own process. Afterwards the string must be nowhere on the server: not in the
database file (SQLite bytes, including the journal) or a PostgreSQL dump, not in any log output,
not in the media folder."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _needles(canary):
    # As text, and as the bytes of other encodings a database or a log might use.
    return [
        canary.encode(),
        canary.lower().encode(),
        canary.encode("utf-16-le"),
        canary.encode().hex().encode(),
    ]


def test_canary_is_nowhere_on_the_server(tmp_path):
    canary = "KANARIE" + secrets.token_hex(8).upper()
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "DEBUG",
        "WAGTAIL_LOG_LEVEL": "DEBUG",
        "CANARY": canary,
        "REDIS_URL": "",
    }
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    database = f"canary_{secrets.token_hex(4)}"
    if postgres:
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{database}"
        subprocess.run(
            ["psql", base + "/postgres", "-qc", f"CREATE DATABASE {database}"], check=True
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'canary.sqlite3'}"
    (tmp_path / "media").mkdir()
    try:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("canary_flow.py"))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=600,
        )
        logs = result.stdout + result.stderr
        assert result.returncode == 0, logs.decode(errors="replace")[-4000:]
        assert b"canary flow done" in logs
        if postgres:
            dump = subprocess.run(
                ["pg_dump", "--data-only", env["DATABASE_URL"]], capture_output=True, check=True
            ).stdout
            stored = {"pg_dump": dump}
            assert b"reports_report" in dump  # the dump holds the report table
        else:
            stored = {path.name: path.read_bytes() for path in tmp_path.glob("canary.sqlite3*")}
            assert stored["canary.sqlite3"][:16] == b"SQLite format 3\x00"
        stored["logs"] = logs
        for path in (tmp_path / "media").rglob("*"):
            if path.is_file():
                stored[str(path)] = path.read_bytes()
        for path in (tmp_path / "var").rglob("*"):
            if path.is_file():
                stored[str(path)] = path.read_bytes()
        for where, data in stored.items():
            for needle in _needles(canary):
                assert needle not in data, f"the canary was found in {where}"
        # The reporter's address and agent are not there either.
        for where, data in stored.items():
            assert b"203.0.113.77" not in data and b"CanaryAgent" not in data, where
    finally:
        if postgres:
            subprocess.run(
                ["psql", base + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"],
                check=False,
            )

"""The container image's recipe, checked without building it (the build needs podman and a few
minutes: `make image`): the entrypoint runs each of its commands as the contract says, taking the
process lines from the Procfile, and the Containerfile copies what exists, keeps the test tools
out and sets the environment the documentation promises."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
ENTRYPOINT = ROOT / "deploy" / "container" / "entrypoint"
CONTAINERFILE = (ROOT / "Containerfile").read_text()


@pytest.fixture
def run(tmp_path):
    """Runs the entrypoint with python and gunicorn replaced by stubs that print their arguments."""
    for name in ("python", "gunicorn"):
        stub = tmp_path / name
        stub.write_text(f'#!/bin/sh\necho {name} "$@"\n')
        stub.chmod(0o755)

    def run(*args, **env):
        return subprocess.run(
            [str(ENTRYPOINT), *args],
            env={"PATH": f"{tmp_path}:{os.environ['PATH']}", "PORT": "8000", **env},
            capture_output=True,
            text=True,
            timeout=10,
        )

    return run


def test_the_entrypoint_is_valid_sh():
    assert os.access(ENTRYPOINT, os.X_OK)
    subprocess.run([shutil.which("sh"), "-n", str(ENTRYPOINT)], check=True)


def test_each_command_runs_what_the_contract_says(run):
    web = "gunicorn samenaanpak.wsgi -c python:samenaanpak.gunicorn_conf --bind 0.0.0.0:8000 --workers 2\n"
    assert run().stdout == web  # the default command
    assert run("web").stdout == web
    assert run("web", PORT="9000", WEB_WORKERS="4").stdout == web.replace(
        "8000 --workers 2", "9000 --workers 4"
    )
    assert run("worker").stdout == "python manage.py worker --interval 2\n"
    assert run("scheduler").stdout == "python manage.py scheduler\n"
    migrate = [
        "python manage.py migrate --noinput",
        "python manage.py createcachetable",
        "python manage.py sync_roles",
    ]
    assert run("migrate").stdout.splitlines() == migrate
    assert run("migrate", MUNICIPALITY="nijkerk").stdout.splitlines() == [
        *migrate,
        "python manage.py load_content nijkerk",
    ]
    assert run("check").stdout == "python manage.py check --deploy\n"
    assert run("check", "--fail-level", "WARNING").stdout.endswith("--fail-level WARNING\n")
    assert run("manage", "showmigrations", "core").stdout == (
        "python manage.py showmigrations core\n"
    )
    unknown = run("shell")
    assert unknown.returncode == 64 and "unknown command" in unknown.stderr


def test_the_procfile_has_a_line_for_each_process_command():
    names = {line.partition(":")[0] for line in (ROOT / "Procfile").read_text().splitlines()}
    handled = re.search(r"^\s*(web \| worker \| scheduler)\)", ENTRYPOINT.read_text(), re.M)
    assert handled and {"web", "worker", "scheduler"} <= names


def test_the_containerfile_copies_what_exists_and_nothing_ignored():
    ignored = [
        line
        for line in (ROOT / ".containerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", CONTAINERFILE, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), source
            assert not any(Path(source).match(pattern) for pattern in ignored), source


def test_the_runtime_is_non_root_production_without_test_tools():
    assert 'ENTRYPOINT ["/app/deploy/container/entrypoint"]' in CONTAINERFILE
    assert 'CMD ["web"]' in CONTAINERFILE
    assert "ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim" in CONTAINERFILE
    runtime = CONTAINERFILE.rpartition("\nFROM ")[2]  # the last stage
    assert "USER 1000:1000" in runtime
    for setting in (
        "SAMENAANPAK_ENV=production",
        "VAR_DIR=/data",
        "MEDIA_ROOT=/data/media",
        "STATIC_ROOT=/app/static",
        "STATIC_MANIFEST=1",
        "PORT=8000",
    ):
        assert setting in runtime
    # Secrets only as throwaway values of the collectstatic command, never in the image's ENV.
    env_lines = re.findall(r"^ENV (?:.*\\\n)*.*$", CONTAINERFILE, re.M)
    assert not any("SECRET" in line or "PEPPER" in line for line in env_lines)
    # The test tools are in uv's dev group, which the image leaves out.
    assert CONTAINERFILE.count("uv sync --frozen --no-dev") == 2
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime_deps = " ".join(project["project"]["dependencies"])
    assert "pytest" not in runtime_deps and "playwright" not in runtime_deps
    # The version label comes from pyproject.toml (make image passes it).
    assert "--build-arg VERSION=$(VERSION)" in (ROOT / "Makefile").read_text()

"""Backup and restore with scripts/backup.sh and scripts/restore.sh: a report made through the form
before the backup, then a fresh database from the backup, and the site served from it shows the
same pages; the reporter's receipt still opens the report, and after a disaster (every handler's
access lost) the offline recovery key gives a handler access again through the real screens.
PostgreSQL (pg_dump -Fc, pg_restore into a new database) and SQLite (its online backup)."""

import io
import os
import re
import sqlite3
import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image

from samenaanpak.core.content import load_content
from samenaanpak.reports.demo import DEMO_HANDLER, DEMO_PASSWORD
from samenaanpak.tests.replicas import (
    app_servers,
    form_fields,
    main_text,
    receipt_in,
    rows,
    staff_first_sign_in,
    visitor,
)
from samenaanpak.tests.servers import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ("/", "/plan-van-aanpak/", "/melden/")
DESCRIPTION = "Achter de bibliotheek wordt na sluitingstijd gedeald."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The servers check passwords with the production hashers (not the suite's fast MD5)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _submit_report(session, node) -> str:
    html = session.get(f"{node}/melden/").text
    category = next(
        value for value in re.findall(r'value="(\d+)"', html.split('name="category"', 1)[1])
    )
    response = session.post(
        f"{node}/melden/",
        data={**form_fields(html), "category": category, "description": DESCRIPTION, "website": ""},
        files={"photos": ("foto.jpg", _photo(), "image/jpeg")},
    )
    receipt = receipt_in(response.text)
    assert receipt, main_text(response.text)
    return receipt


def _pages(node) -> dict[str, str]:
    session = visitor("203.0.113.9")
    pages = {path: session.get(f"{node}{path}") for path in PAGES}
    assert all(response.status_code == 200 for response in pages.values())
    return {path: main_text(response.text) for path, response in pages.items()}


def _script(name, url, *args):
    subprocess.run(
        [str(ROOT / "scripts" / name), *args],
        check=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
        capture_output=True,
    )


def _psql(sql):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True
    )


def test_a_restored_backup_serves_the_same_site_and_opens_old_reports(tmp_path):
    load_content(
        "nijkerk",
        only={"areas", "settings", "contact_persons", "pages", "goals", "report_teams"},
        pages={"melden", "plan-van-aanpak", "denktanks"},
    )
    out = io.StringIO()
    call_command("meldpunt_herstelsleutel", stdout=out)
    [recovery_key] = [
        line.strip() for line in out.getvalue().splitlines() if len(line.strip()) == 56
    ]
    url = database_url(tmp_path)
    with app_servers(tmp_path, count=1, url=url) as (node,):
        receipt = _submit_report(visitor("203.0.113.1"), node)
        before = _pages(node)
    assert all(before.values()) and DESCRIPTION not in str(before)

    # Backup, then a new, empty database restored from it.
    dump = tmp_path / "samenaanpak.dump"
    _script("backup.sh", url, str(dump))
    if connection.vendor == "postgresql":
        name = f"sa_restore_{uuid.uuid4().hex[:8]}"
        _psql(f"CREATE DATABASE {name}")
        restored = url.rsplit("/", 1)[0] + "/" + name
    else:
        name, restored = None, f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        _script("restore.sh", restored, str(dump))
        # The disaster: every handler lost access (say, the only one left, with their key).
        if name is not None:
            subprocess.run(
                ["psql", restored, "-qc", "DELETE FROM reports_teamkeygrant"],
                check=True,
                capture_output=True,
            )
        else:
            with sqlite3.connect(restored.removeprefix("sqlite:///")) as db:
                db.execute("DELETE FROM reports_teamkeygrant")
        # The beheerder types the recovery key from the safe (docs/meldpunt.md).
        recover = subprocess.run(
            [
                str(ROOT / ".venv/bin/python"),
                "manage.py",
                "meldpunt_herstelsleutel",
                "--herstel",
                "--lid",
                DEMO_HANDLER,
            ],
            cwd=ROOT,
            input=recovery_key + "\n",
            text=True,
            capture_output=True,
            env={**os.environ, "DATABASE_URL": restored, "VAR_DIR": str(tmp_path / "var")},
        )
        assert recover.returncode == 0, recover.stderr[-2000:]

        with app_servers(tmp_path, count=1, url=restored) as (node,):
            assert _pages(node) == before
            # The reporter's receipt opens the report from before the backup.
            reporter = visitor("203.0.113.2")
            html = reporter.get(f"{node}/melden/mijn-melding/").text
            opened = reporter.post(
                f"{node}/melden/mijn-melding/", data={**form_fields(html), "receipt": receipt}
            )
            assert DESCRIPTION in opened.text, main_text(opened.text)
            # The handler signs in (password, authenticator) and reads it, photo included.
            handler = visitor("203.0.113.3")
            staff_first_sign_in(handler, (node, node, node), DEMO_HANDLER, DEMO_PASSWORD)
            [(report_id,)] = rows(restored, "SELECT id FROM reports_report")
            page = handler.get(f"{node}/beheer/meldpunt/{report_id}/")
            assert page.status_code == 200 and DESCRIPTION in page.text, main_text(page.text)
            assert f"/beheer/meldpunt/{report_id}/foto/" in page.text
    finally:
        if name is not None:
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

"""SQLite's files: owner-only, and no erased data left in the write-ahead log after a retention job."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from samenaanpak.tests.servers import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in its own process on a copy of the test database (a file, in WAL mode as in production):
# each erasing job in turn, and after each the size of the -wal file, while the connection is open
# (SQLite removes the -wal file when the last connection closes).
JOBS = """
import json, os, sys, django
django.setup()
from django.db import connection
from samenaanpak.core import mail
from samenaanpak.questions import daily as questions
from samenaanpak.reports import daily as reports

name = connection.settings_dict["NAME"]
def files():
    return {suffix: [oct(os.stat(name + suffix).st_mode & 0o777), os.path.getsize(name + suffix)]
            for suffix in ("", "-wal", "-shm") if os.path.exists(name + suffix)}
result = {}
for job, run in (("questions", questions.run), ("purge_sent", mail.purge_sent),
                 ("erase_recipient", mail.send_batch),
                 ("reports", reports.run)):
    result[job] = {"said": str(run()), "files": files()}
print(json.dumps(result))
"""


def test_sqlite_files_are_private_and_each_erasure_empties_the_wal(
    client, meldpunt, tmp_path, settings
):
    from samenaanpak.core.history import record_status
    from samenaanpak.core.models import OutgoingEmail
    from samenaanpak.questions.models import Question
    from samenaanpak.questions.status import Status
    from samenaanpak.reports.models import Report, today
    from samenaanpak.reports.tests.helpers import submit

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite's files; PostgreSQL has neither a -wal file nor file modes of ours")
    long_ago = timezone.now() - datetime.timedelta(days=800)
    question = Question.objects.create(text="Vraag", name="Piet Kanarie", email="piet@example.org")
    record_status(question, Status.NEW, created_at=long_ago)
    record_status(question, Status.CLOSED, created_at=long_ago)
    old_mail = OutgoingEmail.objects.create(
        to="oud@example.org",
        subject="s",
        body="b",
        purpose="test",
        status=OutgoingEmail.Status.SENT,
    )
    OutgoingEmail.objects.filter(pk=old_mail.pk).update(created_at=long_ago)
    OutgoingEmail.objects.create(
        to="melder@example.org",
        subject="s",
        body="b",
        purpose="melding-reactie",
        erase_recipient_when_sent=True,
        next_attempt_at=timezone.now(),
    )
    submit(client, description="Te verwijderen melding")
    report = Report.objects.get()
    record_status(report, "afgehandeld")
    report.set_retention(on=today() - datetime.timedelta(days=91))
    report.save(update_fields=["delete_after"])

    url = database_url(tmp_path)  # a new file, created under the usual umask (0644)
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(tmp_path / "var"), "REDIS_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = subprocess.run(
        [sys.executable, "-c", JOBS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])

    assert "erased from 1 question" in result["questions"]["said"]
    assert result["purge_sent"]["said"] == "1"
    assert result["erase_recipient"]["said"] == "(1, 0)"  # one sent (to var/mail in development)
    assert result["reports"]["said"].startswith("reports: 1 report(s) deleted")
    for job, outcome in result.items():
        assert {suffix: mode for suffix, (mode, _) in outcome["files"].items()} == {
            "": "0o600",
            "-wal": "0o600",
            "-shm": "0o600",
        }, job
        assert outcome["files"]["-wal"][1] == 0, (job, outcome)  # the erased pages left the WAL

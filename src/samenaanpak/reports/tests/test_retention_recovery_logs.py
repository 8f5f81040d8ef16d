"""Retention, the offline recovery key, and logs without reporter metadata."""

import datetime
import io
import logging
import sys

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from samenaanpak.core.history import record_status
from samenaanpak.reports import crypto, daily, keyring, vault
from samenaanpak.reports.demo import DEMO_PASSWORD
from samenaanpak.reports.logging import ReporterLogFilter
from samenaanpak.reports.models import (
    AuditEntry,
    Message,
    RecoveryKey,
    Report,
    Team,
    TeamKeyGrant,
    today,
)

from .helpers import handler, jpeg, submit

pytestmark = pytest.mark.django_db


def test_closed_reports_are_deleted_after_the_retention_period_keys_first(
    client, meldpunt, settings
):
    settings.REPORT_RETENTION_DAYS = 90
    _, old = submit(client, description="oud")
    _, recent = submit(client, description="recent")
    _, still_open = submit(client, description="open")
    old_report, recent_report, open_report = Report.objects.order_by("pk")
    for report, closed_on in (
        (old_report, today() - datetime.timedelta(days=91)),
        (recent_report, today() - datetime.timedelta(days=10)),
    ):
        record_status(report, "afgehandeld")
        report.set_retention(on=closed_on)  # closed that day
        report.save(update_fields=["delete_after"])
    vault.add_message(old_report, Message.Kind.TO_REPORTER, "antwoord")
    assert daily.run().startswith("reports: 1 report(s) deleted after their retention period")
    assert set(Report.objects.values_list("pk", flat=True)) == {recent_report.pk, open_report.pk}
    assert not Message.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.report_number, entry.team, entry.username) == (
        old_report.number,
        old_report.team,
        "systeem",
    )
    assert vault.find(old) is None  # the receipt finds nothing any more


def test_audit_entries_are_deleted_after_two_years(meldpunt):
    from django.utils import timezone

    old = AuditEntry.record(AuditEntry.Action.OPENED, user=handler())
    recent = AuditEntry.record(AuditEntry.Action.OPENED, user=handler())
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=731)
    )
    assert "1 old audit entries deleted" in daily.run()
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_daily_digest_tells_team_members_what_waits_without_content_or_time(
    client, meldpunt, mailoutbox, django_capture_on_commit_callbacks
):
    user = handler()
    user.email = "behandelaar@example.org"
    user.save()
    submit(client, description="Inhoud die niet in de mail mag")
    submit(client)
    late = Report.objects.order_by("pk").last()
    Report.objects.filter(pk=late.pk).update(
        due_on=today() - datetime.timedelta(days=1), new_from_reporter=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert daily.run().endswith("1 digest(s) queued")
    mail = mailoutbox[0]
    assert mail.to == ["behandelaar@example.org"]
    assert "2 nieuwe meldingen" in mail.body and "1 melding met nieuwe informatie" in mail.body
    assert "1 melding over de termijn" in mail.body and "/beheer/meldpunt/" in mail.body
    assert "Inhoud die niet" not in mail.body and late.number not in mail.body
    Report.objects.update(status="afgehandeld", new_from_reporter=False)
    assert daily.run().endswith("0 digest(s) queued")  # nothing waits: no mail


def test_new_information_restarts_the_retention_clock(client, meldpunt):
    submit(client)
    report = Report.objects.get()
    report.status = "afgehandeld"
    report.set_retention(on=today() - datetime.timedelta(days=80))
    report.save()
    vault.add_message(report, Message.Kind.FROM_REPORTER, "nog iets")
    report.refresh_from_db()
    assert report.delete_after == today() + datetime.timedelta(days=90)


def test_recovery_key_is_printed_once_and_restores_access_when_nobody_can_read(client, meldpunt):
    out = io.StringIO()
    call_command("meldpunt_herstelsleutel", stdout=out)
    printed = [line.strip() for line in out.getvalue().splitlines() if len(line.strip()) == 56]
    assert len(printed) == 1 and RecoveryKey.objects.count() == 1
    assert printed[0] not in str(
        list(RecoveryKey.objects.values())
    )  # the private half is not stored
    _, receipt = submit(client, description="Te herstellen melding", photos=[jpeg()])
    report = Report.objects.get()
    # Disaster: every grant is gone (say, the only handler left and their key with them).
    TeamKeyGrant.objects.all().delete()
    stdin, sys.stdin = sys.stdin, io.StringIO(printed[0] + "\n")
    try:
        call_command(
            "meldpunt_herstelsleutel", "--herstel", "--lid", "behandelaar", stdout=io.StringIO()
        )
    finally:
        sys.stdin = stdin
    request = RequestFactory().get("/")
    request.session, request.user = SessionStore(), handler()
    request.user.is_verified = lambda: True  # as after the code from the authenticator app
    keyring.unlock(request, request.user, DEMO_PASSWORD)
    team_private = keyring.team_private_key(request, Team.objects.get(name="Meldpunt"))
    report.refresh_from_db()
    private = crypto.open_with_team_key(vault.report_keys(report), team_private)
    assert vault.content(report, private)["description"] == "Te herstellen melding"
    assert vault.open_with_receipt(report, receipt) == private  # the reporter's code still works
    # A new team key, in the team's log: no advice to renew it for someone who left before.
    assert AuditEntry.objects.get(action=AuditEntry.Action.ROTATED).team == Team.objects.get(
        name="Meldpunt"
    )


def test_reports_without_a_recovery_key_are_still_stored(client, meldpunt):
    assert RecoveryKey.current() is None
    assert submit(client)[1]
    assert bytes(Report.objects.get().private_for_recovery) == b""


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_no_address_agent_or_referrer_reaches_any_log_record_of_a_reporter_request(
    client, meldpunt, settings
):
    capture = Capture()
    capture.addFilter(ReporterLogFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    meta = {
        "REMOTE_ADDR": "203.0.113.77",
        "HTTP_USER_AGENT": "CanaryAgent/9.9",
        "HTTP_REFERER": "https://verwijzer.example/pagina",
        "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    }
    settings.TRUSTED_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    try:
        client.get("/melden/", **meta)
        client.post("/melden/", {"description": ""}, **meta)
        submit(client, **meta)
        client.post("/melden/mijn-melding/", {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"}, **meta)
        client.get("/melden/bestaat-niet/", **meta)
        client.get("/melden/", HTTP_HOST="kwaadaardig.example", **meta)  # DisallowedHost is logged
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    assert capture.records, (
        "the requests should have logged something (the 404 and the bad host at least)"
    )
    for record in capture.records:
        text = capture.format(record) + " " + repr(vars(record))
        for secret in ("203.0.113.77", "198.51.100.23", "CanaryAgent", "verwijzer.example"):
            assert secret not in text, (secret, text)
        assert record.msecs == 0 and record.created == int(
            record.created
        )  # midnight: the date only


def test_log_filter_drops_the_request_lines_of_the_meldpunt():
    # Django's development server and gunicorn's access log: a request line would date a report.
    for logger, message, args in (
        ("django.server", '"%s" %s %s', ("POST /melden/mijn-melding/ HTTP/1.1", "404", "1")),
        ("django.server", '"%s" %s %s', ("GET /melden HTTP/1.1", "301", "0")),
        ("gunicorn.access", "%s", ("POST /melden/ 200 0.49s",)),
    ):
        record = logging.LogRecord(logger, logging.WARNING, __file__, 1, message, args, None)
        assert ReporterLogFilter().filter(record) is False, record.getMessage()
    other = logging.LogRecord(
        "django.server", logging.WARNING, __file__, 1, '"%s"', ("GET /hulp/",), None
    )
    assert ReporterLogFilter().filter(other) is True
    assert other.getMessage() == '"GET /hulp/"'
    # Other records about the meldpunt stay, without the path or the time of day.
    error = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        ("/melden/mijn-melding/",),
        None,
    )
    assert ReporterLogFilter().filter(error) is True
    assert error.getMessage() == "meldpunt request: error"
    assert (
        error.created
        == datetime.datetime.combine(
            datetime.date.fromtimestamp(error.created), datetime.time()
        ).timestamp()
    )

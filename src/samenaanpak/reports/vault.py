"""Storing and reading reports: the glue between the models and crypto.py. Every function that
needs a report's private key takes it as an argument; where it comes from (the receipt, the
team key in a handler's session, the offline recovery key) is the caller's business."""

import datetime
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from samenaanpak.core.history import record_status

from . import crypto
from .models import Attachment, Message, QuarterCount, RecoveryKey, Report, Team, today
from .status import Status


def kdf_params() -> crypto.KdfParams:
    return crypto.KdfParams(
        opslimit=settings.REPORT_ARGON2_OPSLIMIT, memlimit=settings.REPORT_ARGON2_MEMLIMIT
    )


def digest(receipt: str) -> str:
    return crypto.receipt_digest(receipt, settings.REPORT_RECEIPT_PEPPER.encode())


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def report_keys(report: Report) -> crypto.ReportKeys:
    return crypto.ReportKeys(
        public_key=bytes(report.public_key),
        receipt_salt=bytes(report.receipt_salt),
        private_for_receipt=bytes(report.private_for_receipt),
        private_for_team=bytes(report.private_for_team),
        private_for_recovery=bytes(report.private_for_recovery),
    )


def seal_json(report, data: dict) -> bytes:
    return crypto.seal(bytes(report.public_key), json.dumps(data, ensure_ascii=False).encode())


def open_json(private_key: bytes, sealed: bytes) -> dict:
    return json.loads(crypto.unseal(private_key, bytes(sealed)))


def seal_file(report, name: str, content_type: str, data: bytes) -> bytes:
    header = json.dumps({"name": name, "type": content_type}).encode()
    return crypto.seal(bytes(report.public_key), struct.pack(">I", len(header)) + header + data)


def open_file(private_key: bytes, sealed: bytes) -> tuple[dict, bytes]:
    plain = crypto.unseal(private_key, bytes(sealed))
    (length,) = struct.unpack(">I", plain[:4])
    return json.loads(plain[4 : 4 + length]), plain[4 + length :]


def _new_number() -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "M-" + "".join(secrets.choice(alphabet) for _ in range(6))


@dataclass
class Prepared:
    """A report sealed and ready to store: the slow work (key derivation, sealing) done outside any
    transaction, so the transaction that stores it holds its locks only briefly."""

    report: Report
    receipt: str
    photos: list


def prepare(*, category, content: dict, photos=()) -> Prepared:
    """`photos` are (name, content_type, bytes) already stripped of metadata. The receipt is shown
    once and never stored."""
    team = category.team
    receipt = crypto.generate_receipt()
    recovery = RecoveryKey.current()
    keys = crypto.new_report_keys(
        receipt,
        bytes(team.public_key),
        bytes(recovery.public_key) if recovery else None,
        kdf_params(),
    )
    on = today()
    report = Report(
        number=_new_number(),
        receipt_digest=digest(receipt),
        team=team,
        category=category,
        submitted_on=on,
        due_on=on + datetime.timedelta(days=category.deadline_days),
        public_key=keys.public_key,
        receipt_salt=keys.receipt_salt,
        private_for_receipt=keys.private_for_receipt,
        private_for_team=keys.private_for_team,
        private_for_recovery=keys.private_for_recovery,
    )
    report.sealed_content = seal_json(report, content)
    return Prepared(report, receipt, list(photos))


def store(prepared: Prepared) -> Report:
    """Store a prepared report with its photos, first history row and quarter count, atomically."""
    report, receipt, on = prepared.report, prepared.receipt, prepared.report.submitted_on
    team, category = report.team, report.category
    with transaction.atomic():
        # A member may have rotated the team key since it was read: the lock waits for a rotation
        # in progress, and a report sealed to the old key is sealed again to the new one.
        current = bytes(
            Team.objects.select_for_update().values_list("public_key", flat=True).get(pk=team.pk)
        )
        if current != bytes(team.public_key):
            report.private_for_team = crypto.seal(current, open_with_receipt(report, receipt))
        while Report.objects.filter(number=report.number).exists():
            report.number = _new_number()
        report.save()
        # The first history row carries the date only: no exact time of a reporter's action.
        record_status(report, Status.NEW, created_at=_midnight(on))
        for name, content_type, data in prepared.photos:
            Attachment.objects.create(
                report=report, sealed_data=seal_file(report, name, content_type, data)
            )
        quarter = (on.month - 1) // 3 + 1
        counter, _ = QuarterCount.objects.get_or_create(
            category=category, year=on.year, quarter=quarter
        )
        QuarterCount.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    return report


def submit(*, category, content: dict, photos=()) -> tuple[Report, str]:
    """Prepare and store a report; returns it with its receipt (for tools and tests: the public
    form stores through the form kit's store_once, see views.report_form)."""
    prepared = prepare(category=category, content=content, photos=photos)
    return store(prepared), prepared.receipt


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def find(receipt: str) -> Report | None:
    try:
        return (
            Report.objects.select_related("category").filter(receipt_digest=digest(receipt)).first()
        )
    except crypto.InvalidReceipt:
        return None


def open_with_receipt(report: Report, receipt: str) -> bytes:
    return crypto.open_with_receipt(report_keys(report), receipt, kdf_params())


def content(report: Report, private_key: bytes) -> dict:
    return open_json(private_key, report.sealed_content)


def summary(report: Report, private_key: bytes) -> str:
    if not report.sealed_summary:
        return ""
    return open_json(private_key, report.sealed_summary)["text"]


def messages(report: Report, private_key: bytes, *, include_notes: bool):
    """The report's messages, decrypted, oldest first."""
    rows = report.messages.select_related("author").prefetch_related("attachments")
    if not include_notes:
        rows = rows.exclude(kind=Message.Kind.NOTE)
    return [
        {
            "message": row,
            "text": open_json(private_key, row.sealed_body)["text"],
            "photos": list(row.attachments.all()),
        }
        for row in rows
    ]


def add_message(report: Report, kind: str, text: str, *, author=None, photos=()) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            report=report, kind=kind, author=author, sealed_body=seal_json(report, {"text": text})
        )
        for name, content_type, data in photos:
            Attachment.objects.create(
                report=report,
                message=message,
                sealed_data=seal_file(report, name, content_type, data),
            )
        if kind == Message.Kind.FROM_REPORTER:
            # New information: the handlers should look again, and the clock for deletion restarts.
            report.new_from_reporter = True
            if report.delete_after is not None:
                report.set_retention()
            report.save(update_fields=["new_from_reporter", "delete_after"])
    return message


def set_summary(report: Report, text: str) -> None:
    report.sealed_summary = seal_json(report, {"text": text}) if text else b""
    report.save(update_fields=["sealed_summary"])

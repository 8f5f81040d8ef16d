"""The reporter's side of the meldpunt. Nothing here stores or logs who the reporter is
(middleware.ReporterPrivacyMiddleware has already removed address, agent and referrer).

The reporter's session is not a Django session (whose row would tie a report to an exact time on
the server): it is one cookie, encrypted with a key derived from SECRET_KEY, holding the report's
id, its private key and the time of the last request, limited to the lookup's path
(ReportPage.lookup_path: /melden/mijn-melding/)."""

import base64
import hashlib
import json
import logging
import math
import secrets
import time

import nacl.exceptions
import nacl.secret
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from samenaanpak.core import throttle
from samenaanpak.core.public_forms import submit
from samenaanpak.core.resilience import CONNECTION_ERRORS

from . import crypto, vault
from .forms import NO_UPLOADS, LookupForm, ReplyForm, ReportForm
from .models import Category, Message, QuarterCount, Report, today

logger = logging.getLogger(__name__)

SESSION_COOKIE = "meldpunt_sessie"
RECEIPT_COPY_SECONDS = 600  # a repeat of the same form within this time shows the same code again
MAX_CLIENT_DELAY = 60
GLOBAL_DELAY = 5

SUBMITS_PER_CLIENT = throttle.Limit("melden-client", "REPORT_CLIENT_HOURLY_LIMIT")
SUBMITS_ALL = throttle.Limit("melden-all", "REPORT_HOURLY_CAP")
PHOTOS_PER_CLIENT = throttle.Limit("melden-photos-client", "REPORT_CLIENT_HOURLY_PHOTOS")
PHOTOS_ALL = throttle.Limit("melden-photos-all", "REPORT_HOURLY_PHOTO_CAP")
LOOKUP_FAILURES_PER_CLIENT = throttle.Limit("melden-lookup-client", MAX_CLIENT_DELAY, window=3600)
# Above this many wrong codes a minute (all clients together), every client that itself typed a
# wrong code waits at least GLOBAL_DELAY seconds before its next try. A client that has not failed
# is never delayed: other people's failures cannot keep a reporter from their reply.
LOOKUP_FAILURES_ALL = throttle.Limit("melden-lookup-all", 30, window=60)


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


def _render(page, request, template, **context):
    return _no_store(page.render(request, template=template, context_overrides=context))


# --- submitting ----------------------------------------------------------------------------------


def _over_limits(request) -> str | None:
    if not SUBMITS_PER_CLIENT.hit(throttle.client_id(request, "melden")):
        return _(
            "U heeft het afgelopen uur al een aantal meldingen gedaan. Probeer het over een uur opnieuw, of "
            "meld anoniem via Meld Misdaad Anoniem: 0800-7000."
        )
    if not SUBMITS_ALL.hit():
        return _(
            "Het meldpunt ontvangt op dit moment erg veel meldingen. Probeer het later opnieuw, of meld anoniem "
            "via Meld Misdaad Anoniem: 0800-7000."
        )
    return None


def _photos_over_budget(request, reports_refused: bool) -> bool:
    """Photos are counted before any is decoded: decoding is what costs the server time and memory.
    A report that the limits will refuse anyway has its photos not decoded at all."""
    request.FILES  # noqa: B018 - parses the body, which runs the upload handler that counts the files
    count = request.reports_upload_notes["seen"]
    if not count:
        return False
    if reports_refused:
        return True
    return not (
        PHOTOS_PER_CLIENT.hit(throttle.client_id(request, "melden"), cost=count)
        and PHOTOS_ALL.hit(cost=count)
    )


def _bound_form(request, form_class, reports_refused=False):
    """The posted form, or, when the photo budget is spent, the form without its photos (not
    decoded) and a message at the photo field; the text is kept."""
    if not _photos_over_budget(request, reports_refused):
        return form_class(request.POST, request.FILES, upload_notes=request.reports_upload_notes)
    form = form_class(
        request.POST, None, upload_notes=dict(NO_UPLOADS, seen=request.reports_upload_notes["seen"])
    )
    if not reports_refused:  # otherwise the limit's own message says it
        form.add_error(
            "photos",
            _(
                "Er zijn het afgelopen uur veel foto's verstuurd. Verstuur uw tekst nu zonder "
                "foto's en voeg de foto's later toe met uw meldcode, of probeer het over een uur "
                "opnieuw."
            ),
        )
    return form


def _form_context(form):
    return {
        "form": form,
        "retention_days": settings.REPORT_RETENTION_DAYS,
        "photos_lost": bool(
            form.is_bound and form.errors and (form.files or form.upload_notes["seen"])
        ),
    }


# A repeat of the same form (a double click, a reload, two identical POSTs at once) stores nothing
# new, and shows the code of the one report it made. The code is kept for RECEIPT_COPY_SECONDS,
# encrypted with a key derived from the whole filled-in form (its start token, which only that
# browser has, and everything typed), which the server does not store.
def _receipt_copy_box(form):
    key = hashlib.blake2b(form.fingerprint(), person=b"meldcode-kopie", digest_size=32).digest()
    return nacl.secret.SecretBox(key)


def _receipt_copy_key(form):
    return (
        "reports:receipt-copy:" + hashlib.sha256(b"copy\x1f" + form.fingerprint()).hexdigest()[:32]
    )


def _keep_receipt_copy(form, receipt):
    """Best effort: without the cache the first response still shows the code."""
    try:
        with (
            transaction.atomic()
        ):  # a failing database cache must not abort the report's transaction
            cache.set(
                _receipt_copy_key(form),
                _receipt_copy_box(form).encrypt(receipt.encode()),
                RECEIPT_COPY_SECONDS,
            )
    except Exception:  # noqa: BLE001
        logger.warning("meldcode copy not kept (cache unavailable)")


def _receipt_copy(form) -> str | None:
    if form.stored_id() is None:
        return None
    sealed = cache.get(_receipt_copy_key(form))
    try:
        return _receipt_copy_box(form).decrypt(sealed).decode() if sealed else None
    except nacl.exceptions.CryptoError:
        return None


def _receipt_response(page, request, receipt, **context):
    groups = crypto.format_receipt(crypto.normalise_receipt(receipt)).split("-")
    try:
        return _render(
            page,
            request,
            "reports/received.html",
            receipt=receipt,
            receipt_groups=groups,
            **context,
        )
    except CONNECTION_ERRORS:
        # The report is stored, but the database went away before the page could be built: the
        # code must reach the reporter all the same, on a page that needs no database.
        return _no_store(
            HttpResponse(
                render_to_string("reports/received_plain.html", {"receipt_groups": groups})
            )
        )


def report_form(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        return _render(page, request, "reports/report_page.html", **_form_context(ReportForm()))
    limits_reached = (
        SUBMITS_PER_CLIENT.reached(throttle.client_id(request, "melden")) or SUBMITS_ALL.reached()
    )
    form = _bound_form(request, ReportForm, reports_refused=limits_reached)

    def prepare():
        return vault.prepare(
            category=form.cleaned_data["category"],
            content=form.content(),
            photos=form.cleaned_data["photos"],
        )

    def save(prepared):
        report = vault.store(prepared)
        _keep_receipt_copy(form, prepared.receipt)
        report.receipt = prepared.receipt  # for the response below; never stored
        return report

    submission = submit(form, save, over_limits=lambda: _over_limits(request), prepare=prepare)
    if submission.spam:
        return _render(page, request, "reports/received.html", receipt=None)
    if submission.repeat:  # a double click, or the same form at the same instant
        return _repeat_response(page, request, form)
    if submission.record is not None:
        return _receipt_response(
            page,
            request,
            submission.record.receipt,
            photo_count=len(form.cleaned_data["photos"]),
        )
    return _render(page, request, "reports/report_page.html", **_form_context(form))


def _repeat_response(page, request, form):
    receipt = _receipt_copy(form)
    if receipt:
        return _receipt_response(page, request, receipt, duplicate=True)
    return _render(page, request, "reports/received.html", receipt=None, duplicate=True)


def expired_form(request, page):
    """Called by the CSRF failure view: the form again, with what was typed (files must be chosen
    again). For the lookup, the code and any answer typed; for leaving, leave anyway."""
    match = getattr(request, "routable_resolver_match", None)  # set by the page's route()
    route = match.url_name if match else None
    if route == "leave":
        return leave(request, page)
    if route == "lookup":
        form = LookupForm({"receipt": request.POST.get("receipt", "")})
        form.is_valid()
        form.add_error(
            None, _("Het formulier stond lang open en is verlopen. Vul uw meldcode opnieuw in.")
        )
        return _render(
            page,
            request,
            "reports/lookup.html",
            form=form,
            pending_text=request.POST.get("text", ""),
        )
    form = ReportForm(request.POST, upload_notes=getattr(request, "reports_upload_notes", None))
    form.is_valid()
    form.add_error(
        None,
        _(
            "Het formulier stond lang open en is verlopen. Uw melding is nog niet verstuurd: "
            "controleer hem en klik opnieuw op versturen."
        ),
    )
    context = _form_context(form)
    context["photos_lost"] = True
    return _render(page, request, "reports/report_page.html", **context)


# --- the reporter's session ----------------------------------------------------------------------


def _session_box():
    key = hashlib.blake2b(
        settings.SECRET_KEY.encode(), person=b"meldpunt-sessie", digest_size=32
    ).digest()
    return nacl.secret.SecretBox(key)


def _read_cookie(request) -> dict | None:
    raw = request.COOKIES.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(_session_box().decrypt(base64.urlsafe_b64decode(raw)))
        return (
            data
            if isinstance(data, dict) and {"report", "key", "seen", "sid"} <= data.keys()
            else None
        )
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return None


def _revoked_key(sid: str) -> str:
    return "melden-session-revoked:" + hashlib.sha256(sid.encode()).hexdigest()[:32]


def _open_session(request):
    """(report, private key, session id) from the cookie, 'expired', or None."""
    data = _read_cookie(request)
    if data is None or throttle.store().get(_revoked_key(data["sid"])):
        return None
    if time.time() - data["seen"] > settings.REPORT_SESSION_IDLE_SECONDS:
        return "expired"
    report = Report.objects.select_related("category").filter(pk=data["report"]).first()
    if report is None:
        return None
    return report, base64.b64decode(data["key"]), data["sid"]


def _set_session(response, page, report, private_key, sid=None):
    payload = json.dumps(
        {
            "report": report.pk,
            "key": base64.b64encode(private_key).decode(),
            "seen": time.time(),
            "sid": sid or secrets.token_urlsafe(16),
        }
    )
    value = base64.urlsafe_b64encode(_session_box().encrypt(payload.encode())).decode()
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=settings.REPORT_SESSION_IDLE_SECONDS,
        path=page.lookup_path(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )
    return response


def _clear_session(response, page):
    response.delete_cookie(SESSION_COOKIE, path=page.lookup_path(), samesite="Strict")
    return response


# --- looking up with the receipt -----------------------------------------------------------------


def _lookup_next_key(request) -> str:
    return "melden-lookup-next:" + throttle.client_id(request, "melden")


def _lookup_wait(request) -> int:
    """Seconds this client must still wait before its next try (delays, not a lockout). Only the
    client's own wrong codes make it wait."""
    return max(0, throttle.store().get(_lookup_next_key(request), 0) - int(time.time()))


def _lookup_failed(request) -> None:
    failures = LOOKUP_FAILURES_PER_CLIENT.add(throttle.client_id(request, "melden"))
    delay = 0 if failures < 3 else min(2 ** int(failures - 3), MAX_CLIENT_DELAY)
    if not LOOKUP_FAILURES_ALL.hit():
        delay = max(delay, GLOBAL_DELAY)  # many wrong codes everywhere: each guesser pays, per try
    if delay:
        # Rounded up: the wait is read in whole seconds, and must never end before the delay.
        until = math.ceil(time.time()) + delay
        throttle.store().set(_lookup_next_key(request), until, timeout=delay + 5)


def lookup(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    session = _open_session(request)
    if isinstance(session, tuple):
        report, private_key, sid = session
        if request.method == "POST" and "receipt" not in request.POST:
            return _reply(request, page, report, private_key, sid)
        return _set_session(
            _show_report(request, page, report, private_key, ReplyForm()),
            page,
            report,
            private_key,
            sid,
        )
    expired = session == "expired"
    pending_text = request.POST.get("text", "") if request.method == "POST" else ""
    if request.method == "POST" and "receipt" in request.POST:
        return _check_receipt(request, page, pending_text)
    form = LookupForm()
    response = _render(
        page, request, "reports/lookup.html", form=form, expired=expired, pending_text=pending_text
    )
    return _clear_session(response, page) if expired else response


def _check_receipt(request, page, pending_text):
    form = LookupForm(request.POST)
    if form.is_valid():
        wait = _lookup_wait(request)
        if wait:
            form.add_error(
                "receipt",
                _(
                    "U heeft een paar keer een code ingevuld die we niet kennen. Wacht %(seconds)d "
                    "seconden en probeer het dan opnieuw."
                )
                % {"seconds": wait},
            )
        else:
            receipt = form.cleaned_data["receipt"]
            report = vault.find(receipt)
            private_key = None
            if report is not None:
                try:
                    private_key = vault.open_with_receipt(report, receipt)
                except crypto.InvalidReceipt:
                    private_key = None
            if private_key is None:
                _lookup_failed(request)
                form.add_error(
                    "receipt",
                    _(
                        "Deze meldcode kennen we niet. Controleer de code en probeer het opnieuw. "
                        "Een melding wordt %(days)d dagen na het afhandelen verwijderd."
                    )
                    % {"days": settings.REPORT_RETENTION_DAYS},
                )
            else:
                reply = ReplyForm()
                if pending_text.strip():
                    reply = ReplyForm({"text": pending_text})
                    if reply.is_valid():
                        vault.add_message(
                            report, Message.Kind.FROM_REPORTER, reply.cleaned_data["text"]
                        )
                        reply, pending_text = ReplyForm(), ""
                response = _show_report(
                    request,
                    page,
                    report,
                    private_key,
                    reply,
                    sent=not pending_text and bool(request.POST.get("text", "").strip()),
                )
                return _set_session(response, page, report, private_key)
    return _render(page, request, "reports/lookup.html", form=form, pending_text=pending_text)


def _show_report(request, page, report, private_key, reply_form, sent=False):
    messages = vault.messages(report, private_key, include_notes=False)
    photos_lost = bool(
        reply_form.is_bound and reply_form.errors and reply_form.upload_notes["seen"]
    )
    return _render(
        page,
        request,
        "reports/my_report.html",
        report=report,
        content=vault.content(report, private_key),
        messages=messages,
        reply_form=reply_form,
        sent=sent,
        photos_lost=photos_lost,
        photo_count=report.attachments.filter(message__isnull=True).count(),
        retention_days=settings.REPORT_RETENTION_DAYS,
    )


def _reply(request, page, report, private_key, sid):
    form = _bound_form(request, ReplyForm)
    sent = False
    if form.is_valid():
        # A repeat of the same filled-in form (double click) adds nothing the second time.
        with transaction.atomic():
            if form.submission_key() is None or form.reserve():
                vault.add_message(
                    report,
                    Message.Kind.FROM_REPORTER,
                    form.cleaned_data["text"],
                    photos=form.cleaned_data["photos"],
                )
        form, sent = ReplyForm(), True
    return _set_session(
        _show_report(request, page, report, private_key, form, sent=sent),
        page,
        report,
        private_key,
        sid,
    )


def leave(request, page):
    """Ends the reporter's session and asks the browser to forget this site's data."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = _read_cookie(request)
    if data is not None:  # a copy of the cookie (another tab, a stolen one) stops working too
        throttle.store().set(
            _revoked_key(data["sid"]), 1, timeout=settings.REPORT_SESSION_IDLE_SECONDS + 60
        )
    response = _clear_session(_render(page, request, "reports/left.html"), page)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# --- public figures ------------------------------------------------------------------------------

SMALL = 5


def figures(request, page):
    """Reports per category per quarter; counts under 5 are shown as "< 5" so nobody can be singled out."""
    counts = QuarterCount.objects.values("category_id", "year", "quarter").annotate(
        total=Sum("count")
    )
    quarters = sorted({(row["year"], row["quarter"]) for row in counts}, reverse=True)[:8]
    by_cell = {(row["category_id"], row["year"], row["quarter"]): row["total"] for row in counts}
    rows = []
    for category in Category.objects.all():
        cells = [by_cell.get((category.pk, year, quarter), 0) for year, quarter in quarters]
        if any(cells) or category.active:
            rows.append({"category": category, "cells": [_display(count) for count in cells]})
    return page.render(
        request,
        template="reports/figures.html",
        context_overrides={
            "quarters": [f"{year} K{quarter}" for year, quarter in quarters],
            "rows": rows,
            "small": SMALL,
            "today": today(),
        },
    )


def _display(count: int) -> str:
    return f"< {SMALL}" if count < SMALL else str(count)

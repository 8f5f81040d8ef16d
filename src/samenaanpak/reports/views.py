"""The reporter's side of the meldpunt. Nothing here stores or logs who the reporter is
(middleware.ReporterPrivacyMiddleware has already removed address, agent and referrer).

The reporter's session is not a Django session (whose row would tie a report to an exact time on
the server): it is one cookie, encrypted with a key derived from SECRET_KEY, holding the report's
id, its private key and the time of the last request, limited to /melden/mijn-melding/."""

import base64
import hashlib
import json
import time

import nacl.exceptions
import nacl.secret
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import crypto, vault
from .forms import LookupForm, ReplyForm, ReportForm
from .models import Category, Message, QuarterCount, Report, today

SESSION_COOKIE = "meldpunt_sessie"
SESSION_PATH = "/melden/mijn-melding/"
SUBMITTED_KEY = "reports:submitted:"
GLOBAL_HOURLY_KEY = "reports:hourly:"
LOOKUP_FAILURES_GLOBAL = "reports:lookup-failures:"
GLOBAL_FAILURES_PER_MINUTE = 30  # above this, every lookup waits GLOBAL_DELAY seconds
GLOBAL_DELAY = 5
MAX_CLIENT_DELAY = 60


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


def _render(page, request, template, **context):
    return _no_store(page.render(request, template=template, context_overrides=context))


# --- submitting ----------------------------------------------------------------------------------

def _over_limits(request) -> str | None:
    client_key = request.reporter_rate_key + ":submit"
    cache.add(client_key, 0, timeout=3600)
    if cache.incr(client_key) > settings.REPORT_CLIENT_HOURLY_LIMIT:
        return _("U heeft het afgelopen uur al een aantal meldingen gedaan. Probeer het over een uur opnieuw, of "
                 "meld anoniem via Meld Misdaad Anoniem: 0800-7000.")
    hour_key = GLOBAL_HOURLY_KEY + str(int(time.time() // 3600))
    cache.add(hour_key, 0, timeout=3600)
    if cache.incr(hour_key) > settings.REPORT_HOURLY_CAP:
        return _("Het meldpunt ontvangt op dit moment erg veel meldingen. Probeer het later opnieuw, of meld anoniem "
                 "via Meld Misdaad Anoniem: 0800-7000.")
    return None


def _form_context(form):
    return {"form": form, "retention_days": settings.REPORT_RETENTION_DAYS,
            "photos_lost": bool(form.is_bound and form.errors and (form.files or form.upload_notes["seen"]))}


def report_form(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        return _render(page, request, "reports/report_page.html", **_form_context(ReportForm()))
    form = ReportForm(request.POST, request.FILES, upload_notes=request.reports_upload_notes)
    token_key = SUBMITTED_KEY + hashlib.sha256(form.submission_token().encode()).hexdigest()[:32]
    if form.is_spam():
        return _render(page, request, "reports/received.html", receipt=None)
    if form.submission_token() and cache.get(token_key):
        # A second click or a reload of the same form: it is stored once, and the code was shown once.
        return _render(page, request, "reports/received.html", receipt=None, duplicate=True)
    if form.is_valid():
        limit_message = _over_limits(request)
        if limit_message:
            form.add_error(None, limit_message)
        else:
            report, receipt = vault.submit(category=form.cleaned_data["category"], content=form.content(),
                                           photos=form.cleaned_data["photos"])
            if form.submission_token():
                cache.set(token_key, 1, timeout=24 * 3600)
            groups = crypto.format_receipt(crypto.normalise_receipt(receipt)).split("-")
            return _render(page, request, "reports/received.html", receipt=receipt, receipt_groups=groups,
                           photo_count=len(form.cleaned_data["photos"]))
    return _render(page, request, "reports/report_page.html", **_form_context(form))


def expired_form(request, page):
    """Called by the CSRF failure view: the form again, with what was typed (files must be chosen
    again). For the lookup, the code and any answer typed; for leaving, leave anyway."""
    if request.path.endswith("/mijn-melding/afsluiten/"):
        return leave(request, page)
    if request.path.endswith("/mijn-melding/"):
        form = LookupForm({"receipt": request.POST.get("receipt", "")})
        form.is_valid()
        form.add_error(None, _("Het formulier stond lang open en is verlopen. Vul uw meldcode opnieuw in."))
        return _render(page, request, "reports/lookup.html", form=form, pending_text=request.POST.get("text", ""))
    form = ReportForm(request.POST, upload_notes=getattr(request, "reports_upload_notes", None))
    form.is_valid()
    form.add_error(None, _("Het formulier stond lang open en is verlopen. Uw melding is nog niet verstuurd: "
                           "controleer hem en klik opnieuw op versturen."))
    context = _form_context(form)
    context["photos_lost"] = True
    return _render(page, request, "reports/report_page.html", **context)


# --- the reporter's session ----------------------------------------------------------------------

def _session_box():
    key = hashlib.blake2b(settings.SECRET_KEY.encode(), person=b"meldpunt-sessie", digest_size=32).digest()
    return nacl.secret.SecretBox(key)


def _open_session(request):
    """(report, private key) from the cookie, 'expired', or None."""
    raw = request.COOKIES.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(_session_box().decrypt(base64.urlsafe_b64decode(raw)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return None
    if time.time() - data["seen"] > settings.REPORT_SESSION_IDLE_SECONDS:
        return "expired"
    report = Report.objects.select_related("category").filter(pk=data["report"]).first()
    if report is None:
        return None
    return report, base64.b64decode(data["key"])


def _set_session(response, report, private_key):
    payload = json.dumps({"report": report.pk, "key": base64.b64encode(private_key).decode(), "seen": time.time()})
    value = base64.urlsafe_b64encode(_session_box().encrypt(payload.encode())).decode()
    response.set_cookie(SESSION_COOKIE, value, max_age=settings.REPORT_SESSION_IDLE_SECONDS, path=SESSION_PATH,
                        httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Strict")
    return response


def _clear_session(response):
    response.delete_cookie(SESSION_COOKIE, path=SESSION_PATH, samesite="Strict")
    return response


# --- looking up with the receipt -----------------------------------------------------------------

def _lookup_wait(request) -> int:
    """Seconds this client must still wait before the next try (delays, not a lockout)."""
    now = time.time()
    waits = [cache.get(request.reporter_rate_key + ":lookup-next", 0) - now]
    if (cache.get(LOOKUP_FAILURES_GLOBAL + str(int(now // 60))) or 0) > GLOBAL_FAILURES_PER_MINUTE:
        waits.append(cache.get(LOOKUP_FAILURES_GLOBAL + "next", 0) - now)
    return max(0, int(max(waits) + 0.999))


def _lookup_failed(request) -> None:
    now = time.time()
    count_key = request.reporter_rate_key + ":lookup-failures"
    cache.add(count_key, 0, timeout=3600)
    failures = cache.incr(count_key)
    delay = 0 if failures < 3 else min(2 ** (failures - 3), MAX_CLIENT_DELAY)
    cache.set(request.reporter_rate_key + ":lookup-next", now + delay, timeout=3600)
    minute_key = LOOKUP_FAILURES_GLOBAL + str(int(now // 60))
    cache.add(minute_key, 0, timeout=120)
    if cache.incr(minute_key) > GLOBAL_FAILURES_PER_MINUTE:
        cache.set(LOOKUP_FAILURES_GLOBAL + "next", now + GLOBAL_DELAY, timeout=120)


def lookup(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    session = _open_session(request)
    if isinstance(session, tuple):
        report, private_key = session
        if request.method == "POST" and "receipt" not in request.POST:
            return _reply(request, page, report, private_key)
        return _set_session(_show_report(request, page, report, private_key, ReplyForm()), report, private_key)
    expired = session == "expired"
    pending_text = request.POST.get("text", "") if request.method == "POST" else ""
    if request.method == "POST" and "receipt" in request.POST:
        return _check_receipt(request, page, pending_text)
    form = LookupForm()
    response = _render(page, request, "reports/lookup.html", form=form, expired=expired, pending_text=pending_text)
    return _clear_session(response) if expired else response


def _check_receipt(request, page, pending_text):
    form = LookupForm(request.POST)
    if form.is_valid():
        wait = _lookup_wait(request)
        if wait:
            form.add_error("receipt", _("U heeft een paar keer een code ingevuld die we niet kennen. Wacht %(seconds)d "
                                        "seconden en probeer het dan opnieuw.") % {"seconds": wait})
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
                form.add_error("receipt", _("Deze meldcode kennen we niet. Controleer de code en probeer het opnieuw. "
                                            "Een melding wordt %(days)d dagen na het afhandelen verwijderd.")
                               % {"days": settings.REPORT_RETENTION_DAYS})
            else:
                reply = ReplyForm()
                if pending_text.strip():
                    reply = ReplyForm({"text": pending_text})
                    if reply.is_valid():
                        vault.add_message(report, Message.Kind.FROM_REPORTER, reply.cleaned_data["text"])
                        reply, pending_text = ReplyForm(), ""
                response = _show_report(request, page, report, private_key, reply,
                                        sent=not pending_text and bool(request.POST.get("text", "").strip()))
                return _set_session(response, report, private_key)
    return _render(page, request, "reports/lookup.html", form=form, pending_text=pending_text)


def _show_report(request, page, report, private_key, reply_form, sent=False):
    messages = vault.messages(report, private_key, include_notes=False)
    photos_lost = bool(reply_form.is_bound and reply_form.errors and reply_form.upload_notes["seen"])
    return _render(page, request, "reports/my_report.html", report=report, content=vault.content(report, private_key),
                   messages=messages, reply_form=reply_form, sent=sent, photos_lost=photos_lost,
                   photo_count=report.attachments.filter(message__isnull=True).count(),
                   retention_days=settings.REPORT_RETENTION_DAYS)


def _reply(request, page, report, private_key):
    form = ReplyForm(request.POST, request.FILES, upload_notes=request.reports_upload_notes)
    sent = False
    if form.is_valid():
        vault.add_message(report, Message.Kind.FROM_REPORTER, form.cleaned_data["text"],
                          photos=form.cleaned_data["photos"])
        form, sent = ReplyForm(), True
    return _set_session(_show_report(request, page, report, private_key, form, sent=sent), report, private_key)


def leave(request, page):
    """Ends the reporter's session and asks the browser to forget this site's data."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    response = _clear_session(_render(page, request, "reports/left.html"))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# --- public figures ------------------------------------------------------------------------------

SMALL = 5


def figures(request, page):
    """Reports per category per quarter; counts under 5 are shown as "< 5" so nobody can be singled out."""
    counts = QuarterCount.objects.values("category_id", "year", "quarter").annotate(total=Sum("count"))
    quarters = sorted({(row["year"], row["quarter"]) for row in counts}, reverse=True)[:8]
    by_cell = {(row["category_id"], row["year"], row["quarter"]): row["total"] for row in counts}
    rows = []
    for category in Category.objects.all():
        cells = [by_cell.get((category.pk, year, quarter), 0) for year, quarter in quarters]
        if any(cells) or category.active:
            rows.append({"category": category, "cells": [_display(count) for count in cells]})
    return page.render(request, template="reports/figures.html", context_overrides={
        "quarters": [f"{year} K{quarter}" for year, quarter in quarters], "rows": rows, "small": SMALL,
        "today": today()})


def _display(count: int) -> str:
    return f"< {SMALL}" if count < SMALL else str(count)

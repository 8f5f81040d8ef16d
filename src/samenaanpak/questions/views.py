import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from samenaanpak.core.http import client_address
from samenaanpak.core.mail import queue_email
from samenaanpak.core.models import SiteSettings

from .forms import QuestionForm
from .models import QuestionEvent
from .status import Status

RATE_LIMIT = 5  # questions per client per hour
SESSION_KEY = "questions.sent_reference"


def client_key(request, purpose: str) -> str:
    """A keyed hash of the client address: kept only in the cache, never stored or logged."""
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"ratelimit:{purpose}:{digest[:32]}"


def over_rate_limit(request) -> bool:
    key = client_key(request, "questions")
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > RATE_LIMIT


def _submission_key(form) -> str:
    # The signed render time identifies one filled-in form: a second submit of it is a double click.
    return "questions:submitted:" + hashlib.sha256(form.data.get("started", "").encode()).hexdigest()[:32]


def _notify(question, request):
    site_settings = SiteSettings.load(request_or_site=request)
    if question.email:
        queue_email(
            to=question.email, purpose="vraag-ontvangen",
            subject=_("Uw vraag is ontvangen (%(reference)s)") % {"reference": question.reference},
            body=render_to_string("questions/email/received.txt", {"question": question, "site": site_settings}),
        )
    if site_settings.policy_officer_email:
        queue_email(
            to=site_settings.policy_officer_email, purpose="nieuwe-vraag",
            subject=_("Nieuwe vraag %(reference)s") % {"reference": question.reference},
            body=render_to_string("questions/email/new_question.txt", {
                "question": question,
                "url": settings.SITE_URL + reverse("questions_question:edit", args=[question.pk]),
            }),
        )


@never_cache
def question_form(request, page):
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam():
            return redirect(page.url + "verstuurd/")  # tell a bot nothing
        previous = cache.get(_submission_key(form))
        if previous:
            request.session[SESSION_KEY] = previous
            return redirect(page.url + "verstuurd/")
        if form.filled_too_fast():
            form.add_error(None, _("Uw vraag werd erg snel verstuurd. Controleer hem en klik nog een keer op versturen."))
            form.data = form.data.copy()
            form.data["started"] = QuestionForm().fields["started"].initial
        elif over_rate_limit(request):
            form.add_error(None, _("U heeft het afgelopen uur al veel vragen gesteld. Probeer het over een uur opnieuw, "
                                   "of bel 14033."))
        elif form.is_valid():
            with transaction.atomic():
                question = form.save()
                QuestionEvent.objects.create(question=question, status=Status.NEW)
                _notify(question, request)
            cache.set(_submission_key(form), question.reference, timeout=24 * 3600)
            request.session[SESSION_KEY] = question.reference
            return redirect(page.url + "verstuurd/")
    return page.render(request, template="questions/questions_page.html", context_overrides={
        "form": form, "retention_days": settings.QUESTION_RETENTION_DAYS})


@never_cache
def question_sent(request, page):
    reference = request.session.get(SESSION_KEY)
    return page.render(request, template="questions/sent.html", context_overrides={"reference": reference})


def expired_form(request, page):
    form = QuestionForm(request.POST)
    form.is_valid()
    form.add_error(None, _("Het formulier stond lang open en is verlopen. Uw vraag is nog niet verstuurd: "
                           "controleer hem en klik opnieuw op versturen."))
    return page.render(request, template="questions/questions_page.html", context_overrides={
        "form": form, "retention_days": settings.QUESTION_RETENTION_DAYS})

from django.conf import settings
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from samenaanpak.core import throttle
from samenaanpak.core.history import record_status
from samenaanpak.core.mail import queue_email
from samenaanpak.core.models import SiteSettings
from samenaanpak.core.public_forms import submit

from .forms import QuestionForm
from .models import Question
from .status import Status

SESSION_KEY = "questions.sent_reference"
PER_CLIENT = throttle.Limit("questions-client", "QUESTION_CLIENT_HOURLY_LIMIT")
ALL_CLIENTS = throttle.Limit("questions-all", "QUESTION_HOURLY_CAP")


def over_rate_limit(request) -> str | None:
    if PER_CLIENT.hit(throttle.client_id(request, "questions")) and ALL_CLIENTS.hit():
        return None
    phone = SiteSettings.load(request_or_site=request).policy_officer_phone
    if phone:
        return _(
            "U heeft het afgelopen uur al veel vragen gesteld. Probeer het over een uur opnieuw, of "
            "bel %(phone)s."
        ) % {"phone": phone}
    return _("U heeft het afgelopen uur al veel vragen gesteld. Probeer het over een uur opnieuw.")


def _notify(question, request):
    site_settings = SiteSettings.load(request_or_site=request)
    if question.email:
        queue_email(
            to=question.email,
            purpose="vraag-ontvangen",
            subject=_("Uw vraag is ontvangen (%(reference)s)") % {"reference": question.reference},
            body=render_to_string(
                "questions/email/received.txt", {"question": question, "site": site_settings}
            ),
        )
    if site_settings.policy_officer_email:
        queue_email(
            to=site_settings.policy_officer_email,
            purpose="nieuwe-vraag",
            subject=_("Nieuwe vraag %(reference)s") % {"reference": question.reference},
            body=render_to_string(
                "questions/email/new_question.txt",
                {
                    "question": question,
                    "url": settings.SITE_URL
                    + reverse("questions_question:edit", args=[question.pk]),
                },
            ),
        )


@never_cache
def question_form(request, page):
    form = QuestionForm(request.POST or None)
    sent_url = page.url + page.reverse_subpage("sent")
    status = 200
    if request.method == "POST":

        def save():
            question = form.save()
            record_status(question, Status.NEW)
            _notify(question, request)
            return question

        submission = submit(form, save, over_limits=lambda: over_rate_limit(request))
        if submission.spam:
            return redirect(sent_url)  # tell a bot nothing
        if submission.repeat:
            return _repeat(request, submission.repeat_id, sent_url)
        if submission.record is not None:
            request.session[SESSION_KEY] = submission.record.reference
            return redirect(sent_url)
        status = submission.status
    response = page.render(
        request,
        template="questions/questions_page.html",
        context_overrides={"form": form, "retention_days": settings.QUESTION_RETENTION_DAYS},
    )
    response.status_code = status
    return response


def _repeat(request, question_id, sent_url):
    """The same filled-in form again (a double click, a reload, two identical POSTs at once): the
    confirmation of the question it stored."""
    question = Question.objects.filter(pk=question_id).first()
    if question is not None:
        request.session[SESSION_KEY] = question.reference
    return redirect(sent_url)


@never_cache
def question_sent(request, page):
    reference = request.session.get(SESSION_KEY)
    return page.render(
        request, template="questions/sent.html", context_overrides={"reference": reference}
    )


def expired_form(request, page):
    form = QuestionForm(request.POST)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Het formulier stond lang open en is verlopen. Uw vraag is nog niet verstuurd: "
            "controleer hem en klik opnieuw op versturen."
        ),
    )
    return page.render(
        request,
        template="questions/questions_page.html",
        context_overrides={"form": form, "retention_days": settings.QUESTION_RETENTION_DAYS},
    )

"""Following and unsubscribing, with and without an account.

Every link in a mail is a GET that changes nothing and shows a button; the button's POST acts
(link scanners in mail filters open links, and must not confirm or unsubscribe anyone). The one
exception to CSRF is the unsubscribe URL: RFC 8058's one-click POST comes from the mail program,
which has no CSRF token; its signed token is the proof."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from samenaanpak.core import throttle
from samenaanpak.core.http import post_only
from samenaanpak.core.mail import queue_email
from samenaanpak.core.public_forms import submit

from . import api, sending, tokens
from .forms import FollowByEmailForm, FrequencyForm
from .models import Consent, Follow, Frequency, Subscriber, Topic

PER_CLIENT = throttle.Limit("follow-client", "NOTIFICATION_FOLLOW_CLIENT_HOURLY_LIMIT")
ALL_CLIENTS = throttle.Limit("follow-all", "NOTIFICATION_FOLLOW_HOURLY_CAP")
PER_ADDRESS = throttle.Limit("optin-address", "NOTIFICATION_OPTIN_ADDRESS_DAILY_LIMIT", 86400)


def problem(request, title, message, status, link=None):
    return render(
        request,
        "notifications/problem.html",
        {"title": title, "message": message, "link": link},
        status=status,
    )


def _bad_link(request, error):
    if isinstance(error, tokens.Expired):
        return problem(
            request,
            _("Deze link is verlopen"),
            _("De link is ouder dan %(days)d dagen. Meld u opnieuw aan om een nieuwe te krijgen.")
            % {"days": settings.NOTIFICATION_OPTIN_DAYS},
            400,
        )
    return problem(
        request,
        _("Deze link klopt niet"),
        _(
            "De link is niet compleet of is veranderd. Kopieer de hele link uit de e-mail, of "
            "open hem met een klik in de e-mail zelf."
        ),
        400,
    )


def _address_key(email: str) -> str:
    """A keyed hash of the address for its limit (the store never holds an address)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"optin:{email}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _login(request, next_url):
    return redirect_to_login(next_url, reverse("account_login"))


# --- Without an account: /volgen/?onderwerp=… and the double opt-in ---------------------------


@never_cache
def follow_by_email(request):
    try:
        topic = Topic.objects.filter(pk=tokens.topic_id(request.GET.get("onderwerp", ""))).first()
    except tokens.Invalid:
        return problem(
            request,
            _("Dit onderwerp kunnen we niet vinden"),
            _("De link naar deze pagina is niet compleet. Ga terug en klik opnieuw op „Volgen”."),
            400,
        )
    if topic is None:
        return problem(
            request,
            _("Dit onderwerp bestaat niet meer"),
            _("Wat u wilde volgen, staat niet meer op de site."),
            404,
        )
    # Bound on every POST, an empty one too (`request.POST or None` would leave it unbound).
    form = FollowByEmailForm(request.POST if request.method == "POST" else None, topic=topic)
    status = 200
    if request.method == "POST":

        def over_limits():
            if PER_CLIENT.hit(throttle.client_id(request, "follow")) and ALL_CLIENTS.hit():
                return None
            return _(
                "Er zijn het afgelopen uur veel aanmeldingen verstuurd. Probeer het over een uur opnieuw."
            )

        sent = submit(
            form, lambda: _sign_up(form, topic, request.get_full_path()), over_limits=over_limits
        )
        if sent.spam or sent.stored:  # a bot is told nothing either
            return redirect("notifications:follow_sent")
        status = sent.status
    return render(
        request,
        "notifications/follow_by_email.html",
        {"form": form, "topic": topic},
        status=status,
    )


def _sign_up(form, topic, page) -> Subscriber:
    """Store the address unconfirmed, the consent as proof, an unconfirmed follow, and queue the
    opt-in mail, unless this address had its share of opt-in mails today (the visitor sees the
    same page either way: the form tells nobody what an address follows)."""
    email = form.cleaned_data["email"]
    subscriber, _created = Subscriber.objects.get_or_create(user=None, email=email)
    follow = Follow.objects.filter(subscriber=subscriber, topic=topic).first()
    if (
        follow is not None
        and follow.confirmed_at
        and subscriber.confirmed_at
        and not subscriber.rejected_at
    ):
        return subscriber  # already following: nothing to confirm, no mail
    if not PER_ADDRESS.hit(_address_key(email)):
        return subscriber
    if follow is None:
        Follow.objects.create(subscriber=subscriber, topic=topic)
    consent = Consent.objects.create(
        subscriber=subscriber, topic=topic, text=form.consent_text, page=page[:300]
    )
    link = sending.absolute(
        reverse(
            "notifications:confirm",
            args=[tokens.sign_timed(tokens.OPTIN, consent.pk, subscriber.token.hex)],
        )
    )
    queue_email(
        to=email,
        subject=_("Bevestig dat u „%(topic)s” wilt volgen") % {"topic": topic.title},
        body=render_to_string(
            "notifications/email/optin.txt",
            {"topic": topic, "link": link, "days": settings.NOTIFICATION_OPTIN_DAYS},
        ),
        purpose="volgen-bevestigen",
    )
    return subscriber


@never_cache
def follow_sent(request):
    return render(
        request, "notifications/follow_sent.html", {"days": settings.NOTIFICATION_OPTIN_DAYS}
    )


@never_cache
def confirm(request, token):
    try:
        consent_id, subscriber_token = tokens.timed(token, tokens.OPTIN)
        consent = (
            Consent.objects.select_related("subscriber", "topic")
            .filter(pk=int(consent_id), subscriber__token=subscriber_token)
            .first()
        )
    except tokens.Invalid as error:
        return _bad_link(request, error)
    except ValueError:
        return _bad_link(request, tokens.Invalid())
    if consent is None or consent.topic is None:
        return problem(
            request,
            _("Deze link werkt niet meer"),
            _(
                "De aanmelding bestaat niet meer (u heeft zich misschien afgemeld). Meld u opnieuw aan als u wilt volgen."
            ),
            404,
        )
    if consent.confirmed_at is not None:
        return problem(
            request,
            _("Deze link is al gebruikt"),
            _("U heeft al bevestigd dat u „%(topic)s” volgt. U hoeft niets meer te doen.")
            % {"topic": consent.topic.title},
            404,
            link=sending.manage_path(consent.subscriber),
        )
    if request.method == "POST":
        now = timezone.now()
        with transaction.atomic():
            updated = Consent.objects.filter(pk=consent.pk, confirmed_at__isnull=True).update(
                confirmed_at=now
            )
            if updated:
                subscriber = consent.subscriber
                Subscriber.objects.filter(pk=subscriber.pk).update(
                    confirmed_at=subscriber.confirmed_at or now, rejected_at=None
                )
                follow, created = Follow.objects.get_or_create(
                    subscriber=subscriber, topic=consent.topic, defaults={"confirmed_at": now}
                )
                if not created and follow.confirmed_at is None:
                    Follow.objects.filter(pk=follow.pk).update(confirmed_at=now)
        return render(
            request,
            "notifications/confirmed.html",
            {"topic": consent.topic, "manage_url": sending.manage_path(consent.subscriber)},
        )
    return render(request, "notifications/confirm.html", {"topic": consent.topic})


# --- Unsubscribe (RFC 8058) -------------------------------------------------------------------


@csrf_exempt  # the one-click POST comes from the mail program; the signed token is the proof
@never_cache
def unsubscribe(request, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        value = tokens.subscriber_token(token, tokens.UNSUBSCRIBE)
    except tokens.Invalid as error:
        return _bad_link(request, error)
    subscriber = Subscriber.objects.filter(token=value).first()
    if subscriber is None or (subscriber.user_id and subscriber.frequency == Frequency.NEVER):
        return problem(
            request,
            _("Deze afmeldlink werkt niet meer"),
            _(
                "U bent al afgemeld, of de link komt uit een oudere e-mail. U krijgt van ons geen "
                "e-mail meer over wat u volgde."
            ),
            404,
        )
    if request.method == "POST":
        has_account = subscriber.user_id is not None
        api.unsubscribe(subscriber)
        return render(request, "notifications/unsubscribed.html", {"has_account": has_account})
    return render(request, "notifications/unsubscribe.html", {"subscriber": subscriber})


# --- With an account: the follow button, /account/meldingen/ ---------------------------------


def _topic_page(request, topic_id):
    topic = Topic.objects.filter(pk=topic_id).first()
    return f"{topic.path}#volgen" if topic is not None and topic.path else "/"


@post_only(_topic_page)
def follow_topic(request, topic_id):
    topic = get_object_or_404(Topic, pk=topic_id)
    back = _safe_next(request)
    if not request.user.is_authenticated:
        return redirect(
            reverse("notifications:follow_by_email") + "?onderwerp=" + tokens.sign_topic(topic.pk)
        )
    api.follow(topic, request.user)
    return redirect(back)


@post_only(_topic_page)
def unfollow_topic(request, topic_id):
    topic = get_object_or_404(Topic, pk=topic_id)
    back = _safe_next(request)
    if not request.user.is_authenticated:
        return _login(request, back)
    api.unfollow(topic, request.user)
    return redirect(back)


def _preferences_page(request, subscriber, *, action_url, signed_in):
    form = FrequencyForm(initial={"frequency": subscriber.frequency} if subscriber else None)
    saved = False
    if request.method == "POST" and subscriber is not None:
        action = request.POST.get("action")
        if action == "stoppen":
            topic_id = request.POST.get("topic", "")
            if topic_id.isdigit():
                Follow.objects.filter(subscriber=subscriber, topic_id=int(topic_id)).delete()
            if not signed_in and not subscriber.follows.exists():
                api.unsubscribe(subscriber)  # an address that follows nothing is not kept
                return render(request, "notifications/unsubscribed.html", {"has_account": False})
            return redirect(action_url)
        form = FrequencyForm(request.POST)
        if form.is_valid():
            api.set_frequency(subscriber, form.cleaned_data["frequency"])
            saved = True
    follows = (
        subscriber.follows.select_related("topic").order_by("topic__title")
        if subscriber.pk
        else Follow.objects.none()
    )
    if not signed_in:
        follows = follows.filter(confirmed_at__isnull=False)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "follows": follows,
            "saved": saved,
            "action_url": action_url,
            "signed_in": signed_in,
            "digest_time": settings.NOTIFICATION_DIGEST_TIME,
            "weekday": WEEKDAYS[(settings.NOTIFICATION_WEEKLY_DAY - 1) % 7],
            "unsubscribe_token": (
                tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE) if not signed_in else ""
            ),
        },
        status=400 if form.errors else 200,
    )


@never_cache
def preferences(request):
    if not request.user.is_authenticated:
        return _login(request, request.get_full_path())
    subscriber = (
        api.subscriber_for(request.user)
        if request.method == "POST"
        else Subscriber.objects.filter(user=request.user).first()
    )
    return _preferences_page(
        request,
        subscriber or Subscriber(user=request.user),
        action_url=reverse("notifications:preferences"),
        signed_in=True,
    )


@never_cache
def manage(request, token):
    try:
        value = tokens.subscriber_token(token, tokens.MANAGE)
    except tokens.Invalid as error:
        return _bad_link(request, error)
    subscriber = Subscriber.objects.filter(token=value, user__isnull=True).first()
    if subscriber is None:
        return problem(
            request,
            _("Deze link werkt niet meer"),
            _("U bent afgemeld, of de link komt uit een oudere e-mail."),
            404,
        )
    return _preferences_page(request, subscriber, action_url=request.path, signed_in=False)


@post_only(lambda request: reverse("notifications:preferences"))
def reconfirm_request(request):
    """An account whose address the mail server refused asks for a link to prove it works again.
    A service mail: queued whatever the rejection (that is the point)."""
    if not request.user.is_authenticated:
        return _login(request, reverse("notifications:preferences"))
    subscriber = Subscriber.objects.filter(user=request.user, rejected_at__isnull=False).first()
    if (
        subscriber is not None
        and request.user.email
        and PER_ADDRESS.hit(_address_key(request.user.email.lower()))
    ):
        link = sending.absolute(
            reverse(
                "notifications:reconfirm",
                args=[tokens.sign_timed(tokens.RECONFIRM, subscriber.pk, subscriber.token.hex)],
            )
        )
        queue_email(
            to=request.user.email,
            subject=_("Bevestig uw e-mailadres"),
            body=render_to_string(
                "notifications/email/reconfirm.txt",
                {"link": link, "days": settings.NOTIFICATION_OPTIN_DAYS},
            ),
            purpose="adres-bevestigen",
        )
    return redirect(reverse("notifications:preferences") + "?link=verstuurd")


@never_cache
def reconfirm(request, token):
    try:
        subscriber_id, subscriber_token = tokens.timed(token, tokens.RECONFIRM)
        subscriber = Subscriber.objects.filter(
            pk=int(subscriber_id), token=subscriber_token, user__isnull=False
        ).first()
    except tokens.Invalid as error:
        return _bad_link(request, error)
    except ValueError:
        return _bad_link(request, tokens.Invalid())
    if subscriber is None or subscriber.rejected_at is None:
        return problem(
            request,
            _("Deze link is al gebruikt"),
            _("Uw e-mailadres is al bevestigd. U hoeft niets meer te doen."),
            404,
            link=reverse("notifications:preferences"),
        )
    if request.method == "POST":
        Subscriber.objects.filter(pk=subscriber.pk).update(rejected_at=None)
        return render(request, "notifications/reconfirmed.html", {})
    return render(request, "notifications/reconfirm.html", {})

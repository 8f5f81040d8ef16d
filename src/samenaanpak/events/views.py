"""The public side of /bijeenkomsten/: the list, a meeting with its sign-up form, the cancel link
from the mails and the calendars. The pages' routes (models.py) call these.

- The list reads no session and sets no cookie, so it may be cached; a meeting's page carries a
  form (a CSRF token) and who signed up, so it is never cached.
- Signing up is the public-form kit's flow (core.public_forms.submit): honeypot, signed start
  time, rate limits, one registration per filled-in form; services.register decides the rest
  (a place or the waiting list, one active registration per address) and its Refused message is
  shown on the form. After a sign-up the browser is sent back to the meeting's page (PRG), which
  then shows the registration: an account's own one, or for a visitor the ids this session
  stored (`event_registrations`).
- The cancel link (tokens.py) is a GET that changes nothing and shows a button: mail scanners
  open links. Only the POST cancels.
- Calendars (ical.py): example meetings are in the feeds, their SUMMARY starts with "Voorbeeld: "
  (so nobody plans an evening that will not happen); cancelled meetings stay in with
  STATUS:CANCELLED so calendars that copied them remove them."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from samenaanpak.core import throttle
from samenaanpak.core.public_forms import submit
from samenaanpak.core.roles import is_staff_account

from . import ical, services, tokens
from .forms import AccountRegistrationForm, RegistrationForm
from .models import EventPage, Registration
from .status import RegistrationMode, RegistrationStatus

SESSION_KEY = "event_registrations"
SESSION_MAX = 20  # ids kept per session (the newest)
FEW_PLACES = 5  # below this many places left, the page says how many
FEED_MONTHS_BACK = 6
PAST_PER_PAGE = 10

PER_CLIENT = throttle.Limit("events-client", "EVENTS_REGISTRATION_CLIENT_HOURLY_LIMIT")
ALL_CLIENTS = throttle.Limit("events-all", "EVENTS_REGISTRATION_HOURLY_CAP")


# --- who is asking -------------------------------------------------------------------------------


def signed_in(request):
    """The signed-in user, or None; the session is read only when there is a session cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return request.user if request.user.is_authenticated else None


def account(user):
    """A public account that can sign up with one click: (name, email), else None. A back-office
    account (or one without a profile or address) fills in the form like anyone else."""
    if user is None or is_staff_account(user) or not user.email:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or not profile.display_name:
        return None
    return profile.display_name, user.email


def _session_ids(request) -> list[int]:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    return [int(pk) for pk in request.session.get(SESSION_KEY, []) if str(pk).isdigit()]


def _remember(request, registration_id):
    ids = [pk for pk in _session_ids(request) if pk != registration_id]
    request.session[SESSION_KEY] = (ids + [registration_id])[-SESSION_MAX:]


def own_registration(request, event, user):
    """The active registration for this meeting that this browser may see: the account's own, or
    one this session stored. None otherwise."""
    if user is not None:
        condition = Q(user=user)
        ids = _session_ids(request)
        if ids:
            condition |= Q(pk__in=ids)
    else:
        ids = _session_ids(request)
        if not ids:
            return None
        condition = Q(pk__in=ids)
    return (
        Registration.objects.active()
        .filter(condition, event=event, erased_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def _private(response):
    patch_vary_headers(response, ["Cookie"])
    add_never_cache_headers(response)
    return response


# --- the list ------------------------------------------------------------------------------------


def index(request, page):
    now = timezone.now()
    from samenaanpak.plan.models import ThinkTankPage

    think_tanks = list(
        ThinkTankPage.objects.live().public().order_by("title").only("pk", "title", "slug")
    )
    events = (
        EventPage.objects.live()
        .public()
        .child_of(page)
        .select_related("think_tank")
        # A subquery on the (meeting, status) index: a join with GROUP BY over every page
        # column took 250 ms with 10,000 registrations behind one meeting (bench/events.py).
        .annotate(
            registered_count=Coalesce(
                Subquery(
                    Registration.objects.filter(
                        event=OuterRef("pk"), status=RegistrationStatus.REGISTERED
                    )
                    .order_by()
                    .values("event")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
    )
    chosen = None
    slug = request.GET.get("denktank", "")
    if slug:
        chosen = next((tank for tank in think_tanks if tank.slug == slug), None)
        events = events.filter(think_tank_id=chosen.pk if chosen else 0)
    rows = list(events)
    for event in rows:
        event.full = (
            event.capacity is not None
            and event.registered_count >= event.capacity
            and event.registration == RegistrationMode.OPEN
            and not event.is_cancelled
        )
    upcoming = sorted((e for e in rows if e.end > now), key=lambda e: (e.start, e.pk))
    past = sorted((e for e in rows if e.end <= now), key=lambda e: (e.start, e.pk), reverse=True)
    # Years of meetings stay a light page: ten past meetings at a time, newest first.
    past = Paginator(past, PAST_PER_PAGE).get_page(request.GET.get("pagina"))
    base = page.url or "/bijeenkomsten/"
    feeds = [
        {
            "title": tank.title,
            "url": base + page.reverse_subpage("think_tank_feed", args=(tank.slug,)),
        }
        for tank in think_tanks
    ]
    context = {
        "upcoming": upcoming,
        "past": past,
        "think_tanks": think_tanks,
        "chosen": chosen,
        "filtered": bool(slug),
        "feed_url": base + page.reverse_subpage("feed"),
        "think_tank_feeds": feeds,
    }
    return page.render(request, template="events/event_index_page.html", context_overrides=context)


# --- one meeting ---------------------------------------------------------------------------------


def waiting_position(registration) -> int:
    return (
        Registration.objects.waiting()
        .filter(event_id=registration.event_id)
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


def _context(request, event, user, form=None):
    """What the meeting's page shows. With a registration of this browser: its status and cancel
    link (and for a visitor without an account, the form again to sign up someone else). `form`
    is a posted form with its errors."""
    problem = event.registration_problem()
    mine = own_registration(request, event, user)
    one_click = account(user)
    context = {
        "event": event,
        "think_tank": event.think_tank if event.think_tank_id else None,
        "problem": problem,
        "registration": mine,
        "is_past": event.is_past(),
        "ics_url": event.url + event.reverse_subpage("ics") if event.url else "",
        "register_url": (event.url or "") + event.reverse_subpage("register"),
        "erase_months": max(1, round(settings.EVENTS_ERASE_AFTER_DAYS / 30)),
    }
    if mine is not None:
        mine.event = event
        context["cancel_url"] = tokens.cancel_path(mine)
        if mine.status == RegistrationStatus.WAITING:
            context["position"] = waiting_position(mine)
    if problem or (mine is not None and one_click is not None):
        if form is not None:
            context["refused_form"] = form  # its error summary, above the explanation
        return context
    counted = services.counts(event)
    full = event.capacity is not None and counted["registered"] >= event.capacity
    context["full"] = full
    if not full and event.capacity is not None and mine is None:
        left = event.capacity - counted["registered"]
        context["places_left"] = left if left <= FEW_PLACES else None
    if one_click is not None:
        context["account_name"], context["account_email"] = one_click
        context["form"] = form or AccountRegistrationForm()
    else:
        # Signed in without a screen name (or as staff): the address is known, the name is asked.
        known = getattr(user, "email", "") if user is not None else ""
        context["form"] = form or RegistrationForm(initial={"email": known} if known else None)
    return context


def detail(request, event, form=None, status=200):
    user = signed_in(request)
    response = event.render(
        request,
        template="events/event_page.html",
        context_overrides=_context(request, event, user, form),
    )
    response.status_code = status
    return _private(response)


def _over_limits(request):
    if PER_CLIENT.hit(throttle.client_id(request, "events")) and ALL_CLIENTS.hit():
        return None
    return _(
        "Er zijn het afgelopen uur veel aanmeldingen verstuurd. Probeer het over een uur opnieuw."
    )


def register(request, event):
    """POST: sign up (or join the waiting list), then back to the meeting's page."""
    page_url = event.url or "/"
    if request.method != "POST":
        return redirect(page_url)
    user = signed_in(request)
    one_click = account(user)
    form = (AccountRegistrationForm if one_click else RegistrationForm)(request.POST)
    user_for_row = user if one_click else None

    problem = event.registration_problem()
    if problem:  # closed, full deadline passed, started, cancelled: say so before anything else
        form.is_valid()
        form.add_error(None, problem)
        return detail(request, event, form=form, status=409)

    def save():
        name, email = one_click or (form.cleaned_data["name"], form.cleaned_data["email"])
        return services.register(event, name=name, email=email, user=user_for_row)

    try:
        sent = submit(form, save, over_limits=lambda: _over_limits(request))
    except services.Refused as refused:
        field = "email" if refused.code == "duplicate" and "email" in form.fields else None
        if refused.code == "duplicate" and refused.registration is not None:
            # Counts like a sign-up (the kit's counts went with the refused transaction), so
            # nobody can try addresses for free to learn who comes.
            PER_CLIENT.hit(throttle.client_id(request, "events"))
            services.resend(refused.registration)
        form.add_error(field, refused.message)
        return detail(request, event, form=form, status=409)
    if sent.spam:
        return redirect(page_url)  # tell a bot nothing
    if sent.stored:
        registration_id = sent.record.pk if sent.record is not None else sent.repeat_id
        if registration_id and user_for_row is None:
            _remember(request, registration_id)
        return redirect(page_url + "#aanmelding")
    return detail(request, event, form=form, status=sent.status)


# --- the cancel link -----------------------------------------------------------------------------


def _link_page(request, index_page, template, status=200, **context):
    response = index_page.render(
        request, template=f"events/{template}.html", context_overrides=context
    )
    response.status_code = status
    # The token is in the address: no search engine, no Referer header to another site. Not
    # "no-referrer": Chromium then sends "Origin: null" with the button's POST, which Django's CSRF
    # check refuses (as reports/middleware.py found); nobody could cancel.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return _private(response)


def cancel(request, index_page, token):
    registration = tokens.read(token)
    if registration is None:
        return _link_page(request, index_page, "cancel_invalid", status=404)
    if not registration.event.live:  # taken offline: the link is right, the meeting is gone
        return _link_page(request, index_page, "cancel_invalid", status=404, offline=True)
    event = registration.event
    context = {"registration": registration, "event": event}
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING):
        return _link_page(request, index_page, "cancel_done", already=True, **context)
    if event.has_started():
        return _link_page(request, index_page, "cancel_done", too_late=True, **context)
    if request.method == "POST":
        had_place = registration.status == RegistrationStatus.REGISTERED
        try:
            services.cancel(registration)
        except services.Refused as refused:
            if refused.code == "already":
                return _link_page(request, index_page, "cancel_done", already=True, **context)
            return _link_page(
                request, index_page, "cancel_done", status=409, too_late=True, **context
            )
        return _link_page(
            request, index_page, "cancel_done", cancelled=True, had_place=had_place, **context
        )
    promoted = (
        registration.status == RegistrationStatus.REGISTERED
        and registration.history.filter(status=RegistrationStatus.WAITING).exists()
    )
    return _link_page(request, index_page, "cancel", promoted=promoted, **context)


# --- calendars -----------------------------------------------------------------------------------


def _for_calendar(events):
    for event in events:
        if event.is_example:
            event.title = _("Voorbeeld: %(title)s") % {"title": event.title}
        yield event


def _ics(content: bytes, filename: str):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=900)
    return response


def feed(request, index_page, think_tank_slug=None):
    events = (
        EventPage.objects.live()
        .public()
        .child_of(index_page)
        # Subscribers' calendars get real meetings only; an example has its own "zet in mijn
        # agenda" on its page, marked.
        .filter(is_example=False)
        .filter(end__gte=timezone.now() - datetime.timedelta(days=FEED_MONTHS_BACK * 31))
        .order_by("start", "pk")
    )
    name = _("Bijeenkomsten")
    filename = "agenda.ics"
    if think_tank_slug is not None:
        from samenaanpak.plan.models import ThinkTankPage

        think_tank = ThinkTankPage.objects.live().public().filter(slug=think_tank_slug).first()
        if think_tank is None:
            raise Http404
        events = events.filter(think_tank=think_tank)
        name = _("Bijeenkomsten van denktank %(name)s") % {"name": think_tank.title}
        filename = f"agenda-{think_tank.slug}.ics"
    return _ics(ical.calendar(_for_calendar(events), name), filename)


def single_ics(request, event):
    return _ics(
        ical.calendar(_for_calendar([event]), event.title, method="PUBLISH"),
        f"bijeenkomst-{event.slug}.ics",
    )

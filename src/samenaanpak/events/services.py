"""Everything that changes a registration or a meeting's state: the only callers of
record_status for registrations. Each step locks the meeting's row first, so steps on one meeting
happen one after the other: 40 sign-ups at once for 25 places give 25 registered and 15 waiting,
two cancellations at once promote two different people. (SQLite takes its write lock at the start
of each transaction, settings' transaction_mode IMMEDIATE, with the same effect.)

Mails are service messages (core.mail.queue_email in the same transaction): they go to the address
the person typed, whatever their notification settings, and only for a published meeting."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenaanpak.core import throttle
from samenaanpak.core.history import record_status
from samenaanpak.core.mail import one_line, queue_email

from . import ical, tokens
from .models import EventPage, Registration, email_key
from .status import RegistrationStatus

PURPOSE = "bijeenkomst"
PURPOSE_ORGANISER = "bijeenkomst-organisator"
PURPOSE_MAILING = "bijeenkomst-bericht"


class Refused(Exception):
    """A step that cannot be taken, with the Dutch message for the page."""

    def __init__(self, message, code="", registration=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.registration = registration


def lock(event) -> EventPage:
    """The meeting's row, locked until the end of the transaction (only the events table's row:
    an editor publishing the page at that moment is not held up)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def counts(event) -> dict:
    """Registered and waiting, in one query."""
    from django.db.models import Count, Q

    return Registration.objects.filter(event=event).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )


def cancel_url(registration) -> str:
    return settings.SITE_URL + tokens.cancel_path(registration)


def _mail(registration, template, subject, *, with_ics=False, extra=None):
    event = registration.event
    if not event.live or not registration.email:
        return  # nothing is mailed about an unpublished meeting
    context = {
        "registration": registration,
        "event": event,
        "event_url": ical.event_url(event),
        "cancel_url": cancel_url(registration),
        "site_url": settings.SITE_URL,
        **(extra or {}),
    }
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"events/email/{template}.txt", context)
        queue_email(
            to=registration.email,
            subject=one_line(subject),
            body=body,
            purpose=PURPOSE,
            attachments=[ical.attachment(event)] if with_ics else None,
        )


def register(event, *, name: str, email: str, user=None, now=None) -> Registration:
    """Sign up: a place, or the waiting list when the meeting is full. Raises Refused (nothing
    stored) when signing up is not possible or the address already has a registration."""
    with transaction.atomic():
        event = lock(event)
        # The time is read once the meeting is ours: the waiting list (ordered by created_at) is
        # then in the order the sign-ups were decided, not in the order they arrived at the lock.
        now = now or timezone.now()
        problem = event.registration_problem(now)
        if problem:
            raise Refused(problem, code="closed")
        key = email_key(email)
        existing = Registration.objects.active().filter(event=event, email_key=key).first()
        if existing is not None:
            # Whether the address has a place or waits is the owner's business: the page says
            # only that it is known, and the owner gets the mail (with the link) again.
            raise Refused(DUPLICATE_MESSAGE, code="duplicate", registration=existing)
        taken = counts(event)["registered"]
        full = event.capacity is not None and taken >= event.capacity
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    user=user,
                    name=name.strip(),
                    email=email.strip(),
                    email_key=key,
                    created_at=now,
                )
        except IntegrityError:  # only without the row lock (a database that ignores it)
            raise Refused(
                DUPLICATE_MESSAGE,
                code="duplicate",
            ) from None
        registration.event = event
        if full:
            record_status(registration, RegistrationStatus.WAITING, author=user)
            _mail(
                registration,
                "waiting",
                _("U staat op de wachtlijst: %(title)s") % {"title": event.title},
            )
        else:
            record_status(registration, RegistrationStatus.REGISTERED, author=user)
            _mail(
                registration,
                "registered",
                _("U bent aangemeld: %(title)s") % {"title": event.title},
                with_ics=True,
            )
            _alert_organiser(event, taken + 1, now)
        return registration


DUPLICATE_MESSAGE = gettext_lazy(
    "Dit e-mailadres is al aangemeld voor deze bijeenkomst. We hebben de bevestiging, met de "
    "link om af te melden, opnieuw naar dat adres gestuurd."
)
RESENDS = throttle.Limit("events-resend", 1, 24 * 3600)


def resend(registration) -> bool:
    """The confirmation (or waiting-list mail) again, for someone who signed up twice: at most
    once a day per registration, so a script cannot fill a stranger's mailbox."""
    if not RESENDS.hit(str(registration.pk)):
        return False
    with transaction.atomic():
        registration = Registration.objects.select_related("event").get(pk=registration.pk)
        if registration.status == RegistrationStatus.REGISTERED:
            _mail(
                registration,
                "registered",
                _("U bent aangemeld: %(title)s") % {"title": registration.event.title},
                with_ics=True,
            )
        elif registration.status == RegistrationStatus.WAITING:
            _mail(
                registration,
                "waiting",
                _("U staat op de wachtlijst: %(title)s") % {"title": registration.event.title},
            )
    return True


def cancel(registration, *, by=None, now=None) -> Registration | None:
    """Cancel a place or leave the waiting list. A freed place goes to the first person waiting,
    who is told by mail. Returns the promoted registration, if any. Raises Refused when the
    registration was already cancelled (a reused link)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING):
            raise Refused(
                _("Deze aanmelding is al afgemeld. U hoeft niets meer te doen."),
                code="already",
                registration=registration,
            )
        if event.has_started(now):
            raise Refused(
                _("Deze bijeenkomst is al begonnen of voorbij. Afmelden is niet meer nodig."),
                code="past",
                registration=registration,
            )
        had_place = registration.status == RegistrationStatus.REGISTERED
        record_status(registration, RegistrationStatus.CANCELLED, author=by)
        _mail(
            registration,
            "cancelled",
            (
                _("U bent afgemeld: %(title)s")
                if had_place
                else _("U staat niet meer op de wachtlijst: %(title)s")
            )
            % {"title": event.title},
            extra={"had_place": had_place},
        )
        if had_place:
            promoted = _promote(event, 1, now)
            return promoted[0] if promoted else None
        return None


def _promote(event, places: int, now) -> list[Registration]:
    """Give up to `places` freed places to the first people waiting (the meeting is locked)."""
    if places <= 0 or event.is_cancelled or event.has_started(now) or not event.live:
        return []
    promoted = []
    for registration in Registration.objects.waiting().filter(event=event)[:places]:
        registration.event = event
        record_status(
            registration,
            RegistrationStatus.REGISTERED,
            note=_("Van de wachtlijst, plek vrijgekomen"),
        )
        _mail(
            registration,
            "promoted",
            _("Er is een plek vrij: u bent aangemeld voor %(title)s") % {"title": event.title},
            with_ics=True,
        )
        promoted.append(registration)
    if promoted:
        _alert_organiser(event, counts(event)["registered"], now)
    return promoted


def fill_places(event, now=None) -> list[Registration]:
    """After the capacity was raised (or removed): people waiting move up while places are free."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock(event)
        free = (
            Registration.objects.waiting().filter(event=event).count()
            if event.capacity is None
            else event.capacity - counts(event)["registered"]
        )
        return _promote(event, free, now)


def organiser_addresses(event) -> list[str]:
    if event.organiser_email:
        return [event.organiser_email]
    if event.think_tank_id is None:
        return []
    from django.contrib.auth import get_user_model

    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__think_tank__pk=event.think_tank_id)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _alert_organiser(event, registered: int, now) -> None:
    """Once at 80 % and once at 100 % of the places (the meeting is locked, so once)."""
    if not event.capacity:
        return
    for share, field in ((100, "alerted_100_at"), (80, "alerted_80_at")):
        if registered * 100 >= event.capacity * share and getattr(event, field) is None:
            EventPage.objects.filter(pk=event.pk).update(**{field: now})
            setattr(event, field, now)
            if share == 100:
                event.alerted_80_at = event.alerted_80_at or now
                EventPage.objects.filter(pk=event.pk, alerted_80_at__isnull=True).update(
                    alerted_80_at=now
                )
            context = {
                "event": event,
                "share": share,
                "registered": registered,
                "event_url": ical.event_url(event),
                "waiting": counts(event)["waiting"],
            }
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string("events/email/organiser_alert.txt", context)
                for address in organiser_addresses(event):
                    queue_email(
                        to=address,
                        subject=_("%(title)s is voor %(share)s%% vol")
                        % {"title": event.title, "share": share},
                        body=body,
                        purpose=PURPOSE_ORGANISER,
                    )
            return


def cancel_event(event, *, reason: str, by=None, now=None) -> int:
    """Call the meeting off: everyone registered or waiting is told (with a CANCEL .ics) and the
    calendars show STATUS:CANCELLED with a higher SEQUENCE. Returns how many were told."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock(event)
        if event.is_cancelled:
            raise Refused(_("Deze bijeenkomst is al afgelast."), code="already")
        from django.db.models import F

        EventPage.objects.filter(pk=event.pk).update(
            cancelled_at=now, cancel_reason=reason, ical_sequence=F("ical_sequence") + 1
        )
        event.refresh_from_db(fields=["cancelled_at", "cancel_reason", "ical_sequence"])
        told = 0
        for registration in Registration.objects.active().filter(event=event):
            registration.event = event
            record_status(
                registration, RegistrationStatus.EVENT_CANCELLED, author=by, note=reason[:300]
            )
            if event.live and registration.email:
                _mail(
                    registration,
                    "event_cancelled",
                    _("Afgelast: %(title)s") % {"title": event.title},
                    with_ics=True,
                    extra={"reason": reason},
                )
                told += 1
        return told


def mail_registered(event, *, subject: str, body: str, by=None) -> int:
    """A message from the organiser to everyone registered (not to the waiting list), through the
    outbox. Returns how many mails were queued."""
    with transaction.atomic():
        # Whether it is published now, not when the caller read the page.
        event = EventPage.objects.get(pk=event.pk)
        if not event.live:
            return 0
        # A double click (or the same form twice at once) sends one mailing: the first reserves
        # this message for this meeting, in this transaction, for ten minutes.
        digest = hashlib.sha256(f"{subject}\x1f{body}".encode()).hexdigest()[:32]
        if not throttle.store().add(f"events-mailing:{event.pk}:{digest}", 1, timeout=600):
            raise Refused(
                _("Dit bericht is net al verstuurd aan alle aangemelden. Het gaat niet nog eens."),
                code="repeat",
            )
        queued = 0
        for registration in Registration.objects.registered().filter(event=event).exclude(email=""):
            registration.event = event
            with translation.override(settings.LANGUAGE_CODE):
                text = render_to_string(
                    "events/email/organiser_message.txt",
                    {
                        "registration": registration,
                        "event": event,
                        "message": body,
                        "event_url": ical.event_url(event),
                        "cancel_url": cancel_url(registration),
                    },
                )
            queue_email(to=registration.email, subject=subject, body=text, purpose=PURPOSE_MAILING)
            queued += 1
        return queued


def send_reminders(now=None) -> int:
    """Reminders that are due (run every minute by the scheduler): each registration once, even
    with two schedulers (the claim is an UPDATE that only one of them wins)."""
    now = now or timezone.now()
    due = (
        Registration.objects.registered()
        .filter(
            reminded_at__isnull=True,
            event__live=True,
            event__cancelled_at__isnull=True,
            event__reminder_at__lte=now,
            event__start__gt=now,
        )
        .exclude(email="")
        .select_related("event")
    )
    sent = 0
    meetings = {}  # one object per meeting: its meetings page is looked up once (tokens.py)
    for registration in due[:500]:
        registration.event = meetings.setdefault(registration.event_id, registration.event)
        # Signed up after the reminder time: the confirmation was reminder enough.
        if registration.created_at >= registration.event.reminder_at:
            Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
            continue
        with transaction.atomic():
            if not Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            _mail(
                registration,
                "reminder",
                _("Herinnering: %(title)s") % {"title": registration.event.title},
                with_ics=True,
            )
            sent += 1
    return sent

"""Bijeenkomsten: meetings with registration, a waiting list that moves by itself, calendars and
reminders.

- `EventIndexPage`: /bijeenkomsten/, upcoming and past meetings, the calendar feeds and the
  cancel-link page (routes in views.py).
- `EventPage`: one meeting. Editors fill in what it is; the fields below `ical_sequence` are the
  meeting's operational state (changed by services.py, never by a revision, see
  `with_content_json`).
- `Registration`: one person's sign-up (name and email; an account is optional), with its status
  history (`RegistrationEvent`). Only services.py changes a status: it locks the meeting's row, so
  two sign-ups for the last place, or two cancellations at once, are decided one after the other.
Personal data (name, email) is erased EVENTS_ERASE_AFTER_DAYS after the meeting (daily.py)."""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from samenaanpak.core.blocks import BodyBlock
from samenaanpak.core.history import HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .status import ACTIVE, WORKFLOW, Audience, RegistrationMode, RegistrationStatus

LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")


class EventIndexPage(RoutablePageMixin, BasePage):
    """/bijeenkomsten/: the meetings, the calendar feeds and the cancel-link page."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("overzicht bijeenkomsten")
        verbose_name_plural = _("overzichten bijeenkomsten")

    @path("", name="index")
    def index_route(self, request):
        from .views import index

        return index(request, self)

    # Wagtail hands a route its path with a slash at the end ("agenda.ics/"); the address itself
    # has none (the optional slash reverses to nothing). urls.py lets these addresses through.
    @re_path(r"^agenda\.ics/?$", name="feed")
    def feed_route(self, request):
        from .views import feed

        return feed(request, self)

    @re_path(r"^agenda/(?P<slug>[-\w]+)\.ics/?$", name="think_tank_feed")
    def think_tank_feed_route(self, request, slug):
        from .views import feed

        return feed(request, self, think_tank_slug=slug)

    @re_path(r"^afmelden/(?P<token>[-:\w]+)/$", name="cancel")
    def cancel_route(self, request, token):
        from .views import cancel

        return cancel(request, self, token)


class EventPage(RoutablePageMixin, BasePage):
    """One meeting. Times are stored in UTC and shown in Europe/Amsterdam."""

    start = models.DateTimeField(_("begint"))
    end = models.DateTimeField(_("eindigt"))
    place_name = models.CharField(_("plaats"), max_length=120, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    accessibility = models.TextField(
        _("toegankelijkheid van de plek"),
        blank=True,
        max_length=600,
        help_text=_("Bijvoorbeeld: rolstoeltoegankelijk, ringleiding, parkeren, trap."),
    )
    online_url = models.URLField(
        _("online meedoen (link)"),
        blank=True,
        help_text=_("Alleen als mensen ook online mee kunnen doen."),
    )
    think_tank = models.ForeignKey(
        "plan.ThinkTankPage",
        verbose_name=_("organiserende denktank"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    audience = models.CharField(
        _("voor wie"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("beschrijving"), use_json_field=True)
    registration = models.CharField(
        _("aanmelden"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.OPEN,
    )
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"),
        null=True,
        blank=True,
        help_text=_(
            "Leeg: geen maximum. Is het vol, dan komen nieuwe aanmeldingen op de wachtlijst."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("aanmelden kan tot"),
        null=True,
        blank=True,
        help_text=_("Leeg: tot de bijeenkomst begint."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("herinnering (dagen vooraf)"),
        default=2,
        validators=[MaxValueValidator(30)],
        help_text=_("0: geen herinnering. De herinnering gaat op dezelfde kloktijd uit."),
    )
    reminder_note = models.CharField(
        _("regel van de organisator in de herinnering"), max_length=300, blank=True
    )
    organiser_email = models.EmailField(
        _("e-mailadres van de organisator"),
        blank=True,
        help_text=_(
            "Krijgt bericht als de bijeenkomst voor 80% en voor 100% vol is. Leeg: de leden van "
            "de groep van de denktank."
        ),
    )
    report = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("verslag"),
        help_text=_("Na de bijeenkomst: wat er besproken is en wat eruit kwam."),
        use_json_field=True,
    )
    is_example = models.BooleanField(
        _("voorbeeld"),
        default=False,
        help_text=_(
            "Een verzonnen bijeenkomst om de site te laten zien; staat erbij op de pagina."
        ),
    )
    # When the reminder goes out: `reminder_days` before the start at the same local clock time
    # (across a change to or from summer time too). Derived in save(); None: no reminder.
    reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    # --- operational state: services.py only; kept when a revision is published -----------------
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("afgelast op"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reden van afgelasten"), blank=True, editable=False)
    alerted_80_at = models.DateTimeField(null=True, blank=True, editable=False)
    alerted_100_at = models.DateTimeField(null=True, blank=True, editable=False)
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    STATE_FIELDS = (
        "ical_sequence",
        "cancelled_at",
        "cancel_reason",
        "alerted_80_at",
        "alerted_100_at",
        "announced_at",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")])], heading=_("Wanneer")
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldPanel("accessibility"),
                FieldPanel("online_url"),
            ],
            heading=_("Waar"),
        ),
        FieldPanel("think_tank"),
        FieldPanel("audience"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("registration"),
                FieldPanel("capacity"),
                FieldPanel("registration_deadline"),
                FieldPanel("reminder_days"),
                FieldPanel("reminder_note"),
                FieldPanel("organiser_email"),
            ],
            heading=_("Aanmelden"),
        ),
        FieldPanel("report"),
    ]
    settings_panels = BasePage.settings_panels + [FieldPanel("is_example")]
    search_fields = BasePage.search_fields + [
        index.SearchField("body"),
        index.SearchField("report"),
        index.SearchField("place_name"),
        index.FilterField("start"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["reminder_at"])]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Het einde moet na het begin liggen.")})
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            raise ValidationError(
                {"registration_deadline": _("Aanmelden kan niet langer dan tot het begin.")}
            )
        if not (self.place_name or self.address or self.online_url):
            raise ValidationError(
                {"place_name": _("Vul een plaats of adres in, of een link om online mee te doen.")}
            )

    def save(self, *args, **kwargs):
        self.reminder_at = self.compute_reminder_at()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "start" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reminder_at"}
        if self.pk is None or self._state.adding or update_fields is not None:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            # A whole-row save (a publication) writes every column: the operational state comes
            # from the locked live row, so a cancellation or alert that services.py committed
            # after this object was read is not written back to its old value.
            live = (
                EventPage.objects.select_for_update(of=("self",))
                .filter(pk=self.pk)
                .values(*self.STATE_FIELDS)
                .first()
            )
            for name, value in (live or {}).items():
                setattr(self, name, value)
            super().save(*args, **kwargs)

    def compute_reminder_at(self):
        if not self.start or not self.reminder_days:
            return None
        local = self.start.astimezone(LOCAL)
        # Wall-clock arithmetic: 19:30 on Monday is 19:30 on Saturday, whatever the offset.
        wall = local.replace(tzinfo=None) - datetime.timedelta(days=self.reminder_days)
        return wall.replace(tzinfo=LOCAL).astimezone(datetime.UTC)

    def with_content_json(self, content):
        """Publishing an older draft must not bring back a cancelled meeting's old state or an
        older SEQUENCE: the operational state always comes from the live row."""
        obj = super().with_content_json(content)
        for name in self.STATE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    # --- what the pages ask ----------------------------------------------------------------------
    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_past(self, now=None) -> bool:
        return self.end <= (now or timezone.now())

    def has_started(self, now=None) -> bool:
        return self.start <= (now or timezone.now())

    @property
    def deadline(self):
        return self.registration_deadline or self.start

    def registration_problem(self, now=None):
        """None when people can sign up now; otherwise the Dutch reason why not."""
        now = now or timezone.now()
        if not self.live:
            return _("Deze bijeenkomst is (nog) niet gepubliceerd. Aanmelden kan niet.")
        if self.is_cancelled:
            return _("Deze bijeenkomst is afgelast. Aanmelden kan niet meer.")
        if self.has_started(now):
            return _("Deze bijeenkomst is al begonnen of voorbij. Aanmelden kan niet meer.")
        if self.registration == RegistrationMode.NONE:
            return _("Voor deze bijeenkomst hoeft u zich niet aan te melden. U bent welkom.")
        if self.registration == RegistrationMode.CLOSED:
            return _("Aanmelden voor deze bijeenkomst is gesloten.")
        if self.deadline <= now:
            return _("Aanmelden kon tot %(deadline)s. Dat is voorbij.") % {
                "deadline": dateformat.format(
                    timezone.localtime(self.deadline, LOCAL), "j F Y, H.i \\u\\u\\r"
                )
            }
        return None

    # --- routes (views.py) -----------------------------------------------------------------------
    @path("", name="detail")
    def detail_route(self, request):
        from .views import detail

        return detail(request, self)

    @path("aanmelden/", name="register")
    def register_route(self, request):
        from .views import register

        return register(request, self)

    @re_path(r"^agenda\.ics/?$", name="ics")  # see EventIndexPage.feed_route
    def ics_route(self, request):
        from .views import single_ics

        return single_ics(request, self)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def registered(self):
        return self.filter(status=RegistrationStatus.REGISTERED)

    def waiting(self):
        # The waiting list: first come, first served.
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")


def email_key(email: str) -> str:
    """One registration per address per meeting: compared without case or surrounding space."""
    return (email or "").strip().lower()


class Registration(HasStatusHistory):
    event = models.ForeignKey(
        EventPage,
        verbose_name=_("bijeenkomst"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("naam"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, blank=True, db_index=True
    )
    state = state_field("events.RegistrationEvent")
    workflow = WORKFLOW
    # Part of every link in the mails (tokens.py); drawn anew when the data is erased.
    secret = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("gegevens gewist op"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["created_at", "pk"]
        permissions = [
            ("manage_all_registrations", _("Mag de aanmeldingen van alle bijeenkomsten beheren")),
        ]
        constraints = [
            # The last line of defence behind the meeting's row lock (services.register).
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=Q(status__in=ACTIVE) & Q(erased_at__isnull=True),
                name="events_one_active_registration_per_address",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.name or _('gewist')} ({self.get_status_display()})"


class RegistrationEvent(StatusEvent):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("statuswijziging van een aanmelding")
        verbose_name_plural = _("statusgeschiedenis van aanmeldingen")

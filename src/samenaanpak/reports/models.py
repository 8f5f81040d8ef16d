"""Anonymous reports (the meldpunt). Everything a reporter wrote is stored sealed to the report's
own key (see crypto.py and docs/meldpunt.md, "What is stored"); in clear text the
database holds only what the queue and the public figures need: category, status, dates (never a
time of a reporter's action) and flags.

Owner: the handling team (a Team, whose members are the users in its group). Retention: a report
is deleted REPORT_RETENTION_DAYS after it was closed (reports.daily)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from samenaanpak.core.history import HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .logging import REPORTER_PATH_PREFIX
from .status import OPEN, WORKFLOW, ForwardedTo, Status


def today():
    return timezone.localdate()


class Team(models.Model):
    """The people who handle reports. Members are the users in `group`; each member who can read
    holds the team's private key sealed to their own key (TeamKeyGrant)."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="report_team", verbose_name=_("groep")
    )
    public_key = models.BinaryField(_("publieke sleutel"), editable=False)

    class Meta:
        verbose_name = _("meldpuntteam")
        verbose_name_plural = _("meldpuntteams")

    def __str__(self):
        return self.name

    def has_member(self, user) -> bool:
        return user.is_authenticated and user.groups.filter(pk=self.group_id).exists()


class Category(models.Model):
    """An editable report category with the number of days within which it must be picked up."""

    name = models.CharField(_("naam"), max_length=100)
    # Only new reports follow a change of team: a report keeps its own team (Report.team) and
    # stays sealed to that team's key.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("behandelend team"),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("termijn in dagen"),
        default=5,
        help_text=_("Binnen zoveel dagen moet een nieuwe melding zijn doorgezet of afgehandeld."),
    )
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    active = models.BooleanField(_("kiesbaar op het formulier"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("meldingscategorie")
        verbose_name_plural = _("meldingscategorieën")
        # Not ending in "_category": the team groups get every "*_category" permission (core.roles).
        permissions = [("manage_all_teams", _("Kan de categorieën van alle meldpuntteams beheren"))]

    def __str__(self):
        return self.name


class RecoveryKey(models.Model):
    """The public half of the organisation's offline recovery key (manage.py meldpunt_herstelsleutel).
    The newest one is used for new reports; its private half is never stored."""

    public_key = models.BinaryField(editable=False)
    fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "created_at"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-created_at", "-pk").first()


class MemberKey(models.Model):
    """A handler's own key pair; the private half is wrapped by a key derived from their password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_key"
    )
    public_key = models.BinaryField(editable=False)
    salt = models.BinaryField(editable=False)
    wrapped_private_key = models.BinaryField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)


class TeamKeyGrant(models.Model):
    """The team's private key sealed to one member's public key: that member can read the team's reports."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_grants"
    )
    sealed_team_key = models.BinaryField(editable=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_grant_per_member")
        ]


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Per-report authorization: only the reports of teams the user is a member of."""
        from .permissions import TEAMS

        return self.filter(team__in=TEAMS.units(user))

    def overdue(self, on=None):
        return self.filter(status__in=OPEN, due_on__lt=on or today())

    def expired(self, on=None):
        return self.filter(delete_after__lt=on or today())


class Report(HasStatusHistory):
    number = models.CharField(_("nummer"), max_length=20, unique=True, editable=False)
    receipt_digest = models.CharField(max_length=64, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("categorie")
    )
    submitted_on = models.DateField(_("ontvangen op"), default=today)  # a date, never a time
    due_on = models.DateField(_("uiterlijk"))
    # The current status and the newest history row.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    state = state_field("reports.ReportEvent")
    new_from_reporter = models.BooleanField(_("nieuwe informatie van de melder"), default=False)
    delete_after = models.DateField(_("verwijderen na"), null=True, blank=True)
    # The report's key: public half in clear, private half sealed three times.
    public_key = models.BinaryField(editable=False)
    receipt_salt = models.BinaryField(editable=False)
    private_for_receipt = models.BinaryField(editable=False)
    private_for_team = models.BinaryField(editable=False)
    private_for_recovery = models.BinaryField(editable=False, blank=True, default=b"")
    # Sealed JSON: description, where, place, when, contact details.
    sealed_content = models.BinaryField(editable=False)
    sealed_summary = models.BinaryField(editable=False, blank=True, default=b"")

    objects = ReportQuerySet.as_manager()
    workflow = WORKFLOW

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")

    def __str__(self):
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN and self.due_on < today()

    def set_retention(self, on=None):
        """Closed: delete after the retention period; open: keep."""
        on = on or today()
        self.delete_after = (
            on + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS)
            if self.status == Status.CLOSED
            else None
        )

    def status_recorded(self, event):
        """The retention date follows the status."""
        self.set_retention()
        return ["delete_after"]


class ReportEvent(StatusEvent):
    """Append-only status history, written by core.history.record_status."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    forwarded_to = models.CharField(
        _("doorgezet naar"), max_length=20, choices=ForwardedTo.choices, blank=True
    )
    note = None  # no free text in clear: what handlers write is sealed (Message)
    # Handlers' actions keep their time; the reporter's first row gets the date only (midnight).

    class Meta(StatusEvent.Meta):
        ordering = ["created_at", "pk"]

    def save(self, *args, **kwargs):
        if self.status != Status.FORWARDED:
            self.forwarded_to = ""
        super().save(*args, **kwargs)


class Message(models.Model):
    class Kind(models.TextChoices):
        FROM_REPORTER = "melder", _("Van de melder")
        TO_REPORTER = "behandelaar", _("Aan de melder")
        NOTE = "notitie", _("Interne notitie")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=today)  # order by pk; no time for anyone's message
    sealed_body = models.BinaryField(editable=False)

    class Meta:
        ordering = ["pk"]


class Attachment(models.Model):
    """A photo, re-encoded without metadata, sealed together with its file name. Stored in the
    database, not the media folder: nothing of a report is ever a readable file on disk."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    sealed_data = models.BinaryField(editable=False)

    class Meta:
        ordering = ["pk"]


class AuditEntry(models.Model):
    """Who opened or changed which report, never what it says. Kept after the report is deleted,
    for REPORT_AUDIT_RETENTION_DAYS (reports.daily)."""

    class Action(models.TextChoices):
        OPENED = "geopend", _("geopend")
        PHOTO = "foto", _("foto bekeken")
        STATUS = "status", _("status gewijzigd")
        MESSAGE = "bericht", _("bericht aan melder")
        NOTE = "notitie", _("notitie toegevoegd")
        SUMMARY = "samenvatting", _("samenvatting geschreven")
        GRANT = "toegang", _("toegang gegeven")
        REVOKED = "ingetrokken", _("toegang ingetrokken")
        ROTATED = "sleutel", _("teamsleutel vernieuwd")
        CATEGORY = "categorie", _("categorie naar ander team")
        DELETED = "verwijderd", _("verwijderd (bewaartermijn)")

    # Whose log this is: a member sees only their own teams' entries. Empty for old entries whose
    # report was already deleted when the column was added (only a beheerder sees those).
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    report_number = models.CharField(_("melding"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("door"), max_length=150, blank=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)  # never content
    created_at = models.DateTimeField(_("op"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @classmethod
    def record(cls, action, *, user=None, report=None, team=None, detail=""):
        """`team` defaults to the report's; without a user the entry is by "systeem"."""
        return cls.objects.create(
            action=action,
            user=user,
            username=getattr(user, "username", "") or ("" if user else "systeem"),
            team_id=team.pk if team is not None else getattr(report, "team_id", None),
            report_number=getattr(report, "number", "") or "",
            detail=detail,
        )


class QuarterCount(models.Model):
    """Reports received per category per quarter, for /melden/cijfers/. Counted at submission, so
    the figures outlive the deleted reports."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="quarter_counts")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year", "quarter"], name="one_count_per_quarter"
            )
        ]


class ReportPage(RoutablePageMixin, BasePage):
    """/melden/: the report form, the receipt, the reporter's own report and the public figures."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = []
    max_count = 1

    def clean(self):
        super().clean()
        # The reporter's privacy (ReporterPrivacyMiddleware, the log filters, gunicorn's access log,
        # the nginx location) recognises the meldpunt by its address: it cannot move.
        if self.slug != REPORTER_PATH_PREFIX.strip("/"):
            raise ValidationError(
                {
                    "slug": _(
                        "Het meldpunt blijft op %(path)s: de bescherming van melders (geen "
                        "adressen, geen logregels) hangt aan dat adres."
                    )
                    % {"path": REPORTER_PATH_PREFIX}
                }
            )

    class Meta:
        verbose_name = _("meldpuntpagina")
        verbose_name_plural = _("meldpuntpagina’s")

    @path("")
    def form(self, request):
        from .views import report_form

        return report_form(request, self)

    def render_expired_form(self, request):
        from .views import expired_form

        return expired_form(request, self)

    def lookup_path(self) -> str:
        """The reporter's own report (/melden/mijn-melding/): its session cookie is limited to it."""
        return self.get_url_parts()[2] + self.reverse_subpage("lookup")

    @path("mijn-melding/", name="lookup")
    def lookup(self, request):
        from .views import lookup

        return lookup(request, self)

    @path("mijn-melding/afsluiten/", name="leave")
    def leave(self, request):
        from .views import leave

        return leave(request, self)

    @path("cijfers/", name="figures")
    def figures(self, request):
        from .views import figures

        return figures(request, self)

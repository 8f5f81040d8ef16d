import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page
from wagtail.search import index

from samenaanpak.core.editorial import ToConfirm
from samenaanpak.core.history import HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .status import WORKFLOW, Status


class Topic(models.TextChoices):
    POLICY = "beleid", _("Het drugsbeleid in het algemeen")
    HELP = "hulp", _("Hulp en zorg")
    PREVENTION = "preventie", _("Preventie en voorlichting")
    NUISANCE = "overlast", _("Overlast en handhaving")
    PARTICIPATION = "meedoen", _("Meedoen met de aanpak")
    OTHER = "anders", _("Iets anders")


def new_reference() -> str:
    """A short number to refer to, e.g. V-7K3Q9M; not guessable, no personal data."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "V-" + "".join(secrets.choice(alphabet) for _ in range(6))


class QuestionQuerySet(models.QuerySet):
    def personal_data_expired(self, now=None):
        """Closed longer than QUESTION_RETENTION_DAYS ago and still holding a name or email."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.QUESTION_RETENTION_DAYS)
        return self.filter(status=Status.CLOSED, state__created_at__lt=cutoff).exclude(
            name="", email=""
        )


class Question(HasStatusHistory):
    """A question to the policy officer. Owner: the policy officer (group Vragen). Name and email
    are erased QUESTION_RETENTION_DAYS after the question was closed."""

    reference = models.CharField(
        _("kenmerk"), max_length=12, unique=True, default=new_reference, editable=False
    )
    text = models.TextField(_("vraag"), max_length=5000)
    topic = models.CharField(
        _("onderwerp"), max_length=20, choices=Topic.choices, default=Topic.POLICY
    )
    name = models.CharField(_("naam"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    consent = models.BooleanField(_("toestemming"), default=False)
    answer = models.TextField(_("antwoord"), blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("naam en e-mail gewist op"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    # The current status and the newest history row.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )
    state = state_field("questions.QuestionEvent")

    objects = QuestionQuerySet.as_manager()
    workflow = WORKFLOW

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference

    @property
    def erase_personal_data_on(self):
        """When name and email will be erased (None while the question is open)."""
        event = self.state
        if event is None or event.status != Status.CLOSED or (not self.name and not self.email):
            return None
        # The date in Amsterdam, not in UTC: around midnight the two differ by a day.
        return timezone.localdate(
            event.created_at + datetime.timedelta(days=settings.QUESTION_RETENTION_DAYS)
        )


class QuestionEvent(StatusEvent):
    """Append-only status history, written by core.history.record_status."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)

    class Meta(StatusEvent.Meta):
        pass


class FaqEntry(ToConfirm, index.Indexed, Orderable):
    """A question and answer on /vragen/veelgestelde-vragen/, anonymised and checked by an editor."""

    question = models.CharField(_("vraag"), max_length=300)
    answer = models.TextField(_("antwoord"))
    published = models.BooleanField(
        _("gepubliceerd"),
        default=False,
        help_text=_("Pas publiceren na controle: geen namen of herkenbare details."),
    )
    source = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq_entries",
        verbose_name=_("gemaakt van vraag"),
    )

    panels = [
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("published"),
        FieldPanel("to_confirm"),
    ]
    search_fields = [index.SearchField("question"), index.SearchField("answer")]

    class Meta(Orderable.Meta):
        verbose_name = _("veelgestelde vraag")
        verbose_name_plural = _("veelgestelde vragen")

    def __str__(self):
        return self.question


class QuestionsPage(RoutablePageMixin, BasePage):
    """/vragen/: the question form, its confirmation and the public FAQ."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("vragenpagina")
        verbose_name_plural = _("vragenpagina’s")

    @path("")
    def form(self, request):
        from .views import question_form  # views import these models

        return question_form(request, self)

    def render_expired_form(self, request):
        """Called by the CSRF failure view: show the form again with what was typed."""
        from .views import expired_form

        return expired_form(request, self)

    @path("verstuurd/", name="sent")
    def sent(self, request):
        from .views import question_sent

        return question_sent(request, self)

    @path("veelgestelde-vragen/", name="faq")
    def faq(self, request):
        entries = FaqEntry.objects.filter(published=True)
        return self.render(
            request, template="questions/faq.html", context_overrides={"entries": entries}
        )

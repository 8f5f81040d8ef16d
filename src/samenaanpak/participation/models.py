"""Denk mee: residents' ideas to a think tank, supports, comments, and the official answers.

- `Idea`: title, text, optionally the aim (Goal) it serves; a status history (IdeaEvent) that
  holds both the moderation step (a new account's first idea waits) and the think tank's
  official answer with its public text; an answer "overgenomen" links the idea to actions.
- `Support`: one per account, can be withdrawn; `Idea.support_count` follows it in the same
  transaction so that sorting by support stays one indexed query.
- `Comment`: one level of replies (`parent` is a top-level comment); a status history
  (CommentEvent) for hiding after reports and for moderators' decisions.
- `CommentReport`: one per account per comment; `counts` says whether it came from an
  established account (or a moderator), which is what hides a comment.
Deleted accounts: every author key is SET_NULL and shown as "verwijderd account".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from samenaanpak.core.blocks import RICH_TEXT_FEATURES
from samenaanpak.core.history import HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .status import (
    COMMENT_WORKFLOW,
    IDEA_WORKFLOW,
    CommentStatus,
    IdeaStatus,
    ReportReason,
)

TITLE_MAX = 120
TEXT_MAX = 5000
COMMENT_MAX = 2000


class IdeasPage(RoutablePageMixin, BasePage):
    """/denk-mee/: the list of ideas, the form for a new one and one page per idea (routes)."""

    how_it_works = RichTextField(_("zo werkt het"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("how_it_works")]
    max_count = 1
    subpage_types = ["core.ContentPage"]

    class Meta:
        verbose_name = _("denk-mee-pagina")
        verbose_name_plural = _("denk-mee-pagina's")

    # The routes; the views live in views.py (they import these models).
    @path("", name="ideas")
    def ideas(self, request):
        from .views import idea_list

        return idea_list(request, self)

    @path("<int:pk>/", name="idea")
    def idea(self, request, pk):
        from .views import idea_detail

        return idea_detail(request, self, pk)

    @path("nieuw/", name="new_idea")
    def new_idea(self, request):
        from .views import new_idea

        return new_idea(request, self)

    @path("<int:pk>/steun/", name="support")
    def support(self, request, pk):
        from .views import support_view

        return support_view(request, self, pk)

    @path("<int:pk>/reageren/", name="comment")
    def comment(self, request, pk):
        from .views import comment_view

        return comment_view(request, self, pk)

    @path("reactie/<int:pk>/melden/", name="report")
    def report(self, request, pk):
        from .views import report_view

        return report_view(request, self, pk)


class Idea(HasStatusHistory):
    think_tank = models.ForeignKey(
        "plan.ThinkTankPage",
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("denktank"),
    )
    goal = models.ForeignKey(
        "plan.Goal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("doel"),
    )
    title = models.CharField(_("titel"), max_length=TITLE_MAX)
    text = models.TextField(_("uw idee"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("ingediend door"),
    )
    actions = models.ManyToManyField(
        "plan.Action", blank=True, related_name="ideas", verbose_name=_("acties")
    )
    topic = models.OneToOneField(
        "notifications.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_example = models.BooleanField(
        _("voorbeeld"), default=False, help_text=_("Voorbeeldinhoud, geen echt idee.")
    )
    support_count = models.PositiveIntegerField(_("steunbetuigingen"), default=0)
    comment_count = models.PositiveIntegerField(_("reacties"), default=0)
    created_at = models.DateTimeField(_("ingediend op"), auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(_("geplaatst op"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True, db_index=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IdeaStatus.choices,
        default=IdeaStatus.WAITING,
        db_index=True,
    )
    state = state_field("participation.IdeaEvent")
    workflow = IDEA_WORKFLOW

    class Meta:
        verbose_name = _("idee")
        verbose_name_plural = _("ideeën")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("moderate_idea", _("Mag ideeën en reacties modereren")),
            ("answer_all_ideas", _("Mag ideeën van alle denktanks beantwoorden")),
        ]
        indexes = [models.Index(fields=["status", "-support_count"])]

    def __str__(self):
        return self.title

    def status_recorded(self, event):
        from django.utils import timezone

        from .status import ANSWER_STATUSES, PUBLIC_IDEA_STATUSES

        changed = []
        if event.status in PUBLIC_IDEA_STATUSES and self.published_at is None:
            self.published_at = event.created_at or timezone.now()
            changed.append("published_at")
        if event.status in ANSWER_STATUSES:
            self.answered_at = event.created_at
            changed.append("answered_at")
        return changed


class IdeaEvent(StatusEvent):
    """A step of an idea: moderation (wacht → ontvangen / niet geplaatst) or the think tank's
    answer; `note` is the public text of the answer or the reason."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=IdeaStatus.choices)
    note = models.TextField(_("toelichting (openbaar)"), blank=True, max_length=4000)

    class Meta(StatusEvent.Meta):
        verbose_name = _("status van een idee")
        verbose_name_plural = _("statusgeschiedenis van ideeën")


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supports",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("steunbetuiging")
        verbose_name_plural = _("steunbetuigingen")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "user"],
                condition=Q(user__isnull=False),
                name="participation_support_once",
            )
        ]


class Comment(HasStatusHistory):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reactie op"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea_comments",
    )
    text = models.TextField(_("reactie"))
    created_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True, db_index=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommentStatus.choices,
        default=CommentStatus.VISIBLE,
        db_index=True,
    )
    state = state_field("participation.CommentEvent")
    workflow = COMMENT_WORKFLOW

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class CommentEvent(StatusEvent):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=CommentStatus.choices)
    # The standard reason told to the author when the comment is hidden or removed.
    reason = models.CharField(_("reden"), max_length=20, choices=ReportReason.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("status van een reactie")
        verbose_name_plural = _("statusgeschiedenis van reacties")


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comment_reports",
    )
    reason = models.CharField(_("reden"), max_length=20, choices=ReportReason.choices)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    # From an established account or a moderator: only these hide a comment.
    counts = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("melding van een reactie")
        verbose_name_plural = _("meldingen van reacties")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="participation_report_once",
            )
        ]

from importlib import import_module

from django.apps import apps
from django.contrib.admin import display as admin_display
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Avg, Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from samenaanpak.core.blocks import RICH_TEXT_FEATURES, BodyBlock
from samenaanpak.core.editorial import ToConfirm
from samenaanpak.core.history import HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .status import WORKFLOW, Status

# ---------------------------------------------------------------------------------------------
# Pages


def follow_topic(page, request, title=None):
    """The page's topic for the follow button, made on the first visit (a preview makes none).
    Later visits load no row: the button needs only the id and a name (the query budget)."""
    from samenaanpak.notifications.api import ensure_topic
    from samenaanpak.notifications.models import Topic

    if page.topic_id is None:
        if page.pk is None or getattr(request, "is_preview", False):
            return None
        ensure_topic(page, title or page.title, page.url or "")
    return Topic(pk=page.topic_id, title=title or page.title, path=page.url or "")


class KnownCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property


class PlanPage(BasePage):
    """/plan-van-aanpak/: vision, history, aims, think tanks and the progress overview."""

    vision = models.CharField(_("visie in één zin"), max_length=200, blank=True)
    # What followers of this page are told about (notifications; made on first use).
    topic = models.OneToOneField(
        "notifications.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(
        BodyBlock(), blank=True, verbose_name=_("hoe het plan tot stand kwam"), use_json_field=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("vision"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("vision"),
        index.SearchField("body"),
    ]
    max_count = 1

    class Meta:
        verbose_name = _("plan van aanpak")
        verbose_name_plural = _("plannen van aanpak")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        think_tanks = list(ThinkTankPage.objects.live().public().order_by("path"))
        context["think_tanks"] = think_tanks
        context["goals"] = Goal.objects.select_related("think_tank").order_by(
            "think_tank__path", "sort_order", "pk"
        )
        context["overview"] = progress_overview(think_tanks)
        context["follow_topic"] = follow_topic(self, request)
        return context


class ThinkTankIndexPage(BasePage):
    """/denktanks/: the four think tanks."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["plan.ThinkTankPage"]
    max_count = 1

    class Meta:
        verbose_name = _("overzicht denktanks")
        verbose_name_plural = _("overzichten denktanks")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        think_tanks = list(ThinkTankPage.objects.child_of(self).live().public().order_by("path"))
        context["think_tanks"] = think_tanks
        context["overview"] = progress_overview(think_tanks)
        return context


class ThinkTankPage(BasePage):
    """One think tank (denktank): its focus, goals, actions and updates."""

    focus = RichTextField(_("waar de denktank aan werkt"), features=RICH_TEXT_FEATURES, blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("groep in het beheer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="think_tank",
        help_text=_(
            "Leden van deze groep mogen deze denktank, haar acties en haar nieuws bewerken."
        ),
    )
    # What followers of this page are told about (notifications; made on first use).
    topic = models.OneToOneField(
        "notifications.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("focus")]
    settings_panels = BasePage.settings_panels + [
        FieldPanel("group", permission="auth.change_group")
    ]
    search_fields = BasePage.search_fields + [index.SearchField("focus")]
    parent_page_types = ["plan.ThinkTankIndexPage"]
    subpage_types = ["plan.UpdatePage"]

    class Meta:
        verbose_name = _("denktank")
        verbose_name_plural = _("denktanks")

    actions_per_page = 20

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["goals"] = self.goals.order_by("sort_order", "pk")
        context["follow_topic"] = follow_topic(
            self, request, _("Denktank %(name)s") % {"name": self.title}
        )
        context["overview"] = overview = progress_overview([self])[0]
        actions = (
            Action.objects.filter(goal__think_tank=self, is_example=False)
            .select_related("goal", "state")
            .order_by("goal__sort_order", "start_date", "pk")
        )
        # The overview already counted the actions: the paginator needs no COUNT query of its own.
        paginator = KnownCountPaginator(actions, self.actions_per_page, count=overview["total"])
        context["actions"] = page = paginator.get_page(request.GET.get("pagina"))
        page.object_list = list(page.object_list)
        attach_origin_ideas(page.object_list)
        context["updates"] = (
            UpdatePage.objects.child_of(self)
            .live()
            .filter(is_example=False)
            .order_by("-date", "-pk")[:5]
        )
        return context


def attach_origin_ideas(actions) -> None:
    """Denk mee (the participation app, found by name): the published ideas each action came
    from, as `action.origin_ideas` [(title, path)]; from one cached mapping, no query per action."""
    origins = {}
    if actions and apps.is_installed("samenaanpak.participation"):
        origins = import_module("samenaanpak.participation.origins").for_actions(
            [action.pk for action in actions]
        )
    for action in actions:
        action.origin_ideas = origins.get(action.pk, [])


class NewsIndexPage(RoutablePageMixin, BasePage):
    """/nieuws/: all updates, newest first, with RSS and Atom feeds."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["plan.UpdatePage"]
    max_count = 1
    per_page = 10

    class Meta:
        verbose_name = _("nieuwsoverzicht")
        verbose_name_plural = _("nieuwsoverzichten")

    @path("")
    def index(self, request):
        paginator = Paginator(
            UpdatePage.objects.live().public().filter(is_example=False).order_by("-date", "-pk"),
            self.per_page,
        )
        try:
            updates = paginator.page(request.GET.get("pagina", 1))
        except (EmptyPage, PageNotAnInteger):
            updates = paginator.page(1)
        return self.render(request, context_overrides={"updates": updates})

    @path("rss/", name="rss")
    def rss(self, request):
        from .feeds import UpdatesFeed

        return UpdatesFeed(self)(request)

    @path("atom/", name="atom")
    def atom(self, request):
        from .feeds import AtomUpdatesFeed

        return AtomUpdatesFeed(self)(request)


class UpdatePage(BasePage):
    """A news update, published under a think tank or under /nieuws/."""

    date = models.DateField(_("datum"), default=timezone.localdate)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("inhoud"), use_json_field=True)
    is_example = models.BooleanField(
        _("voorbeeld"),
        default=False,
        help_text=_(
            "Voorbeeldinhoud: bezoekers zien dit bericht niet zolang het vinkje aan staat. Vervang "
            "het door echt nieuws of verwijder het."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    settings_panels = BasePage.settings_panels + [FieldPanel("is_example")]
    search_fields = BasePage.search_fields + [index.SearchField("body"), index.FilterField("date")]
    parent_page_types = ["plan.ThinkTankPage", "plan.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("nieuwsbericht")
        verbose_name_plural = _("nieuwsberichten")

    def serve(self, request, *args, **kwargs):
        # An example is never shown to residents, even when published by mistake; editors still
        # see it in the preview.
        if self.is_example and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return [] if self.is_example else super().get_sitemap_urls(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        parent = self.get_parent().specific
        context["think_tank"] = parent if isinstance(parent, ThinkTankPage) else None
        return context


# ---------------------------------------------------------------------------------------------
# Goals and actions (edited in the back office, shown on the plan and think-tank pages)


class Goal(ToConfirm, Orderable):
    """One of the plan's aims, owned by one think tank."""

    think_tank = models.ForeignKey(
        ThinkTankPage, verbose_name=_("denktank"), on_delete=models.PROTECT, related_name="goals"
    )
    title = models.CharField(_("doel"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)

    panels = [
        FieldPanel("think_tank"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("to_confirm"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")

    def __str__(self):
        return self.title


class Action(HasStatusHistory):
    goal = models.ForeignKey(
        Goal, verbose_name=_("doel"), on_delete=models.PROTECT, related_name="actions"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    is_example = models.BooleanField(
        _("voorbeeld"),
        default=False,
        help_text=_(
            "Voorbeeldinhoud: bezoekers zien deze actie niet en ze telt in geen enkel cijfer mee "
            "zolang het vinkje aan staat."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The current status ("" before the first history row) and the newest history row.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, blank=True, default="", editable=False
    )
    state = state_field("plan.ActionEvent")

    workflow = WORKFLOW

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["goal__sort_order", "start_date", "pk"]
        permissions = [("change_all_think_tanks", _("Mag acties van alle denktanks bewerken"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="action_end_after_start",
                violation_error_message=_("De einddatum ligt na de startdatum."),
            )
        ]

    def __str__(self):
        return self.title

    @admin_display(description=_("Voortgang"))
    def progress_label(self):
        return f"{self.state.progress}%" if self.state else ""


class ActionEvent(StatusEvent):
    """Append-only history of an action's status and progress, written by
    core.history.record_status (which checks plan.status.WORKFLOW)."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="events", verbose_name=_("actie")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"))
    milestone_date = models.DateField(_("mijlpaal op"), null=True, blank=True)

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["action", "-created_at"], name="actionevent_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="actionevent_progress_max_100"
            ),
        ]

    def __str__(self):
        return f"{self.action}: {self.get_status_display()} ({self.progress}%)"


# ---------------------------------------------------------------------------------------------
# The progress overview


def progress_overview(think_tanks):
    """Per think tank: number of actions per status and the overall progress (the mean of the
    actions that were not stopped). One query, whatever the number of actions."""
    by_id = {
        tt.pk: {
            "think_tank": tt,
            "counts": {s: 0 for s in Status.values},
            "total": 0,
            "progress": 0,
        }
        for tt in think_tanks
    }
    rows = (
        # Example actions are invented: they count in no figure that residents read.
        Action.objects.filter(goal__think_tank__in=list(by_id), is_example=False)
        .values("goal__think_tank", "status")
        .annotate(n=Count("pk"), mean=Avg("state__progress"))
        .order_by()
    )
    weighted = {pk: [0.0, 0] for pk in by_id}  # sum of progress, number of actions not stopped
    for row in rows:
        pk, status = row["goal__think_tank"], row["status"] or Status.PLANNED
        by_id[pk]["counts"][status] += row["n"]
        by_id[pk]["total"] += row["n"]
        if status != Status.STOPPED:
            weighted[pk][0] += (row["mean"] or 0) * row["n"]
            weighted[pk][1] += row["n"]
    result = list(by_id.values())
    for entry in result:
        total, n = weighted[entry["think_tank"].pk]
        entry["progress"] = round(total / n) if n else 0
        entry["bars"], offset = [], 0.0
        for status in Status.values:
            count = entry["counts"][status]
            percent = 100 * count / entry["total"] if entry["total"] else 0
            entry["bars"].append(
                {
                    "status": status,
                    "label": Status(status).label,
                    "count": count,
                    "percent": f"{percent:.2f}",
                    "offset": f"{offset:.2f}",
                }
            )
            offset += percent
    return result

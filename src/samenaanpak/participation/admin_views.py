"""Back-office views of Denk mee (registered in wagtail_hooks.py, under /beheer/denk-mee/):
the moderators' queue and the think tanks' answers. Every change goes through moderation.py or
answers.py; a refused or overtaken step is a message on the page, never a 500."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from samenaanpak.accounts.identity import shown_name
from samenaanpak.core.history import TransitionError

from . import moderation, services
from .admin_forms import (
    AnswerForm,
    CommentDecisionForm,
    IdeaDecisionForm,
    ReportedCommentForm,
)
from .answers import StaleAnswer, answer_idea
from .models import Comment, CommentReport, Idea
from .permissions import ANSWERERS, answerable_ideas, may_answer, may_answer_any, may_moderate
from .status import PUBLIC_IDEA_STATUSES, CommentStatus, IdeaStatus, ReportReason
from .urls import idea_path

# --- Moderation --------------------------------------------------------------------------------


def _reasons(reports):
    counts = Counter(report.reason for report in reports)
    return [(ReportReason(reason).label, n) for reason, n in counts.most_common()]


class ModeratorView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Moderatie")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        # Without its own item Wagtail's header shows only "Home" above the queue.
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


def _decider(event) -> str:
    """Who took a decision, as moderators know each other (the back office's name)."""
    user = event.author if event is not None else None
    if user is None:
        return _("onbekend")
    return user.get_full_name() or user.get_username()


class ModerationView(ModeratorView):
    """Ideas waiting to be published and comments hidden after reports, oldest first; below them
    the last decisions, each with a way to undo it."""

    template_name = "participation/admin/queue.html"
    http_method_names = ["get"]  # the decisions are POSTed to DecideIdeaView/DecideCommentView

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = bound or {}
        ideas = (
            moderation.waiting_ideas()
            .select_related("think_tank", "goal", "author__profile", "state")
            .order_by("state__created_at", "pk")
        )
        open_reports = CommentReport.objects.filter(handled_at__isnull=True).order_by("created_at")
        comments = (
            moderation.hidden_comments()
            .select_related("idea", "author__profile", "state")
            .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
            .order_by("state__created_at", "pk")
        )
        context["ideas"] = [
            {
                "idea": idea,
                "author": shown_name(idea.author),
                "form": bound.get(("idea", idea.pk)) or IdeaDecisionForm(prefix=f"idee-{idea.pk}"),
                "action": reverse("participation_admin:decide_idea", args=[idea.pk]),
            }
            for idea in ideas
        ]
        context["comments"] = [
            {
                "comment": comment,
                "author": shown_name(comment.author),
                "reasons": _reasons(comment.open_reports),
                "notes": [r.note for r in comment.open_reports if r.note],
                "report_count": len(comment.open_reports),
                "form": bound.get(("comment", comment.pk))
                or CommentDecisionForm(
                    prefix=f"reactie-{comment.pk}",
                    initial={"reason": _common_reason(comment.open_reports)},
                ),
                "action": reverse("participation_admin:decide_comment", args=[comment.pk]),
            }
            for comment in comments
        ]
        reported = (
            moderation.reported_comments()
            .select_related("idea", "author__profile")
            .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
            .order_by("first_report", "pk")
        )
        context["reported"] = [
            {
                "comment": comment,
                "author": shown_name(comment.author),
                "reasons": _reasons(comment.open_reports),
                "notes": [r.note for r in comment.open_reports if r.note],
                "report_count": len(comment.open_reports),
                "counting": sum(1 for r in comment.open_reports if r.counts),
                "form": bound.get(("reported", comment.pk))
                or ReportedCommentForm(
                    prefix=f"gemeld-{comment.pk}",
                    initial={"reason": _common_reason(comment.open_reports)},
                ),
                "action": reverse("participation_admin:decide_reported", args=[comment.pk]),
            }
            for comment in reported
        ]
        context["hide_after"] = services.HIDE_AFTER_REPORTS
        context["recent"] = [
            {
                "record": record,
                "is_idea": isinstance(record, Idea),
                "decider": _decider(record.state),
                "url": reverse(
                    "participation_admin:undo_idea"
                    if isinstance(record, Idea)
                    else "participation_admin:undo_comment",
                    args=[record.pk],
                ),
            }
            for record in moderation.recent_decisions()
        ]
        context["has_errors"] = bool(bound)
        context["error_forms"] = list(bound.values())
        return context


def _common_reason(reports):
    counts = Counter(report.reason for report in reports)
    return counts.most_common(1)[0][0] if counts else ""


class DecideView(ModerationView):
    """POST only: a decision on one item of the queue. An invalid form shows the queue again with
    the error at the item (400); an item someone else decided meanwhile gives a message."""

    http_method_names = ["post"]
    form_class = None
    kind = ""

    def get_object(self):
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object()
        prefix = {"idea": "idee", "comment": "reactie", "reported": "gemeld"}[self.kind]
        form = self.form_class(request.POST, prefix=f"{prefix}-{obj.pk}")
        if not form.is_valid():
            context = self.get_context_data(bound={(self.kind, obj.pk): form})
            return self.render_to_response(context, status=400)
        try:
            message = self.decide(obj, form.cleaned_data)
        except TransitionError:
            messages.warning(
                request,
                _("Iemand anders heeft hierover intussen al besloten. Bekijk de lijst opnieuw."),
            )
        else:
            messages.success(request, message)
        return redirect("participation_admin:queue")


class DecideIdeaView(DecideView):
    form_class = IdeaDecisionForm
    kind = "idea"

    def get_object(self):
        return get_object_or_404(Idea, pk=self.kwargs["pk"])

    def decide(self, idea, data):
        if data["decision"] == "plaatsen":
            moderation.publish_idea(idea, self.request.user, expected=IdeaStatus.WAITING)
            return _("Het idee “%(title)s” staat op de site.") % {"title": idea.title}
        moderation.reject_idea(idea, self.request.user, data["reason"], expected=IdeaStatus.WAITING)
        return _("Het idee “%(title)s” is niet geplaatst; de indiener krijgt de reden.") % {
            "title": idea.title
        }


class DecideCommentView(DecideView):
    form_class = CommentDecisionForm
    kind = "comment"

    def get_object(self):
        return get_object_or_404(
            Comment.objects.select_related("idea", "author"), pk=self.kwargs["pk"]
        )

    def decide(self, comment, data):
        if data["decision"] == "terugzetten":
            moderation.restore_comment(comment, self.request.user, expected=CommentStatus.HIDDEN)
            return _("De reactie staat weer op de site.")
        moderation.remove_comment(
            comment, self.request.user, data["reason"], expected=CommentStatus.HIDDEN
        )
        return _("De reactie is verwijderd; de schrijver krijgt de reden.")


class DecideReportedView(DecideCommentView):
    """A visible comment with reports: remove it, or handle the reports and leave it."""

    form_class = ReportedCommentForm
    kind = "reported"

    def decide(self, comment, data):
        if data["decision"] == "afhandelen":
            moderation.dismiss_reports(comment, self.request.user)
            return _("De meldingen zijn afgehandeld; de reactie blijft staan.")
        moderation.remove_comment(
            comment, self.request.user, data["reason"], expected=CommentStatus.VISIBLE
        )
        return _("De reactie is verwijderd; de schrijver krijgt de reden.")


class UndoView(ModeratorView):
    """One of the recent decisions, undone after a confirm step: GET shows what was decided and
    what undoing does (the author is told), POST does it. A decision that someone else changed
    meanwhile is a message on the queue."""

    template_name = "participation/admin/undo.html"
    http_method_names = ["get", "post"]
    model = None
    related = ()
    decided = None  # the status a decision left the record in
    choices = ()

    def get_page_title(self):
        return _("Besluit herzien")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("participation_admin:queue"), "label": _("Moderatie")},
            {"url": "", "label": self.get_page_title()},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(
            self.model.objects.select_related("author__profile", "state__author", *self.related),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def _overtaken(self):
        messages.warning(
            self.request,
            _("Iemand anders heeft hierover intussen al besloten. Bekijk de lijst opnieuw."),
        )
        return redirect("participation_admin:queue")

    def get(self, request, *args, **kwargs):
        if self.object.status != self.decided:
            return self._overtaken()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, error=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            record=self.object,
            is_idea=isinstance(self.object, Idea),
            author=shown_name(self.object.author),
            decider=_decider(self.object.state),
            choices=self.choices,
            error=error,
            queue_url=reverse("participation_admin:queue"),
        )
        return context

    def post(self, request, *args, **kwargs):
        choice = request.POST.get("besluit", "")
        if choice not in {value for value, _label, _help in self.choices}:
            context = self.get_context_data(error=_("Kies wat er met het besluit gebeurt."))
            return self.render_to_response(context, status=400)
        try:
            message = self.undo(choice)
        except TransitionError:
            return self._overtaken()
        messages.success(request, message)
        return redirect("participation_admin:queue")


class UndoIdeaView(UndoView):
    model = Idea
    decided = IdeaStatus.REJECTED
    choices = (
        (
            "plaatsen",
            gettext_lazy("Alsnog plaatsen"),
            gettext_lazy("Het idee komt op de site; de indiener krijgt bericht."),
        ),
        (
            "wachtrij",
            gettext_lazy("Terug in de wachtrij"),
            gettext_lazy(
                "Het idee wacht weer op een besluit; de indiener hoort dat het opnieuw bekeken "
                "wordt."
            ),
        ),
    )

    def undo(self, choice):
        idea = self.object
        if choice == "plaatsen":
            moderation.publish_idea(idea, self.request.user, expected=IdeaStatus.REJECTED)
            return _("Het idee “%(title)s” staat alsnog op de site.") % {"title": idea.title}
        moderation.requeue_idea(idea, self.request.user)
        return _("Het idee “%(title)s” wacht weer op een besluit.") % {"title": idea.title}


class UndoCommentView(UndoView):
    model = Comment
    decided = CommentStatus.REMOVED
    choices = (
        (
            "terugzetten",
            gettext_lazy("Reactie terugzetten"),
            gettext_lazy("De reactie staat weer op de site; de schrijver krijgt bericht."),
        ),
    )

    related = ("idea",)

    def undo(self, choice):
        moderation.restore_removed_comment(self.object, self.request.user)
        return _("De reactie staat weer op de site; de schrijver krijgt bericht.")


# --- Answers -----------------------------------------------------------------------------------


class AnswererView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "comment"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not may_answer_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IdeaListView(AnswererView):
    """The ideas of the user's own think tanks (all of them for who covers all), newest first."""

    page_title = gettext_lazy("Ideeën")
    template_name = "participation/admin/ideas.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        ideas = (
            answerable_ideas(user)
            .filter(status__in=PUBLIC_IDEA_STATUSES)
            .select_related("think_tank", "author__profile")
            .order_by("-created_at", "-pk")
        )
        think_tanks = list(ANSWERERS.manageable(user).order_by("path").only("pk", "title"))
        statuses = [(s.value, s.label) for s in IdeaStatus if s.value in PUBLIC_IDEA_STATUSES]
        chosen_tank = self.request.GET.get("denktank", "")
        chosen_status = self.request.GET.get("status", "")
        if chosen_tank.isdigit():
            ideas = ideas.filter(think_tank_id=int(chosen_tank))
        if chosen_status in PUBLIC_IDEA_STATUSES:
            ideas = ideas.filter(status=chosen_status)
        page = Paginator(ideas, self.per_page).get_page(self.request.GET.get("pagina"))
        context.update(
            page=page,
            think_tanks=think_tanks,
            statuses=statuses,
            chosen_tank=chosen_tank,
            chosen_status=chosen_status,
        )
        return context


class AnswerView(AnswererView):
    template_name = "participation/admin/answer.html"

    def get_page_title(self):
        return _("Antwoord op “%(title)s”") % {"title": self.idea.title}

    def dispatch(self, request, *args, **kwargs):
        self.idea = get_object_or_404(
            Idea.objects.select_related("think_tank", "goal", "author__profile", "state"),
            pk=kwargs["pk"],
        )
        if not may_answer(request.user, self.idea):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("participation_admin:ideas"), "label": _("Ideeën")},
            {"url": "", "label": self.idea.title},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        idea = self.idea
        context.update(
            idea=idea,
            author=shown_name(idea.author),
            form=form or AnswerForm(idea=idea),
            events=idea.events.select_related("author").order_by("-created_at", "-pk"),
            actions=idea.actions.select_related("state"),
            public_path=idea_path(idea) if idea.status in PUBLIC_IDEA_STATUSES else "",
            waiting=idea.status not in PUBLIC_IDEA_STATUSES,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = AnswerForm(request.POST, idea=self.idea)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            answer_idea(
                self.idea,
                data["status"],
                data["note"],
                data["actions"],
                request.user,
                expected_state_id=data["state"],
            )
        except StaleAnswer as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except TransitionError as error:
            form.add_error("status", error)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(
            request,
            _("Het antwoord op “%(title)s” is opgeslagen; de indiener en de volgers horen het.")
            % {"title": self.idea.title},
        )
        return redirect("participation_admin:ideas")

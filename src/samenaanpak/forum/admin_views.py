"""Back-office views of the vrijplaats (registered in wagtail_hooks.py, under /beheer/vrijplaats/):
the moderators' queue, taking part of a post out, a member's page, the audit log and the
response times. Only for who may moderate the forum (`forum.moderate_forum`). Every change goes
through moderation.py; a decision someone else took meanwhile is a message, never a 500.

These screens show members by their pseudonym only: never an email address."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from samenaanpak.core.history import TransitionError

from . import moderation, queue, trust
from .admin_forms import (
    APPROVE,
    BLOCK,
    DISMISS,
    HIDE,
    LOOKED,
    REMOVE,
    RESTORE,
    WARN,
    BlockForm,
    DecisionForm,
    EditOutForm,
    LevelForm,
    LogFilterForm,
    WarnForm,
)
from .models import Member, MemberWarning, ModerationLog, Post, PostReport, QueueItem, TrustLevel
from .status import PostStatus, QueueKind, Reason
from .urls import forum_page, post_path

QUEUE_SHOWN = 50
RECENT_REMOVED = 10  # the last removals the queue offers to undo
OVERTAKEN = gettext_lazy(
    "Iemand anders heeft hierover intussen al besloten. Bekijk de wachtrij opnieuw."
)


class ForumModeratorView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not trust.is_moderator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("forum_admin:queue"), "label": _("Vrijplaats")},
            {"url": "", "label": self.get_page_title()},
        ]


def _offered(post: Post, urgent=False) -> list[str]:
    """The decisions that fit the post's status, in the order of the buttons. An urgent item
    (someone may be in need) can also just be marked as seen, once the moderator reached out."""
    if urgent and post.status == PostStatus.VISIBLE:
        return [LOOKED, DISMISS, HIDE, REMOVE]
    status = post.status
    if status == PostStatus.WAITING:
        return [APPROVE, REMOVE]
    if status == PostStatus.VISIBLE:
        return [DISMISS, HIDE, REMOVE]
    if status == PostStatus.HIDDEN:
        return [RESTORE, REMOVE]
    if status == PostStatus.REMOVED:
        return [RESTORE] if post.erased_at is None else [LOOKED]
    return [LOOKED]


def _member_facts(members) -> dict:
    """Per member pk: level label, warnings in the last year and posts in the queue (two
    queries)."""
    now = timezone.now()
    members = [m for m in members if m is not None]
    counts = dict(
        MemberWarning.objects.filter(
            member__in=members, created_at__gt=now - moderation.WARNINGS_WINDOW
        )
        .values_list("member_id")
        .annotate(n=Count("pk"))
    )
    waiting = dict(
        queue.open_items()
        .filter(post__author__in=members)
        .order_by()
        .values_list("post__author_id")
        .annotate(n=Count("pk"))
    )
    return {
        m.pk: {
            "waiting": waiting.get(m.pk, 0),
            "level": TrustLevel(trust.level(m, now)).label,
            "warnings": counts.get(m.pk, 0),
            "blocked": m.is_blocked(now),
            "url": reverse("forum_admin:member", args=[m.pk]),
        }
        for m in members
    }


def _reasons(reports):
    counts = Counter(report.reason for report in reports)
    return [(Reason(reason).label, n) for reason, n in counts.most_common()]


class QueueView(ForumModeratorView):
    """What waits, urgent first, then oldest first; per item the post, its thread, its author
    (pseudonym, level, warnings), its reports and the decisions that fit."""

    page_title = gettext_lazy("Vrijplaats: wachtrij")
    template_name = "forum/admin/queue.html"
    http_method_names = ["get"]

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = bound or {}
        open_reports = PostReport.objects.filter(handled_at__isnull=True).order_by("created_at")
        items = list(
            queue.open_items()
            .select_related("post__thread__category", "post__author")
            .prefetch_related(
                Prefetch("post__reports", queryset=open_reports, to_attr="open_reports")
            )[:QUEUE_SHOWN]
        )
        facts = _member_facts(item.post.author for item in items)
        now = timezone.now()
        page = forum_page() if items else None
        rows = []
        for item in items:
            post = item.post
            reports = post.open_reports
            rows.append(
                {
                    "item": item,
                    "post": post,
                    "author": facts.get(post.author_id),
                    "reasons": _reasons(reports),
                    "notes": [r.note for r in reports if r.note],
                    "report_count": len(reports),
                    "waited": now - item.created_at,
                    "offered": _offered(post, item.urgent),
                    "crisis": item.urgent or item.kind == QueueKind.CRISIS,
                    "form": bound.get(item.pk)
                    or DecisionForm(
                        prefix=f"item-{item.pk}",
                        initial={"reason": _common_reason(reports)},
                    ),
                    "action": reverse("forum_admin:decide", args=[item.pk]),
                    "edit_url": reverse("forum_admin:edit_out", args=[post.pk]),
                    "public_url": post_path(post, page)
                    if page is not None and post.status == PostStatus.VISIBLE
                    else "",
                }
            )
        total = queue.open_items().count()
        recent = (
            Post.objects.filter(status=PostStatus.REMOVED, erased_at__isnull=True)
            .select_related("thread", "author", "state__author")
            .order_by("-state__created_at", "-pk")[:RECENT_REMOVED]
        )
        context.update(
            recent=[
                {
                    "post": post,
                    "who": moderator_name(post.state.author if post.state else None),
                    "url": reverse("forum_admin:restore", args=[post.pk]),
                }
                for post in recent
            ],
            rows=rows,
            total=total,
            more=max(0, total - len(rows)),
            has_errors=bool(bound),
            error_forms=list(bound.values()),
            crisis_numbers=_crisis_numbers(),
            labels={
                APPROVE: _("Goedkeuren"),
                HIDE: _("Verbergen"),
                RESTORE: _("Terugzetten"),
                DISMISS: _("Meldingen afhandelen, bericht blijft"),
                LOOKED: _("Bekeken"),
                REMOVE: _("Verwijderen"),
                WARN: _("Schrijver waarschuwen"),
                BLOCK: _("Schrijver blokkeren"),
            },
        )
        return context


def _common_reason(reports):
    counts = Counter(report.reason for report in reports)
    return counts.most_common(1)[0][0] if counts else ""


def _crisis_numbers():
    """The site's crisis numbers, for a moderator who reaches out to someone in need."""
    from samenaanpak.core.models import SiteSettings

    site_settings = SiteSettings.objects.first()
    if site_settings is None:
        return []
    return [block.value for block in site_settings.crisis_numbers]


class DecideView(QueueView):
    """POST only: one decision on one queue item. An invalid form shows the queue again with the
    error at the item (400); an item someone else decided meanwhile gives a message."""

    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(
            QueueItem.objects.select_related("post__author", "post__thread"), pk=pk
        )
        form = DecisionForm(request.POST, prefix=f"item-{item.pk}")
        if not form.is_valid():
            if item.looked_at is None:
                context = self.get_context_data(bound={item.pk: form})
                return self.render_to_response(context, status=400)
            messages.warning(request, OVERTAKEN)
            return redirect("forum_admin:queue")
        try:
            if item.looked_at is not None:
                raise TransitionError(OVERTAKEN, code="already_decided")
            message = self.decide(item, form.cleaned_data)
        except TransitionError as error:
            if error.code == "already_decided":
                messages.warning(request, OVERTAKEN)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect("forum_admin:queue")

    def decide(self, item, data):
        post, user, action = item.post, self.request.user, data["action"]
        reason, note = data.get("reason", ""), data.get("note", "")
        if action == APPROVE:
            moderation.approve(post, user, item=item)
            return _("Het bericht staat op de site.")
        if action == HIDE:
            moderation.hide(post, user, reason, note=note, item=item)
            return _("Het bericht is verborgen; de schrijver krijgt de reden uitgelegd.")
        if action == RESTORE:
            moderation.restore(post, user, item=item)
            return _("Het bericht staat weer op de site.")
        if action == DISMISS:
            moderation.dismiss_reports(post, user, item=item)
            return _("De meldingen zijn afgehandeld; het bericht blijft staan.")
        if action == LOOKED:
            moderation.looked(post, user, note=note, item=item)
            return _("Het bericht is als bekeken gemarkeerd.")
        if action == REMOVE:
            moderation.remove(post, user, reason, note, warn_too=data.get("warn_too"), item=item)
            return _("Het bericht is verwijderd; de schrijver krijgt de reden uitgelegd.")
        if post.author is None:
            raise TransitionError(_("Dit account bestaat niet meer."), code="no_author")
        if action == WARN:
            until = moderation.warn(post.author, user, reason, post=post, note=note, item=item)
            if until:
                return _(
                    "%(name)s is gewaarschuwd en daarmee automatisch geblokkeerd tot %(until)s."
                ) % {"name": post.author.pseudonym, "until": _when(until)}
            return _("%(name)s is gewaarschuwd.") % {"name": post.author.pseudonym}
        # BLOCK: about the member, the item stays open (the post still needs a decision).
        until = moderation.block(post.author, user, days=data["days"], reason=note)
        return _("%(name)s is geblokkeerd tot %(until)s.") % {
            "name": post.author.pseudonym,
            "until": _when(until),
        }


def _when(moment) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "j F Y H:i")


class EditOutView(ForumModeratorView):
    """Take the offending part out of a post: the text prefilled, a required "why"."""

    template_name = "forum/admin/edit_out.html"

    def get_page_title(self):
        return _("Deel van een bericht weghalen")

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(
            Post.objects.select_related("thread", "author"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def _editable(self):
        return self.post_obj.status in (PostStatus.WAITING, PostStatus.VISIBLE, PostStatus.HIDDEN)

    def get(self, request, *args, **kwargs):
        if not self._editable():
            messages.warning(request, OVERTAKEN)
            return redirect("forum_admin:queue")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.post_obj
        item = QueueItem.objects.filter(post=post, looked_at__isnull=True).first()
        context.update(
            post=post,
            item=item,
            form=form or EditOutForm(original=post.text, initial={"text": post.text}),
            queue_url=reverse("forum_admin:queue"),
        )
        return context

    def post(self, request, *args, **kwargs):
        post = self.post_obj
        form = EditOutForm(request.POST, original=post.text)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        # The queue item the moderator saw (if any): closed meanwhile means someone decided.
        item = None
        seen = request.POST.get("item", "")
        if seen.isdigit():
            item = QueueItem.objects.filter(pk=int(seen), post=post).first()
        try:
            moderation.edit_out(
                post, request.user, data["text"], data["why"], show=data["show"], item=item
            )
        except TransitionError as error:
            if error.code == "already_decided":
                messages.warning(request, OVERTAKEN)
                return redirect("forum_admin:queue")
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Het bericht is aangepast; de schrijver krijgt bericht."))
        return redirect("forum_admin:queue")


class RestoreView(ForumModeratorView):
    """POST only: undo a hide or a removal that was a mistake (from the queue's "Recent
    verwijderd" or a member's page). `expected`: the status the moderator saw."""

    http_method_names = ["post"]

    def post(self, request, pk):
        post = get_object_or_404(Post.objects.select_related("author", "thread"), pk=pk)
        expected = request.POST.get("expected", "")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        back = back or reverse("forum_admin:queue")
        if expected not in (PostStatus.HIDDEN, PostStatus.REMOVED):
            return redirect(back)
        try:
            moderation.restore(post, request.user, expected=expected)
        except TransitionError as error:
            if error.code == "already_decided":
                messages.warning(request, OVERTAKEN)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Het bericht staat weer op de site; de schrijver hoort het.")
            )
        return redirect(back)


class MemberView(ForumModeratorView):
    """A member as moderators need to know them: pseudonym, since when, stated age, level,
    approved posts, warnings, block, recent posts. Forms for level, warning and block."""

    template_name = "forum/admin/member.html"
    RECENT_POSTS = 20
    FORMS = {"niveau": LevelForm, "waarschuwing": WarnForm, "blokkade": BlockForm}

    def get_page_title(self):
        return _("Deelnemer %(name)s") % {"name": self.member.pseudonym}

    def dispatch(self, request, *args, **kwargs):
        self.member = get_object_or_404(Member, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        member, now = self.member, timezone.now()
        bound = bound or {}
        forms = {name: bound.get(name) or cls(prefix=name) for name, cls in self.FORMS.items()}
        if "niveau" not in bound:
            forms["niveau"] = LevelForm(
                prefix="niveau",
                initial={
                    "level": "" if member.level_override is None else str(member.level_override)
                },
            )
        posts = (
            Post.objects.filter(author=member)
            .select_related("thread")
            .order_by("-created_at", "-pk")[: self.RECENT_POSTS]
        )
        context.update(
            member=member,
            level=TrustLevel(trust.level(member, now)).label,
            computed=TrustLevel(trust.computed_level(member, now)).label,
            overridden=member.level_override is not None,
            role=trust.role_of(member.user),
            blocked=member.is_blocked(now),
            warnings=member.warnings.select_related("post").order_by("-created_at"),
            recent_warnings=member.warnings.filter(
                created_at__gt=now - moderation.WARNINGS_WINDOW
            ).count(),
            posts=posts,
            forms=forms,
            has_errors=bool(bound),
            error_forms=list(bound.values()),
            log_url=reverse("forum_admin:log") + f"?deelnemer={member.pk}",
        )
        return context

    def post(self, request, *args, **kwargs):
        member, which = self.member, request.POST.get("formulier", "")
        if which == "deblokkeren":
            moderation.unblock(member, request.user)
            messages.success(request, _("De blokkade is opgeheven."))
            return redirect("forum_admin:member", pk=member.pk)
        if which not in self.FORMS:
            return self.render_to_response(self.get_context_data(), status=400)
        form = self.FORMS[which](request.POST, prefix=which)
        if not form.is_valid():
            context = self.get_context_data(bound={which: form})
            return self.render_to_response(context, status=400)
        data = form.cleaned_data
        if which == "niveau":
            level = int(data["level"]) if data["level"] != "" else None
            moderation.set_level(member, request.user, level)
            messages.success(request, _("Het vertrouwensniveau is aangepast."))
        elif which == "waarschuwing":
            until = moderation.warn(member, request.user, data["reason"], note=data["note"])
            messages.success(
                request,
                _("%(name)s is gewaarschuwd en daarmee automatisch geblokkeerd tot %(until)s.")
                % {"name": member.pseudonym, "until": _when(until)}
                if until
                else _("%(name)s is gewaarschuwd.") % {"name": member.pseudonym},
            )
        else:
            until = moderation.block(member, request.user, days=data["days"], reason=data["reason"])
            messages.success(
                request,
                _("%(name)s is geblokkeerd tot %(until)s.")
                % {"name": member.pseudonym, "until": _when(until)},
            )
        return redirect("forum_admin:member", pk=member.pk)


class LogView(ForumModeratorView):
    """The audit log, newest first, filtered by action and/or member."""

    page_title = gettext_lazy("Vrijplaats: logboek")
    template_name = "forum/admin/log.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LogFilterForm(self.request.GET or None)
        rows = ModerationLog.objects.select_related("moderator", "post__thread", "member")
        member = None
        if form.is_valid():
            if form.cleaned_data["actie"]:
                rows = rows.filter(action=form.cleaned_data["actie"])
            if form.cleaned_data["deelnemer"]:
                member = Member.objects.filter(pk=form.cleaned_data["deelnemer"]).first()
                rows = rows.filter(member_id=form.cleaned_data["deelnemer"])
        page = Paginator(rows.order_by("-created_at", "-pk"), self.per_page).get_page(
            self.request.GET.get("pagina")
        )
        for row in page.object_list:
            row.who = moderator_name(row.moderator)
        context.update(page=page, form=form, member=member, query=_query(self.request))
        return context


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("pagina", None)
    return params.urlencode()


def moderator_name(user) -> str:
    if user is None:
        return _("automatisch")
    return user.get_full_name() or user.get_username()


class FiguresView(ForumModeratorView):
    """Reactietijden: how fast the queue was looked at, the last 7 and 30 days."""

    page_title = gettext_lazy("Vrijplaats: reactietijden")
    template_name = "forum/admin/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        periods = []
        for days in (7, 30):
            numbers = moderation.figures(now, days=days)
            periods.append(
                {
                    "days": days,
                    "rows": [
                        (label, _shown(numbers[key]))
                        for key, label in (
                            ("urgent", _("Urgent")),
                            ("other", _("Overig")),
                            ("all", _("Alles")),
                        )
                    ],
                }
            )
        current = moderation.figures(now, days=1)
        context.update(
            periods=periods,
            waiting=current["waiting"],
            waiting_urgent=current["waiting_urgent"],
            oldest=duration(current["oldest_waiting"]) if current["oldest_waiting"] else "",
            alert_minutes=_alert_minutes(),
        )
        return context


def _shown(spread: dict) -> dict:
    return {
        "count": spread["count"],
        "median": duration(spread["median"]) if spread["median"] is not None else "–",
        "p90": duration(spread["p90"]) if spread["p90"] is not None else "–",
    }


def duration(delta) -> str:
    """A waiting time as moderators read it: "3 min", "2 u 5 min", "1 d 4 u"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("minder dan 1 min")
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s u %(m)s min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s u") % {"d": days, "h": hours}


def _alert_minutes():
    from django.conf import settings

    return settings.FORUM_QUEUE_ALERT_MINUTES

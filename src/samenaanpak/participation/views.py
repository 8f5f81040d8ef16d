"""The residents' side of /denk-mee/: list, idea page, new idea, support, comment, report.
The IdeasPage's routes (models.py) call these.

Caching: an anonymous visitor's pages read no session and set no cookie (no CSRF token: the
forms are only drawn for signed-in people), so they can be cached. Whether someone is signed in
is only asked when the request carries a session cookie (as core.middleware does). Every page
here says `Vary: Cookie`, so a cached anonymous copy is never served to a signed-in person, and
a signed-in person's page is private (never cached)."""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.models import Site

from samenaanpak.core import throttle
from samenaanpak.core.public_forms import submit
from samenaanpak.core.roles import is_staff_account

from . import services
from .filters import IdeaFilter
from .forms import CommentForm, IdeaForm, ReportForm
from .models import Comment, CommentReport, Idea, IdeaEvent, Support
from .status import ANSWER_STATUSES, PUBLIC_IDEA_STATUSES, CommentStatus, IdeaStatus

PER_PAGE = 20

IDEAS_PER_ACCOUNT = throttle.Limit("ideas-account", 5, 3600)
IDEAS_PER_CLIENT = throttle.Limit("ideas-client", 10, 3600)
COMMENTS_PER_ACCOUNT = throttle.Limit("comments-account", 20, 3600)
COMMENTS_PER_CLIENT = throttle.Limit("comments-client", 40, 3600)
REPORTS_PER_ACCOUNT = throttle.Limit("reports-account", 20, 3600)


# --- who is asking -------------------------------------------------------------------------------


def signed_in(request):
    """The signed-in user, or None; the session is read only when there is a session cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return request.user if request.user.is_authenticated else None


def login_url(next_path) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_path})}"


def has_profile(user) -> bool:
    return getattr(user, "profile", None) is not None


def _finish(response, user):
    patch_vary_headers(response, ["Cookie"])
    if user is not None:
        add_never_cache_headers(response)  # private: a signed-in person's page is theirs
    return response


def _base(page, request) -> str:
    base = page.relative_url(Site.find_for_request(request), request) or "/"
    return base if base.endswith("/") else base + "/"


def _over_limits(request, user, per_account, per_client, message):
    ok = per_account.hit(f"user:{user.pk}") and per_client.hit(
        throttle.client_id(request, per_client.name)
    )
    return None if ok else message


# --- the list ------------------------------------------------------------------------------------


def idea_list(request, page):
    """Public ideas, filtered and sorted, 20 a page. Example ideas (the content set's, marked
    "voorbeeld") are listed only while there is no real public idea, so the page shows how it
    works on a fresh site and never mixes invented ideas with residents' ones."""
    user = signed_in(request)
    public = Idea.objects.filter(status__in=PUBLIC_IDEA_STATUSES)
    real = public.filter(is_example=False)
    showing_examples = not real.exists()
    queryset = (public if showing_examples else real).select_related(
        "think_tank", "goal", "author__profile"
    )
    queryset = queryset.order_by("-created_at", "-pk")
    filterset = IdeaFilter(request.GET or None, queryset=queryset)
    ideas = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("pagina"))
    base = _base(page, request)
    for idea in ideas:
        idea.page_url = base + page.reverse_subpage("idea", args=(idea.pk,))
    filtered = any(request.GET.get(key) for key in ("denktank", "status", "doel"))
    context = {
        "filter": filterset,
        "ideas": ideas,
        "filtered": filtered,
        "showing_examples": showing_examples,
        "signed_in": user is not None,
        "new_url": base + page.reverse_subpage("new_idea"),
        "login_new_url": login_url(base + page.reverse_subpage("new_idea")),
    }
    response = page.render(
        request, template="participation/ideas_page.html", context_overrides=context
    )
    return _finish(response, user)


# --- one idea ------------------------------------------------------------------------------------


def _idea_or_404(pk, user):
    idea = (
        Idea.objects.select_related("think_tank", "goal", "author__profile", "state", "topic")
        .filter(pk=pk)
        .first()
    )
    if idea is None or not services.can_see(idea, user):
        raise Http404
    return idea


def _comments(idea, user):
    """Top-level comments with their replies (one query). A hidden comment shows its text only
    to its author; a removed one is left out unless replies hang under it."""
    rows = list(
        Comment.objects.filter(idea=idea)
        .select_related("author__profile")
        .order_by("created_at", "pk")
    )
    replies = defaultdict(list)
    for comment in rows:
        comment.own = user is not None and comment.author_id == user.pk
        comment.shows_text = comment.status == CommentStatus.VISIBLE or (
            comment.own and comment.status == CommentStatus.HIDDEN
        )
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
    top = []
    for comment in rows:
        if comment.parent_id is None:
            comment.reply_list = [
                r for r in replies[comment.pk] if r.status != CommentStatus.REMOVED
            ]
            if comment.status != CommentStatus.REMOVED or comment.reply_list:
                top.append(comment)
    return top


def idea_context(request, page, idea, user, **extra):
    base = _base(page, request)
    idea_url = base + page.reverse_subpage("idea", args=(idea.pk,))
    history = list(
        IdeaEvent.objects.filter(
            idea=idea, status__in=[IdeaStatus.RECEIVED, *ANSWER_STATUSES]
        ).order_by("created_at", "pk")
    )
    answer = idea.state if idea.status in ANSWER_STATUSES else None
    actions = list(idea.actions.select_related("state", "goal__think_tank").order_by("title"))
    for action in actions:
        action.think_tank_url = action.goal.think_tank.get_url(request)
    comments = _comments(idea, user)
    comment_url = base + page.reverse_subpage("comment", args=(idea.pk,))
    report_url = base + page.reverse_subpage("report", args=(0,))  # .../reactie/0/melden/
    for comment in comments:
        for item in (comment, *comment.reply_list):
            item.report_url = report_url.replace("/0/", f"/{item.pk}/")
        comment.reply_url = f"{comment_url}?op={comment.pk}"
    context = {
        "idea": idea,
        "idea_url": idea_url,
        "list_url": base,
        "think_tank_url": idea.think_tank.get_url(request),
        "history": history,
        "answer": answer,
        "actions": actions,
        "comments": comments,
        "public": idea.status in PUBLIC_IDEA_STATUSES,
        "signed_in": user is not None,
        "login_url": login_url(idea_url),
        "comment_url": comment_url,
        "support_url": base + page.reverse_subpage("support", args=(idea.pk,)),
        "own": user is not None and idea.author_id == user.pk,
    }
    if user is not None:
        context["supported"] = Support.objects.filter(idea=idea, user=user).exists()
        context["reported"] = set(
            CommentReport.objects.filter(reporter=user, comment__idea=idea).values_list(
                "comment_id", flat=True
            )
        )
        context["can_take_part"] = has_profile(user)
        context.setdefault("comment_form", CommentForm())
        if is_staff_account(user):
            # A back-office user gets the idea's place in the back office; one without a
            # resident's profile gets it instead of the forms, which would lead nowhere.
            context["back_office_url"] = back_office_url(idea, user)
    context.update(extra)
    return context


def back_office_url(idea, user) -> str:
    """Where a back-office user deals with this idea: its answer form for who may answer it,
    the moderation queue for a moderator, else the back office's home."""
    from .permissions import may_answer, may_moderate

    if may_answer(user, idea):
        return reverse("participation_admin:answer", args=[idea.pk])
    if may_moderate(user):
        return reverse("participation_admin:queue")
    return reverse("wagtailadmin_home")


def idea_detail(request, page, pk, status=200, **extra):
    user = signed_in(request)
    idea = _idea_or_404(pk, user)
    response = page.render(
        request,
        template="participation/idea.html",
        context_overrides=idea_context(request, page, idea, user, **extra),
    )
    response.status_code = status
    return _finish(response, user)


@never_cache
def support_view(request, page, pk):
    """POST: support (or, with `intrekken`, withdraw). Then back to the idea."""
    user = signed_in(request)
    idea = _idea_or_404(pk, user)
    idea_url = _base(page, request) + page.reverse_subpage("idea", args=(idea.pk,))
    if user is None:
        return redirect(login_url(idea_url))
    if request.method != "POST":
        return redirect(idea_url)
    if is_staff_account(user) and not has_profile(user):
        return idea_detail(
            request,
            page,
            pk,
            status=403,
            support_error=_("Steunen kan alleen met een account voor bewoners."),
        )
    try:
        if request.POST.get("intrekken"):
            services.withdraw_support(idea, user)
        elif not services.support(idea, user):
            return idea_detail(
                request, page, pk, status=409, support_error=_("U steunt dit idee al.")
            )
    except services.Refused as refused:
        return idea_detail(request, page, pk, status=403, support_error=refused.message)
    return redirect(idea_url + "#steun")


# --- comments ------------------------------------------------------------------------------------


@never_cache
def comment_view(request, page, pk):
    """GET: the form (for a reply: `?op=<comment>`); POST: store the comment, back to the idea."""
    user = signed_in(request)
    idea = _idea_or_404(pk, user)
    base = _base(page, request)
    idea_url = base + page.reverse_subpage("idea", args=(idea.pk,))
    if user is None:
        return redirect(login_url(request.get_full_path()))
    if idea.status not in PUBLIC_IDEA_STATUSES:
        raise Http404
    parent_id = request.POST.get("parent") or request.GET.get("op")
    parent = None
    if parent_id:
        parent = (
            Comment.objects.select_related("author__profile")
            .filter(pk=parent_id if str(parent_id).isdigit() else 0, idea=idea)
            .first()
        )
        if parent is None:
            raise Http404
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        initial={"parent": parent.pk if parent else None},
    )
    status = 200
    if not has_profile(user):
        form = None
    elif request.method == "POST":
        sent = submit(
            form,
            lambda: services.add_comment(idea, user, form.cleaned_data["text"], parent),
            over_limits=lambda: _over_limits(
                request,
                user,
                COMMENTS_PER_ACCOUNT,
                COMMENTS_PER_CLIENT,
                _(
                    "U heeft het afgelopen uur al veel reacties geplaatst. Probeer het later opnieuw."
                ),
            ),
        )
        if sent.spam or sent.repeat:
            return redirect(idea_url + ("#reacties" if sent.repeat else ""))
        if sent.record is not None:
            return redirect(f"{idea_url}#reactie-{sent.record.pk}")
        status = sent.status
    response = page.render(
        request,
        template="participation/comment_form.html",
        context_overrides={
            "idea": idea,
            "idea_url": idea_url,
            "parent": parent,
            "form": form,
        },
    )
    response.status_code = status
    return _finish(response, user)


@never_cache
def report_view(request, page, pk):
    """The report form of one comment: reason and an optional note."""
    user = signed_in(request)
    comment = (
        Comment.objects.select_related("idea", "author__profile")
        .filter(pk=pk, idea__status__in=PUBLIC_IDEA_STATUSES)
        .first()
    )
    if comment is None or comment.status == CommentStatus.REMOVED:
        raise Http404
    idea_url = _base(page, request) + page.reverse_subpage("idea", args=(comment.idea_id,))
    if user is None:
        return redirect(login_url(request.get_full_path()))
    form = ReportForm(request.POST if request.method == "POST" else None)
    status, problem, done = 200, None, False
    if comment.author_id == user.pk:
        problem, status = _("Dit is uw eigen reactie; die kunt u niet melden."), 403
    elif CommentReport.objects.filter(comment=comment, reporter=user).exists():
        problem = _("U heeft deze reactie al gemeld. Een moderator bekijkt hem.")
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":

        def save():
            return services.report_comment(
                comment, user, form.cleaned_data["reason"], form.cleaned_data["note"]
            )

        try:
            sent = submit(
                form,
                save,
                over_limits=lambda: (
                    None
                    if REPORTS_PER_ACCOUNT.hit(f"user:{user.pk}")
                    else _("U heeft het afgelopen uur al veel meldingen gedaan.")
                ),
            )
        except services.Refused as refused:
            problem, status = refused.message, 409
        else:
            if sent.spam:
                return redirect(idea_url)
            done = sent.stored  # a repeat is the same report again (a double click)
            if not done:
                status = sent.status
    response = page.render(
        request,
        template="participation/report_form.html",
        context_overrides={
            "comment": comment,
            "idea": comment.idea,
            "idea_url": idea_url,
            "form": form,
            "problem": problem,
            "done": done,
        },
    )
    response.status_code = status
    return _finish(response, user)


# --- a new idea ----------------------------------------------------------------------------------


@never_cache
def new_idea(request, page):
    user = signed_in(request)
    if user is None:
        return redirect(login_url(request.get_full_path()))
    base = _base(page, request)
    form = (
        IdeaForm(request.POST if request.method == "POST" else None) if has_profile(user) else None
    )
    status = 200
    if form is not None and request.method == "POST":

        def save():
            data = form.cleaned_data
            return services.submit_idea(
                author=user,
                think_tank=data["think_tank"],
                goal=data.get("goal"),
                title=data["title"],
                text=data["text"],
            )

        sent = submit(
            form,
            save,
            over_limits=lambda: _over_limits(
                request,
                user,
                IDEAS_PER_ACCOUNT,
                IDEAS_PER_CLIENT,
                _("U heeft het afgelopen uur al veel ideeën gegeven. Probeer het later opnieuw."),
            ),
        )
        if sent.spam:
            return redirect(base)
        if sent.repeat:
            return _to_stored(page, base, form)
        if sent.record is not None:
            return redirect(base + page.reverse_subpage("idea", args=(sent.record.pk,)))
        status = sent.status
    response = page.render(
        request,
        template="participation/new_idea.html",
        context_overrides={"form": form, "list_url": base},
    )
    response.status_code = status
    return _finish(response, user)


def _to_stored(page, base, form):
    """The same filled-in form again: to the idea the first copy stored."""
    pk = form.stored_id()
    return redirect(base + (page.reverse_subpage("idea", args=(pk,)) if pk else ""))

"""The residents' side of /vrijplaats/: the ForumPage's routes (models.py) call these.

Caching as in Denk mee: an anonymous visitor's pages read no session and set no cookie (the forms
are only drawn for signed-in people), so they can be cached; every page says `Vary: Cookie`, and
a signed-in person's page is private. Every page shows the crisis box and the statement that the
vrijplaats is not a crisis service (forum/_base.html). There are no private messages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.models import Site

from samenaanpak.core import throttle
from samenaanpak.core.public_forms import submit
from samenaanpak.core.roles import is_staff_account
from samenaanpak.notifications import api as notifications

from . import posting, services, trust
from .forms import EditForm, JoinForm, PostForm, ReportForm, SettingsForm
from .models import Category, Member, Mute, Post, PostReport, StaffedPeriod, Thread
from .screening import screen
from .status import PostStatus, Reason

PER_PAGE = 20
GONE = (PostStatus.REMOVED, PostStatus.WITHDRAWN)

POSTS_PER_CLIENT = throttle.Limit("forum-posts-client", 60, 3600)
# A burst of posts from one account (a script reusing one form's start token): 3 a minute is
# plenty for a person writing replies.
POSTS_PER_MINUTE = throttle.Limit("forum-posts-minute", 3, 60)
REPORTS_PER_MEMBER = throttle.Limit("forum-reports-member", 20, 3600)
JOINS_PER_CLIENT = throttle.Limit("forum-joins-client", 10, 3600)


# --- who is asking -------------------------------------------------------------------------------


def signed_in(request):
    """The signed-in user, or None; the session is read only when there is a session cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return request.user if request.user.is_authenticated else None


def login_url(next_path) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_path})}"


def _finish(response, user, status=None):
    if status is not None:
        response.status_code = status
    patch_vary_headers(response, ["Cookie"])
    if user is not None:
        add_never_cache_headers(response)
    return response


def _base(page, request) -> str:
    base = page.relative_url(Site.find_for_request(request), request) or "/"
    return base if base.endswith("/") else base + "/"


class Urls:
    """The vrijplaats's addresses for one request (from the page's routes, never typed)."""

    def __init__(self, page, request):
        self.page, self.base = page, _base(page, request)

    def __call__(self, name, *args):
        return self.base + self.page.reverse_subpage(name, args=args)

    def pattern(self, name):
        """ "…/bericht/0/bedankt/" with 0 to replace: one reverse for a whole page of posts."""
        url = self(name, 0)
        return lambda pk: url.replace("/0/", f"/{pk}/")


def _staffing(now=None):
    periods = list(StaffedPeriod.objects.order_by("weekday", "starts"))
    staffed = trust.is_staffed(now, periods)
    upcoming = None if staffed else trust.next_staffed(now, periods)
    return {"staffed": staffed or not periods, "next_staffed": upcoming, "periods": periods}


def _render(request, page, template, user, context, status=200):
    from samenaanpak.help.models import HelpIndexPage

    urls = context.get("urls") or Urls(page, request)
    help_page = HelpIndexPage.objects.live().first()
    base = {
        "urls": urls,
        "forum_url": urls.base,
        "rules_url": urls("rules"),
        "join_url": urls("join"),
        "settings_url": urls("settings"),
        "help_url": help_page.get_url(request) if help_page else "",
        "signed_in": user is not None,
    }
    response = page.render(request, template=template, context_overrides={**base, **context})
    return _finish(response, user, status)


def _member(user):
    return posting.member_of(user)


def _needs_member(request, page, user, urls):
    """A redirect when the visitor cannot write yet: sign in first, then join."""
    if user is None:
        return redirect(login_url(request.get_full_path()))
    return redirect(urls("join") + "?" + urlencode({"verder": request.get_full_path()}))


# --- reading -------------------------------------------------------------------------------------


def index(request, page):
    user = signed_in(request)
    categories = list(
        Category.objects.annotate(
            topic_count=Count("threads", filter=Q(threads__is_public=True)),
            latest=Max("threads__last_post_at", filter=Q(threads__is_public=True)),
        )
    )
    urls = Urls(page, request)
    for category in categories:
        category.url = urls("category", category.slug)
    context = {"categories": categories, "urls": urls, **_staffing()}
    if user is not None:
        context["member"] = _member(user)
    return _render(request, page, "forum/index.html", user, context)


def house_rules(request, page):
    user = signed_in(request)
    return _render(request, page, "forum/house_rules.html", user, {})


def category(request, page, slug):
    user = signed_in(request)
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    threads = Thread.objects.filter(category=found, is_public=True).select_related("author")
    waiting_only = found.asks_professionals and request.GET.get("wacht") == "1"
    if waiting_only:
        threads = threads.filter(awaits_professional=True)
    listed = Paginator(threads.order_by("-last_post_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    urls = Urls(page, request)
    thread_url = urls.pattern("thread")
    for item in listed:
        item.url = thread_url(item.pk)
    context = {
        "category": found,
        "threads": listed,
        "waiting_only": waiting_only,
        "waiting_count": (
            Thread.objects.filter(category=found, is_public=True, awaits_professional=True).count()
            if found.asks_professionals
            else 0
        ),
        "category_url": urls("category", found.slug),
        "new_url": urls("new_thread", found.slug),
        "urls": urls,
    }
    return _render(request, page, "forum/category.html", user, context)


def _thread_or_404(pk, member, user):
    thread = Thread.objects.select_related("category", "topic").filter(pk=pk).first()
    if thread is None:
        raise Http404
    if not thread.is_public and not (member is not None and thread.author_id == member.pk):
        raise Http404
    return thread


def _visible_to(member):
    """The posts of a thread that `member` (or a visitor, None) sees in the list: all but
    waiting ones, which only their author sees."""
    if member is None:
        return ~Q(status=PostStatus.WAITING)
    return ~Q(status=PostStatus.WAITING) | Q(author=member)


def _dress(posts, member, muted, urls, now, offset):
    thank_url = urls.pattern("thanks")
    report_url = urls.pattern("report")
    edit_url = urls.pattern("edit")
    delete_url = urls.pattern("delete")
    mute_url = urls.pattern("mute")
    for number, post in enumerate(posts, start=offset):
        post.number = number
        post.own = member is not None and post.author_id == member.pk
        post.gone = post.status in GONE
        post.shows_text = post.status == PostStatus.VISIBLE or (
            post.own and post.status in (PostStatus.WAITING, PostStatus.HIDDEN)
        )
        post.collapsed = not post.own and post.author_id in muted and not post.gone
        post.may_edit = posting.may_edit(member, post, now)
        post.may_review = posting.may_ask_review(member, post)
        post.thank_url, post.report_url = thank_url(post.pk), report_url(post.pk)
        post.edit_url, post.delete_url = edit_url(post.pk), delete_url(post.pk)
        post.mute_url = mute_url(post.author_id) if post.author_id else ""
    return posts


def thread(request, page, pk, form=None, status=200, **extra):
    user = signed_in(request)
    member = _member(user)
    found = _thread_or_404(pk, member, user)
    urls = Urls(page, request)
    posts = (
        Post.objects.filter(thread=found)
        .filter(_visible_to(member))
        .select_related("author", "state")
        .order_by("created_at", "pk")
    )
    listed = Paginator(posts, PER_PAGE).get_page(request.GET.get("pagina"))
    items = list(listed)
    services.with_thanked(items, member)
    muted = posting.muted_ids(member)
    _dress(items, member, muted, urls, timezone.now(), listed.start_index() or 1)
    context = {
        "thread": found,
        "posts": items,
        "listed": listed,
        "member": member,
        "thread_url": urls("thread", found.pk),
        "category_url": urls("category", found.category.slug),
        "reply_url": urls("reply", found.pk),
        "follow_url": urls("follow", found.pk),
        "urls": urls,
        **_staffing(),
    }
    if member is not None:
        context["following"] = notifications.is_following(found.topic, user)
        context["form"] = form or PostForm()
        if form is None and member.is_blocked():
            # Said before they write, not only after they sent a reply.
            context["blocked"] = posting.blocked_refusal(
                member, _("Reageren kan weer als de blokkade voorbij is.")
            )
    elif user is not None:
        context["login_needed"] = False
    else:
        context["login_url"] = login_url(urls("thread", found.pk))
    context.update(extra)
    return _render(request, page, "forum/thread.html", user, context, status)


def post_link(request, page, pk):
    """A post's own address: to the page of its thread it is on, and its anchor."""
    user = signed_in(request)
    member = _member(user)
    post = Post.objects.filter(pk=pk).first()
    if post is None:
        raise Http404
    found = _thread_or_404(post.thread_id, member, user)
    before = (
        Post.objects.filter(thread=found)
        .filter(_visible_to(member))
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    urls = Urls(page, request)
    number = before // PER_PAGE + 1
    query = f"?pagina={number}" if number > 1 else ""
    return _finish(redirect(f"{urls('thread', found.pk)}{query}#bericht-{post.pk}"), user)


# --- joining and settings -----------------------------------------------------------------------


@never_cache
def join(request, page):
    user = signed_in(request)
    urls = Urls(page, request)
    if user is None:
        return redirect(login_url(request.get_full_path()))
    onward = request.GET.get("verder") or request.POST.get("verder") or ""
    if not onward.startswith(urls.base):
        onward = urls.base
    if _member(user) is not None:
        return redirect(onward)
    staff = posting.may_join_without_age(user)
    if is_staff_account(user) and not staff:
        return _render(
            request,
            page,
            "forum/join.html",
            user,
            {"form": None, "not_for_staff": True, "urls": urls},
            403,
        )
    form = JoinForm(
        request.POST if request.method == "POST" else None, needs_age=not staff, user=user
    )
    status, outside = 200, False
    if request.method == "POST":
        if form.is_valid() and form.age_outside():
            outside = True  # nothing stored
        else:
            try:
                sent = submit(
                    form,
                    lambda: posting.join(
                        user, form.cleaned_data["pseudonym"], form.cleaned_data.get("age")
                    ),
                    over_limits=lambda: (
                        None
                        if JOINS_PER_CLIENT.hit(throttle.client_id(request, JOINS_PER_CLIENT.name))
                        else _("Er zijn vanaf hier veel aanmeldingen gedaan. Probeer het later.")
                    ),
                )
            except services.Refused as refused:
                form.add_error("pseudonym", refused.message)
                sent = None
            if sent is not None and (sent.stored or sent.spam):
                return redirect(onward)
            status = sent.status if sent is not None else 400
    return _render(
        request,
        page,
        "forum/join.html",
        user,
        {"form": form, "outside": outside, "staff": staff, "onward": onward, "urls": urls},
        status,
    )


@never_cache
def member_settings(request, page):
    user = signed_in(request)
    urls = Urls(page, request)
    if user is None:
        return redirect(login_url(request.get_full_path()))
    member = _member(user)
    if member is None:
        return redirect(urls("join"))
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        member=member,
        initial={"pseudonym": member.pseudonym},
    )
    status, saved = 200, False
    if request.method == "POST":
        try:
            sent = submit(
                form, lambda: (posting.rename(member, form.cleaned_data["pseudonym"]), member)[1]
            )
        except services.Refused as refused:
            form.add_error("pseudonym", refused.message)
            sent = None
        if sent is not None and sent.stored:
            saved = True
        elif sent is not None and sent.spam:
            return redirect(urls("settings"))
        else:
            status = sent.status if sent is not None else 400
    mutes = list(
        Mute.objects.filter(member=member).select_related("muted").order_by("muted__pseudonym")
    )
    mute_url = urls.pattern("mute")
    for item in mutes:
        item.url = mute_url(item.muted_id)
    context = {"form": form, "member": member, "mutes": mutes, "saved": saved, "urls": urls}
    return _render(request, page, "forum/settings.html", user, context, status)


# --- writing -------------------------------------------------------------------------------------


def _over_limits(request, member):
    if not POSTS_PER_MINUTE.hit(f"member:{member.pk}"):
        return _(
            "Je plaatst veel berichten vlak na elkaar. Wacht een minuut en probeer het dan opnieuw; "
            "je tekst staat er nog."
        )
    if POSTS_PER_CLIENT.hit(throttle.client_id(request, POSTS_PER_CLIENT.name)):
        return None
    return _("Er zijn vanaf hier het afgelopen uur veel berichten geplaatst. Probeer het later.")


# Refusals about what was written belong at the text field; the rest (blocked, the daily limit, a
# closed topic) to the form as a whole. Either way the shared error summary shows them.
TEXT_REFUSALS = ("screened", "link")


def _refused_into_form(form, refused) -> None:
    form.add_error("text" if refused.code in TEXT_REFUSALS else None, refused.message)


def _write(request, page, form, save, member):
    """Send a post form through the kit; (response or None, status, problem, crisis), crisis
    being the NeedsConfirmation (its `waits`: the post would wait for a moderator) or False."""
    try:
        sent = submit(form, save, over_limits=lambda: _over_limits(request, member))
    except posting.NeedsConfirmation as needs:
        return None, 200, None, needs
    except services.Refused as refused:
        _refused_into_form(form, refused)
        _crisis_help_first(form)
        return None, 403 if refused.code in ("blocked", "daily", "join") else 400, None, False
    if sent.refused:
        _crisis_help_first(form)
    return sent, sent.status, None, False


def _crisis_help_first(form) -> None:
    """A text with crisis words that a block or a limit stopped before it was screened: its
    writer still sees 113 and the Kindertelefoon first, not only "probeer het later"."""
    text = form.data.get("text", "")
    form.crisis_help = bool(text) and bool(screen(text, posting.watch_list()).crisis)


def _after_post(urls, post):
    return redirect(urls("post", post.pk))


@never_cache
def new_thread(request, page, slug):
    user = signed_in(request)
    urls = Urls(page, request)
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    member = _member(user)
    if member is None:
        return _needs_member(request, page, user, urls)
    form = PostForm(request.POST if request.method == "POST" else None, with_title=True)
    status, problem, crisis = 200, None, False
    if request.method == "POST":

        def save():
            data = form.cleaned_data
            return posting.start_thread(
                member,
                found,
                data["title"],
                data["text"],
                confirmed=form.is_confirmed(),
                follow=data["follow"],
            )

        sent, status, problem, crisis = _write(request, page, form, save, member)
        answer = _written(
            request,
            page,
            user,
            urls,
            form,
            sent,
            crisis,
            action_url=urls("new_thread", found.slug),
            back_url=urls("category", found.slug),
        )
        if answer is not None:
            return answer
    else:
        try:
            posting.check_may_post(member)
        except services.Refused as refused:
            problem, status = refused, 403
    return _render(
        request,
        page,
        "forum/new_thread.html",
        user,
        {
            "category": found,
            "category_url": urls("category", found.slug),
            "form": form,
            "problem": problem,
            "urls": urls,
            **_staffing(),
        },
        status,
    )


@never_cache
def reply(request, page, pk):
    user = signed_in(request)
    urls = Urls(page, request)
    member = _member(user)
    found = _thread_or_404(pk, member, user)
    if member is None:
        return _needs_member(request, page, user, urls)
    if request.method != "POST":
        return redirect(urls("thread", found.pk) + "#reageren")
    form = PostForm(request.POST)

    def save():
        data = form.cleaned_data
        return posting.reply(
            member, found, data["text"], confirmed=form.is_confirmed(), follow=data["follow"]
        )

    sent, status, problem, crisis = _write(request, page, form, save, member)
    answer = _written(
        request,
        page,
        user,
        urls,
        form,
        sent,
        crisis,
        action_url=urls("reply", found.pk),
        back_url=urls("thread", found.pk),
    )
    if answer is not None:
        return answer
    return thread(request, page, pk, form=form, status=status, problem=problem)


def _written(request, page, user, urls, form, sent, crisis, *, action_url, back_url):
    """What follows a new topic or reply that was sent: to the post once stored (or to the first
    copy's post for a repeat), away for a bot, the help page first for crisis words; None when
    the form must be shown again."""
    if sent is not None:
        if sent.spam:
            return redirect(back_url)
        if sent.record is not None:
            return _after_post(urls, sent.record)
        if sent.repeat and sent.repeat_id:
            return _after_post(urls, Post(pk=sent.repeat_id))
    if crisis:
        return _render(
            request,
            page,
            "forum/crisis_check.html",
            user,
            {
                "form": form,
                "action_url": action_url,
                "back_url": back_url,
                "confirmation": form.confirmation(),
                "waits": crisis.waits,
                "urls": urls,
                **_staffing(),
            },
        )
    return None


def _own_post(pk, member):
    post = Post.objects.select_related("thread", "author").filter(pk=pk).first()
    if post is None or member is None or post.author_id != member.pk:
        raise Http404
    return post


@never_cache
def edit_post(request, page, pk):
    user = signed_in(request)
    urls = Urls(page, request)
    member = _member(user)
    if user is None:
        return redirect(login_url(request.get_full_path()))
    post = _own_post(pk, member)
    opening = post.is_opening
    initial = {"text": post.text, **({"title": post.thread.title} if opening else {})}
    form = EditForm(
        request.POST if request.method == "POST" else None, with_title=opening, initial=initial
    )
    status, problem = 200, None
    if not (posting.may_edit(member, post) or posting.may_ask_review(member, post)):
        problem, status = (
            (
                _("Dit bericht kun je niet meer aanpassen (dat kan tot %(m)d minuten na plaatsen).")
                % {"m": settings.FORUM_EDIT_MINUTES}
            ),
            403,
        )
    elif request.method == "POST":
        try:
            sent = submit(
                form,
                lambda: posting.edit(
                    member, post, form.cleaned_data["text"], form.cleaned_data.get("title")
                ),
            )
        except services.Refused as refused:
            _refused_into_form(form, refused)
            status, sent = 400, None
        if sent is not None:
            if sent.stored or sent.spam:
                return _after_post(urls, post)
            status = sent.status
    return _render(
        request,
        page,
        "forum/edit.html",
        user,
        {
            "post": post,
            "form": form,
            "problem": problem,
            "review": post.status == PostStatus.HIDDEN,
            "looks_again": post.status == PostStatus.VISIBLE
            and member is not None
            and not trust.standing(member).trusted,
            "thread_url": urls("thread", post.thread_id),
            "urls": urls,
        },
        status,
    )


@never_cache
def delete_post(request, page, pk):
    """GET: are you sure? POST: withdraw the post (its place in the thread stays)."""
    user = signed_in(request)
    urls = Urls(page, request)
    if user is None:
        return redirect(login_url(request.get_full_path()))
    member = _member(user)
    post = _own_post(pk, member)
    if request.method == "POST":
        try:
            posting.withdraw(member, post)
        except services.Refused:
            pass
        return redirect(
            urls("thread", post.thread_id)
            if post.thread.is_public or not post.is_opening
            else urls("category", post.thread.category.slug)
        )
    return _render(
        request,
        page,
        "forum/delete.html",
        user,
        {"post": post, "thread_url": urls("thread", post.thread_id), "urls": urls},
    )


# --- thanks, mute, follow, report -----------------------------------------------------------------


def _post_action(request, page, user):
    urls = Urls(page, request)
    if user is None:
        return None, urls, redirect(login_url(request.get_full_path()))
    member = _member(user)
    if member is None:
        return None, urls, _needs_member(request, page, user, urls)
    return member, urls, None


@never_cache
def thank(request, page, pk):
    user = signed_in(request)
    member, urls, early = _post_action(request, page, user)
    if early is not None:
        return early
    post = Post.objects.filter(pk=pk, status=PostStatus.VISIBLE).first()
    if post is None:
        raise Http404
    if request.method == "POST":
        try:
            posting.toggle_thanks(member, post)
        except services.Refused as refused:
            if refused.code == "blocked":
                context = {"problem": refused.message, "back_url": urls("post", post.pk)}
                return _render(request, page, "forum/refused.html", user, context, 403)
    return redirect(urls("post", post.pk))


@never_cache
def mute(request, page, pk):
    """POST: mute (or with `opheffen`, unmute) member `pk`; the other is not told."""
    user = signed_in(request)
    member, urls, early = _post_action(request, page, user)
    if early is not None:
        return early
    other = Member.objects.filter(pk=pk).first()
    if other is None:
        raise Http404
    onward = request.POST.get("verder") or ""
    if not onward.startswith(urls.base):
        onward = urls("settings")
    if request.method == "POST":
        if request.POST.get("opheffen"):
            posting.unmute(member, other)
        else:
            try:
                posting.mute(member, other)
            except services.Refused:
                pass
    return redirect(onward)


@never_cache
def follow(request, page, pk):
    user = signed_in(request)
    member, urls, early = _post_action(request, page, user)
    if early is not None:
        return early
    found = _thread_or_404(pk, member, user)
    if request.method == "POST":
        if request.POST.get("stoppen"):
            if found.topic is not None:
                notifications.unfollow(found.topic, user)
        else:
            posting._follow(found, user)
    return redirect(urls("thread", found.pk) + "#volgen")


@never_cache
def report(request, page, pk):
    user = signed_in(request)
    member, urls, early = _post_action(request, page, user)
    if early is not None:
        return early
    post = (
        Post.objects.select_related("thread", "author")
        .filter(pk=pk, thread__is_public=True)
        .exclude(status__in=GONE)
        .first()
    )
    if post is None:
        raise Http404
    blocked = member.is_blocked()
    form = ReportForm(request.POST if request.method == "POST" else None, care_only=blocked)
    status, problem, done = 200, None, False
    if post.author_id == member.pk:
        problem, status = _("Dit is je eigen bericht; dat kun je niet melden."), 403
    elif PostReport.objects.filter(post=post, reporter=member).exists():
        problem = _("Je hebt dit bericht al gemeld. Een moderator bekijkt het.")
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        try:
            sent = submit(
                form,
                lambda: posting.report(
                    member, post, form.cleaned_data["reason"], form.cleaned_data["note"]
                ),
                over_limits=lambda: (
                    None
                    if REPORTS_PER_MEMBER.hit(f"member:{member.pk}")
                    else _("Je hebt het afgelopen uur al veel meldingen gedaan.")
                ),
            )
        except services.Refused as refused:
            problem, status = refused.message, 409
        else:
            if sent.spam:
                return redirect(urls("post", post.pk))
            done = sent.stored
            if not done:
                status = sent.status
    return _render(
        request,
        page,
        "forum/report.html",
        user,
        {
            "post": post,
            "form": form,
            "problem": problem,
            "done": done,
            "worried": done and form.cleaned_data.get("reason") == Reason.WORRIED,
            "blocked": blocked,
            "post_url": urls("post", post.pk),
            "urls": urls,
        },
        status,
    )

"""The moderators' decisions in the vrijplaats (the back office's side; docs/vrijplaats.md).

Every decision is one transaction: `_expect` locks the post and refuses when it is no longer as
the moderator saw it (another moderator decided meanwhile: a message, not a second step), the
status step through `services.step` (the one way a post's status changes), the audit log
(`queue.log`), the post's open queue item closed (`queue.mark_looked`: the response time ends),
and the author's mail in the outbox (`send_service_mail`, so it reaches them whatever their
digest setting). A removal's mail explains the reason in plain words: explaining why lowers the
number of later removals (Jhaver et al., "Does Transparency in Moderation Really Matter?", 2019).

`figures()` gives the response times; `notify_moderators()` mails the group Moderator when
something waits too long or something urgent is new (a link to the queue, nothing of the posts).
"""

import datetime
import statistics

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenaanpak.core import throttle
from samenaanpak.core.history import TransitionError
from samenaanpak.core.mail import queue_email
from samenaanpak.notifications import api as notifications

from . import queue, services
from .models import POST_MAX, Member, MemberWarning, Post, PostReport, QueueItem, TrustLevel
from .status import ModerationAction, PostStatus, Reason
from .trust import MODERATOR_GROUP
from .urls import absolute, forum_page, post_path

MAIL_CLAIM_KEY = "forum:moderators-mailed"
NOTIFY_LOCK_KEY = "forum:notify-running"
URGENT_ALERTED_KEY = "forum:urgent-alerted:%s"
URGENT_ALERTED_SECONDS = 30 * 24 * 3600
WARNINGS_WINDOW = datetime.timedelta(days=365)

# What the author reads under "Waarom?" when a post is hidden or removed, or they are warned.
# Plain Dutch, informal (the vrijplaats is for young people).
REASON_EXPLAINED = {
    Reason.PERSONAL_DATA: gettext_lazy(
        "Er stonden gegevens in waarmee iemand te vinden of te herkennen is, zoals een "
        "telefoonnummer, een adres, een school of een account op sociale media. In de vrijplaats "
        "blijft iedereen anoniem: zo kan niemand jou of een ander opzoeken of lastigvallen."
    ),
    Reason.DEALING: gettext_lazy(
        "Het ging over drugs (of iets anders dat niet mag) aanbieden, kopen of ruilen. Dat kan "
        "hier niet. Vragen stellen over drugs en praten over wat je meemaakt mag wel."
    ),
    Reason.BULLYING: gettext_lazy(
        "Het kon een ander kwetsen, uitlachen of buitensluiten. Iedereen moet hier veilig kunnen "
        "vertellen wat hem of haar bezighoudt. Je mag het oneens zijn, zeg het dan zonder iemand "
        "te kwetsen."
    ),
    Reason.WORRIED: gettext_lazy(
        "Het klonk alsof het niet goed met je gaat. We hebben het bericht weggehaald om je te "
        "beschermen, niet om je te straffen. Praat erover met iemand die kan helpen: op de "
        "hulppagina vind je mensen die je kunt bellen, appen of chatten, ook anoniem. Ben je in "
        "direct gevaar? Bel 112."
    ),
    Reason.SPAM: gettext_lazy(
        "Het was reclame, of steeds hetzelfde bericht. Daardoor vinden anderen de echte "
        "gesprekken niet meer."
    ),
    Reason.RULES: gettext_lazy(
        "Het ging tegen de huisregels van de vrijplaats in. Lees ze nog eens na: ze zijn er om "
        "de vrijplaats voor iedereen veilig te houden."
    ),
}

STALE = gettext_lazy("Hierover is intussen al besloten.")


# --- helpers -------------------------------------------------------------------------------------


def _expect(post: Post, statuses=None, item: QueueItem | None = None) -> Post:
    """Inside the decision's transaction: lock the post and refuse when it is no longer in one of
    `statuses`, or when the queue item the moderator decided from was closed meanwhile (another
    moderator decided). Returns the locked row."""
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if statuses is not None:
        if isinstance(statuses, str):
            statuses = {statuses}
        if locked.status not in statuses:
            raise TransitionError(STALE, code="already_decided")
    if item is not None:
        if QueueItem.objects.filter(pk=item.pk, looked_at__isnull=False).exists():
            raise TransitionError(STALE, code="already_decided")
    return locked


def _handle_reports(post: Post, now=None) -> int:
    return PostReport.objects.filter(post=post, handled_at__isnull=True).update(
        handled_at=now or timezone.now()
    )


def _close(action, post, moderator, *, reason="", note="", member=None) -> None:
    queue.log(action, moderator=moderator, post=post, member=member, reason=reason, note=note)
    queue.mark_looked(post, moderator)


def rules_url() -> str:
    page = forum_page()
    if page is None:
        return ""
    base = page.url or "/"
    base = base if base.endswith("/") else base + "/"
    return absolute(base + page.reverse_subpage("rules"))


def _mail(member: Member | None, subject: str, template: str, **context) -> None:
    """A service mail to the member's account (never to a deleted one)."""
    if member is None:
        return
    context.setdefault("pseudonym", member.pseudonym)
    context.setdefault("rules_url", rules_url())
    body = render_to_string(f"forum/email/{template}.txt", context)
    notifications.send_service_mail(member.user, subject, body, purpose="vrijplaats")


def _post_url(post: Post) -> str:
    path = post_path(post)
    return absolute(path) if path else ""


def explained(reason: str) -> str:
    return str(REASON_EXPLAINED.get(reason, REASON_EXPLAINED[Reason.RULES]))


def _check_reason(reason: str) -> None:
    if reason not in Reason.values:
        raise TransitionError(_("Kies een reden."), code="reason_required")


# --- decisions about a post ----------------------------------------------------------------------


def approve(post: Post, moderator, *, item=None) -> None:
    """A waiting post is placed; its author's approved posts count towards the trusted level.
    The author is not mailed: the post is simply there (the public side said it would be)."""
    with transaction.atomic():
        _expect(post, PostStatus.WAITING, item)
        # An edited post approved again counts once towards the trusted level.
        again = post.events.filter(status=PostStatus.VISIBLE).exists()
        services.step(post, PostStatus.VISIBLE, by=moderator)
        if post.author_id is not None and not again:
            Member.objects.filter(pk=post.author_id).update(approved_posts=F("approved_posts") + 1)
        _close(ModerationAction.APPROVE, post, moderator)


def hide(post: Post, moderator, reason: str, *, note="", item=None) -> None:
    """Hidden pending review; the author is told why and that they may change it once."""
    _check_reason(reason)
    with transaction.atomic():
        _expect(post, PostStatus.VISIBLE, item)
        services.step(post, PostStatus.HIDDEN, by=moderator, reason=reason)
        _close(ModerationAction.HIDE, post, moderator, reason=reason, note=note)
        _mail(
            post.author,
            _("Je bericht in de vrijplaats is verborgen"),
            "post_hidden",
            reason=Reason(reason).label,
            why=explained(reason),
            url=_post_url(post),
        )


def restore(post: Post, moderator, *, item=None, expected=None) -> None:
    """A hidden or removed post is shown again; its open reports are handled; the author hears
    that it is back. `expected`: the one status the moderator saw (HIDDEN or REMOVED)."""
    statuses = {expected} if expected else {PostStatus.HIDDEN, PostStatus.REMOVED}
    with transaction.atomic():
        locked = _expect(post, statuses, item)
        if locked.erased_at is not None:
            raise TransitionError(
                _("De tekst van dit bericht is al gewist; het kan niet terug."), code="erased"
            )
        was = locked.status
        services.step(post, PostStatus.VISIBLE, by=moderator)
        _handle_reports(post)
        _close(ModerationAction.RESTORE, post, moderator)
        _mail(
            post.author,
            _("Je bericht staat weer in de vrijplaats"),
            "post_restored",
            url=_post_url(post),
            was_removed=was == PostStatus.REMOVED,
        )


def dismiss_reports(post: Post, moderator, *, item=None) -> None:
    """The reports of a visible post did not hold (or the moderator saw a worried report and
    acted on it): the post stays, its reports are handled. No status step, nobody is mailed."""
    with transaction.atomic():
        _expect(post, PostStatus.VISIBLE, item)
        _handle_reports(post)
        _close(ModerationAction.DISMISS, post, moderator)


def looked(post: Post, moderator, *, note="", item=None) -> None:
    """Seen, nothing to change (an urgent post the moderator followed up, for instance)."""
    with transaction.atomic():
        _expect(post, None, item)
        _handle_reports(post)
        _close(ModerationAction.LOOKED, post, moderator, note=note)


def edit_out(post: Post, moderator, new_text: str, why: str, *, show=True, item=None) -> None:
    """A moderator takes the offending part out. The post says that a moderator changed it, and
    why; the part taken out is kept nowhere (not in the log either: it is often the very
    personal data that had to go). With `show`, a waiting or hidden post is placed as well (the
    part that held it back is gone). The author is told."""
    new_text, why = (new_text or "").strip(), (why or "").strip()
    if not new_text:
        raise TransitionError(_("Laat iets van het bericht staan, of verwijder het."), code="empty")
    if not why:
        raise TransitionError(_("Zeg waarom je iets weghaalt."), code="why_required")
    allowed = {PostStatus.WAITING, PostStatus.VISIBLE, PostStatus.HIDDEN}
    with transaction.atomic():
        locked = _expect(post, allowed, item)
        now = timezone.now()
        Post.objects.filter(pk=post.pk).update(
            text=new_text[:POST_MAX], moderator_edited_at=now, moderator_note=why[:300]
        )
        post.text, post.moderator_edited_at, post.moderator_note = new_text, now, why[:300]
        if show and locked.status in (PostStatus.WAITING, PostStatus.HIDDEN):
            services.step(post, PostStatus.VISIBLE, by=moderator)
            if locked.status == PostStatus.WAITING and post.author_id is not None:
                Member.objects.filter(pk=post.author_id).update(
                    approved_posts=F("approved_posts") + 1
                )
        _handle_reports(post, now)
        _close(ModerationAction.EDIT, post, moderator, note=why)
        _mail(
            post.author,
            _("Een moderator heeft je bericht aangepast"),
            "post_edited",
            why=why,
            url=_post_url(post),
        )


def remove(post: Post, moderator, reason: str, note: str = "", *, warn_too=False, item=None):
    """Removed with a standard reason; the author is told the reason in plain words, with a link
    to the house rules. `warn_too`: the author gets a warning for it as well (same mail)."""
    _check_reason(reason)
    allowed = {PostStatus.WAITING, PostStatus.VISIBLE, PostStatus.HIDDEN}
    with transaction.atomic():
        _expect(post, allowed, item)
        services.step(post, PostStatus.REMOVED, by=moderator, reason=reason)
        _handle_reports(post)
        _close(ModerationAction.REMOVE, post, moderator, reason=reason, note=note)
        blocked_until = None
        if warn_too and post.author is not None:
            blocked_until = _warn(post.author, moderator, reason, post=post, note=note)
        _mail(
            post.author,
            _("Je bericht in de vrijplaats is verwijderd"),
            "post_removed",
            reason=Reason(reason).label,
            why=explained(reason),
            warned=warn_too,
            blocked_until=blocked_until,
            thread_title=post.thread.title,
        )


# --- decisions about a member --------------------------------------------------------------------


def _warn(member: Member, moderator, reason, *, post=None, note="", now=None):
    """The warning and, at FORUM_WARNINGS_TO_BLOCK within a year, the automatic block. Returns
    the end of a block this warning caused (None: no block)."""
    now = now or timezone.now()
    # The member's row is locked first: two warnings at once count to three in turn, so the
    # third always blocks.
    locked = Member.objects.select_for_update().get(pk=member.pk)
    MemberWarning.objects.create(
        member=member, post=post, reason=reason, note=note[:300], given_by=moderator, created_at=now
    )
    queue.log(
        ModerationAction.WARN,
        moderator=moderator,
        post=post,
        member=member,
        reason=reason,
        note=note,
    )
    recent = member.warnings.filter(created_at__gt=now - WARNINGS_WINDOW).count()
    if recent < settings.FORUM_WARNINGS_TO_BLOCK:
        return None
    until = now + datetime.timedelta(days=settings.FORUM_AUTO_BLOCK_DAYS)
    if locked.blocked_until is not None and locked.blocked_until >= until:
        return None  # already blocked for longer
    reason_text = _("%(n)s waarschuwingen binnen een jaar") % {"n": recent}
    Member.objects.filter(pk=member.pk).update(blocked_until=until, block_reason=reason_text)
    member.blocked_until, member.block_reason = until, reason_text
    queue.log(ModerationAction.AUTO_BLOCK, member=member, note=reason_text)
    return until


def warn(member: Member, moderator, reason: str, post=None, note="", *, item=None, now=None):
    """A warning with a standard reason, mailed. Returns the end of an automatic block."""
    _check_reason(reason)
    with transaction.atomic():
        if post is not None:
            _expect(post, None, item)
        until = _warn(member, moderator, reason, post=post, note=note, now=now)
        if post is not None:
            queue.mark_looked(post, moderator)
        _mail(
            member,
            _("Een waarschuwing in de vrijplaats"),
            "warning",
            reason=Reason(reason).label,
            why=explained(reason),
            note=note,
            blocked_until=until,
            limit=settings.FORUM_WARNINGS_TO_BLOCK,
        )
        return until


def block(
    member: Member, moderator, *, until=None, days=None, reason: str = ""
) -> datetime.datetime:
    """Blocked until `until` (or for `days`): they can read, not write. Logged and mailed."""
    if until is None:
        if not days or days < 1:
            raise TransitionError(_("Kies hoe lang de blokkade duurt."), code="until_required")
        until = timezone.now() + datetime.timedelta(days=days)
    if until <= timezone.now():
        raise TransitionError(_("Kies een moment in de toekomst."), code="until_past")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise TransitionError(_("Geef een reden; de deelnemer krijgt die te lezen."), code="why")
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).update(
            blocked_until=until, block_reason=reason
        )
        member.blocked_until, member.block_reason = until, reason
        queue.log(ModerationAction.BLOCK, moderator=moderator, member=member, note=reason)
        _mail(
            member,
            _("Je kunt tijdelijk niet schrijven in de vrijplaats"),
            "blocked",
            until=until,
            reason=reason,
        )
    return until


def unblock(member: Member, moderator) -> None:
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).update(
            blocked_until=None, block_reason=""
        )
        member.blocked_until, member.block_reason = None, ""
        queue.log(ModerationAction.UNBLOCK, moderator=moderator, member=member)
        _mail(member, _("Je kunt weer schrijven in de vrijplaats"), "unblocked")


def set_level(member: Member, moderator, level: int | None) -> None:
    """Raise or lower the trust level by hand; None: computed again (trust.computed_level)."""
    if level is not None and level not in TrustLevel.values:
        raise TransitionError(_("Onbekend niveau."), code="level")
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(level_override=level)
        member.level_override = level
        shown = TrustLevel(level).label if level is not None else _("automatisch")
        queue.log(ModerationAction.LEVEL, moderator=moderator, member=member, note=str(shown))


# --- response times ------------------------------------------------------------------------------


def _spread(seconds: list[float]) -> dict:
    """Count, median and 90th percentile (None without data)."""
    if not seconds:
        return {"count": 0, "median": None, "p90": None}
    if len(seconds) == 1:
        p90 = seconds[0]
    else:
        p90 = statistics.quantiles(seconds, n=10, method="inclusive")[-1]
    return {
        "count": len(seconds),
        "median": datetime.timedelta(seconds=statistics.median(seconds)),
        "p90": datetime.timedelta(seconds=p90),
    }


def figures(now=None, days: int = 30) -> dict:
    """How fast moderators looked: over the queue items first looked at in the last `days` days,
    the time from entering the queue to the first decision, urgent apart from the rest. Plus
    what waits now."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    looked_at = QueueItem.objects.filter(looked_at__gt=since, looked_at__lte=now).values_list(
        "urgent", "created_at", "looked_at"
    )
    urgent, other = [], []
    for is_urgent, created, seen in looked_at:
        (urgent if is_urgent else other).append(max(0.0, (seen - created).total_seconds()))
    waiting = queue.open_items().filter(created_at__lte=now)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "days": days,
        "urgent": _spread(urgent),
        "other": _spread(other),
        "all": _spread(urgent + other),
        "waiting": waiting.count(),
        "waiting_urgent": waiting.filter(urgent=True).count(),
        "oldest_waiting": (now - oldest) if oldest is not None else None,
    }


# --- telling the moderators ----------------------------------------------------------------------


def moderators():
    return (
        get_user_model()
        .objects.filter(groups__name=MODERATOR_GROUP, is_active=True)
        .exclude(email="")
        .distinct()
    )


def notify_moderators(now=None) -> int:
    """Mail the group Moderator when an open item waited longer than FORUM_QUEUE_ALERT_MINUTES
    or an urgent one is open: at most once per MODERATOR_MAIL_INTERVAL_HOURS, but at once for an
    urgent item nobody was mailed about yet. Two schedulers send it once: the run holds a claim
    in the throttle store, and each urgent item is marked as alerted there. Returns the mails
    queued. The mail links to the queue and says nothing of the posts."""
    now = now or timezone.now()
    due = queue.waiting_longer_than(settings.FORUM_QUEUE_ALERT_MINUTES, now)
    if not due.exists():
        return 0
    addresses = list(moderators().values_list("email", flat=True))
    if not addresses:
        return 0  # no claim: the first moderator to be added hears it the next minute
    store = throttle.store()
    if not store.add(NOTIFY_LOCK_KEY, 1, timeout=60):
        return 0  # the other scheduler is at it this minute
    claimed = []
    try:
        urgent_ids = list(due.filter(urgent=True).values_list("pk", flat=True))
        new_urgent = [pk for pk in urgent_ids if store.get(URGENT_ALERTED_KEY % pk) is None]
        interval = settings.MODERATOR_MAIL_INTERVAL_HOURS * 3600
        if new_urgent:
            store.set(MAIL_CLAIM_KEY, 1, timeout=interval)  # the interval starts again
        elif store.add(MAIL_CLAIM_KEY, 1, timeout=interval):
            pass
        else:
            return 0
        claimed.append(MAIL_CLAIM_KEY)
        for pk in urgent_ids:
            store.set(URGENT_ALERTED_KEY % pk, 1, timeout=URGENT_ALERTED_SECONDS)
            claimed.append(URGENT_ALERTED_KEY % pk)
        url = settings.SITE_URL + reverse("forum_admin:queue")
        if urgent_ids:
            subject = _("Vrijplaats: urgent, iemand is misschien in nood")
        else:
            subject = _("Vrijplaats: er wacht iets op moderatie")
        body = render_to_string(
            "forum/email/moderators.txt",
            {
                "url": url,
                "urgent": bool(urgent_ids),
                "hours": settings.MODERATOR_MAIL_INTERVAL_HOURS,
                "minutes": settings.FORUM_QUEUE_ALERT_MINUTES,
            },
        )
        with transaction.atomic():
            for address in addresses:
                queue_email(to=address, subject=subject, body=body, purpose="moderatie")
    except Exception:
        for key in claimed:  # nothing was queued: the next minute tries again
            store.delete(key)
        raise
    finally:
        store.delete(NOTIFY_LOCK_KEY)
    return len(addresses)

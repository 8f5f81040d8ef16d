"""The residents' side of the vrijplaats: joining, writing, editing, withdrawing, thanking,
muting and reporting. The views call these; every refusal raises services.Refused with a Dutch
message (the view shows it and keeps what was typed). Every status step goes through
services.step(); the queue and the audit log through queue.py.

Where a new post lands (`_placement`):
- a watched (dealing) word: waits for a moderator (WATCHED_WORD), queued HELD;
- a new account (level 0): its first trust.FIRST_POSTS_HELD posts wait (NEW_ACCOUNT), and
  outside staffed hours all its posts wait (OFF_HOURS), queued HELD;
- hulpverleners, moderators and trusted accounts: placed at once.
A crisis word (the writer saw the help and confirmed) changes none of that: it only makes the
queue item CRISIS and urgent, on top. A crisis post that would have been placed anyway is placed
at once and queued urgent; one that would wait (new account, off hours, watched word) waits, so a
crisis word is never a way past the moderators (for a spammer or a groomer), and a vulnerable
writer's post is not public while no moderator is on duty. The writer sees the help before and
after placing, and that (and when) a moderator looks first.

An edit by an account that is not trusted puts a visible post back to WAITING, queued REVIEW: an
approved harmless text cannot be rewritten into something else behind the moderators' backs."""

import datetime
import re
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenaanpak.notifications import api as notifications

from . import queue, services, trust
from .models import (
    Member,
    Mute,
    Post,
    PostReport,
    Thanks,
    Thread,
    TrustLevel,
    WatchedWord,
    pseudonym_key,
)
from .screening import Screening, WatchList, screen
from .services import Refused
from .status import (
    CARE_REASONS,
    HoldReason,
    ModerationAction,
    PostStatus,
    QueueKind,
    Reason,
)
from .urls import absolute, post_path

# A link: an address with a scheme, "www.", or a domain name such as example.nl.
LINK = re.compile(
    r"(https?://|\bwww\.|\b[a-z0-9-]+\.(nl|com|org|net|be|eu|info|io|app|me|tv|gg|ly|co|shop)\b)",
    re.IGNORECASE,
)
OWN_STATUSES = (PostStatus.WAITING, PostStatus.VISIBLE)


class NeedsConfirmation(Refused):
    """The text has crisis words: show help first; placing needs the writer's confirmation.
    `waits`: the post would wait for a moderator (the help page says so, and when)."""

    def __init__(self, screening, waits=False):
        super().__init__(_("Eerst even dit: je bent niet alleen."), code="crisis")
        self.screening, self.waits = screening, waits


def member_of(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("user").first()


def may_join_without_age(user) -> bool:
    """Hulpverleners and moderators join with a pseudonym only."""
    return trust.is_professional(user) or trust.is_moderator(user)


def join(user, pseudonym: str, age: int | None, now=None) -> Member:
    """A Member for `user` (the form checked the pseudonym, the age and the house rules)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return Member.objects.create(
                user=user,
                pseudonym=pseudonym,
                stated_age=None if may_join_without_age(user) else age,
                rules_accepted_at=now,
                joined_at=now,
            )
    except IntegrityError:
        raise Refused(
            _("Deze schuilnaam is al bezet. Kies een andere."), code="pseudonym"
        ) from None


RENAME_EVERY = datetime.timedelta(days=30)


def blocked_refusal(member: Member, doing: str) -> Refused:
    """The refusal for a blocked member; `doing` is the sentence about what waits."""
    until = timezone.localtime(member.blocked_until, trust.AMSTERDAM)
    return Refused(
        _("Je account is geblokkeerd tot %(until)s. Reden: %(reason)s.")
        % {
            "until": until.strftime("%d-%m-%Y %H:%M"),
            "reason": member.block_reason or _("de huisregels"),
        }
        + " "
        + doing,
        code="blocked",
    )


def rename(member: Member, pseudonym: str, now=None) -> None:
    """The member picks another pseudonym (the form checked it): not while blocked, at most once
    per RENAME_EVERY, and logged (the name shows on all their posts, old ones too)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.pseudonym == pseudonym:
            return
        if locked.is_blocked(now):
            raise blocked_refusal(
                locked, _("Je schuilnaam wijzigen kan pas weer als de blokkade voorbij is.")
            )
        if locked.renamed_at is not None and now - locked.renamed_at < RENAME_EVERY:
            again = timezone.localtime(locked.renamed_at + RENAME_EVERY, trust.AMSTERDAM)
            raise Refused(
                _(
                    "Je kunt je schuilnaam één keer per %(days)d dagen wijzigen. Vanaf "
                    "%(again)s kan het weer."
                )
                % {"days": RENAME_EVERY.days, "again": again.strftime("%d-%m-%Y %H:%M")},
                code="rename",
            )
        old = locked.pseudonym
        try:
            with transaction.atomic():
                Member.objects.filter(pk=member.pk).update(
                    pseudonym=pseudonym, pseudonym_key=pseudonym_key(pseudonym), renamed_at=now
                )
        except IntegrityError:
            raise Refused(
                _("Deze schuilnaam is al bezet. Kies een andere."), code="pseudonym"
            ) from None
        queue.log(ModerationAction.RENAME, member=locked, note=f"{old} → {pseudonym}")
    member.pseudonym, member.pseudonym_key = pseudonym, pseudonym_key(pseudonym)
    member.renamed_at = now


# --- what may be written ---------------------------------------------------------------------------


def watch_list() -> WatchList:
    """The editable entries (WatchedWord); screen() adds DEFAULT_HOLD and DEFAULT_CRISIS itself."""
    words = {kind: [] for kind in WatchedWord.Kind.values}
    for kind, phrase in WatchedWord.objects.values_list("kind", "phrase"):
        words[kind].append(phrase)
    return WatchList(
        block=tuple(words[WatchedWord.Kind.BLOCK]),
        hold=tuple(words[WatchedWord.Kind.HOLD]),
        crisis=tuple(words[WatchedWord.Kind.CRISIS]),
    )


def _start_of_today(now):
    local = timezone.localtime(now, trust.AMSTERDAM)
    return datetime.datetime.combine(local.date(), datetime.time(), tzinfo=trust.AMSTERDAM)


def posts_today(member: Member, now=None) -> int:
    now = now or timezone.now()
    return Post.objects.filter(author=member, created_at__gte=_start_of_today(now)).count()


def check_may_post(member: Member | None, now=None) -> trust.Standing:
    """The member's standing, or Refused: not a member, blocked, over the daily limit."""
    now = now or timezone.now()
    if member is None:
        raise Refused(_("Doe eerst mee aan de vrijplaats: kies een schuilnaam."), code="join")
    standing = trust.standing(member, now)
    if standing.blocked:
        until = timezone.localtime(member.blocked_until, trust.AMSTERDAM)
        raise Refused(
            _(
                "Je account is geblokkeerd tot %(until)s. Reden: %(reason)s. Lezen kan nog wel; "
                "schrijven kan weer na die tijd."
            )
            % {
                "until": until.strftime("%d-%m-%Y %H:%M"),
                "reason": member.block_reason or _("de huisregels"),
            },
            code="blocked",
        )
    if posts_today(member, now) >= standing.daily_posts:
        raise Refused(
            _(
                "Je hebt vandaag al %(n)d berichten geplaatst, het maximum voor jouw account. "
                "Morgen kun je weer verder."
            )
            % {"n": standing.daily_posts},
            code="daily",
        )
    return standing


def check_text(standing: trust.Standing, *texts: str) -> Screening:
    """Links and the screening: Refused for links without the trust for them and for blocked
    content; else the screening (crisis and hold matches decide where the post lands)."""
    joined = "\n".join(t for t in texts if t)
    if not standing.may_link and LINK.search(joined):
        raise Refused(
            _(
                "Links plaatsen kan nog niet met een nieuw account. Haal de link weg of beschrijf "
                "in woorden waar je het vond."
            ),
            code="link",
        )
    result = screen(joined, watch_list())
    if result.blocked:
        raise Refused(result.message, code="screened")
    return result


def _hold(member, standing, screening, now) -> str:
    """Why a new post would wait for a moderator ("" when it is placed at once). Crisis words
    play no part: they never let a post skip the hold."""
    if screening.held:
        return HoldReason.WATCHED_WORD
    if not standing.staff and standing.level < TrustLevel.TRUSTED:
        if member.approved_posts < trust.FIRST_POSTS_HELD:
            return HoldReason.NEW_ACCOUNT
        if not trust.is_staffed(now):
            return HoldReason.OFF_HOURS
    return ""


def _placement(member, standing, screening, now):
    """(status, hold_reason, queue kind or None, urgent). A crisis post waits when any other
    post would (its item is then CRISIS and urgent, on top), else it is placed and queued urgent."""
    urgent = bool(screening.crisis)
    hold = _hold(member, standing, screening, now)
    if hold:
        return PostStatus.WAITING, hold, (QueueKind.CRISIS if urgent else QueueKind.HELD), urgent
    return PostStatus.VISIBLE, "", (QueueKind.CRISIS if urgent else None), urgent


def _place(member, standing, thread, text, screening, *, opening, now):
    status, hold, kind, urgent = _placement(member, standing, screening, now)
    post = Post.objects.create(
        thread=thread,
        author=member,
        author_role=standing.role,
        is_opening=opening,
        text=text,
        created_at=now,
        hold_reason=hold,
        urgent=urgent,
    )
    services.step(post, status, by=member.user)
    if kind is not None:
        queue.enqueue(post, kind, urgent=urgent, now=now)
    return post


def _follow(thread, user):
    thread.topic = services.ensure_topic(thread)
    Thread.objects.filter(pk=thread.pk, topic__isnull=True).update(topic=thread.topic)
    notifications.follow(thread.topic, user)


def start_thread(member, category, title, text, *, confirmed=False, follow=False, now=None) -> Post:
    """A new topic with its opening post. NeedsConfirmation first when crisis words are in it."""
    now = now or timezone.now()
    standing = check_may_post(member, now)
    screening = check_text(standing, title, text)
    if screening.crisis and not confirmed:
        raise NeedsConfirmation(screening, waits=bool(_hold(member, standing, screening, now)))
    with transaction.atomic():
        thread = Thread.objects.create(
            category=category,
            title=title,
            author=member,
            created_at=now,
            last_post_at=now,
            awaits_professional=category.asks_professionals,
        )
        post = _place(member, standing, thread, text, screening, opening=True, now=now)
        if follow:
            _follow(thread, member.user)
    return post


def reply(member, thread, text, *, confirmed=False, follow=False, now=None) -> Post:
    now = now or timezone.now()
    standing = check_may_post(member, now)
    if not thread.is_public:
        raise Refused(_("Op dit onderwerp kun je (nog) niet reageren."), code="closed")
    screening = check_text(standing, text)
    if screening.crisis and not confirmed:
        raise NeedsConfirmation(screening, waits=bool(_hold(member, standing, screening, now)))
    with transaction.atomic():
        post = _place(member, standing, thread, text, screening, opening=False, now=now)
        if follow:
            _follow(thread, member.user)
    return post


# --- own posts -------------------------------------------------------------------------------------


def may_edit(member, post, now=None) -> bool:
    now = now or timezone.now()
    return (
        member is not None
        and post.author_id == member.pk
        and post.status in OWN_STATUSES
        and now - post.created_at <= datetime.timedelta(minutes=settings.FORUM_EDIT_MINUTES)
    )


def may_ask_review(member, post) -> bool:
    return (
        member is not None
        and post.author_id == member.pk
        and post.status == PostStatus.HIDDEN
        and post.review_requested_at is None
    )


def edit(member, post, text, title=None, now=None) -> Post:
    """The author changes their post: within FORUM_EDIT_MINUTES, or once for a hidden post to
    ask for review. Screened again; crisis words put it on top of the queue, watched words hide
    it until a moderator looked. A visible post of an account that is not trusted goes back to
    WAITING (queued REVIEW) until a moderator looked again; a trusted edit stays visible."""
    now = now or timezone.now()
    review = may_ask_review(member, post)
    if not review and not may_edit(member, post, now):
        raise Refused(
            _("Dit bericht kun je niet meer aanpassen (dat kan tot %(m)d minuten na plaatsen).")
            % {"m": settings.FORUM_EDIT_MINUTES},
            code="edit",
        )
    standing = trust.standing(member, now)
    if standing.blocked:
        check_may_post(member, now)
    screening = check_text(standing, title or "", text)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        post.text, post.edited_at = text, now
        fields = ["text", "edited_at"]
        if review:
            post.review_requested_at = now
            fields.append("review_requested_at")
        if screening.crisis:
            post.urgent = True
            fields.append("urgent")
        post.save(update_fields=fields)
        if title and post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(title=title)
        if review:
            queue.enqueue(post, QueueKind.REVIEW, now=now)
        if screening.crisis:
            queue.enqueue(post, QueueKind.CRISIS, urgent=True, now=now)
        if screening.held:
            if post.status == PostStatus.VISIBLE:
                services.step(post, PostStatus.HIDDEN, by=member.user, reason=Reason.DEALING)
            queue.enqueue(post, QueueKind.HELD, now=now)
        elif post.status == PostStatus.VISIBLE and not standing.trusted:
            # Not trusted yet: the changed text waits for a moderator again (an approved
            # harmless text is not rewritten into something else behind their backs).
            services.step(post, PostStatus.WAITING, by=member.user)
            queue.enqueue(post, QueueKind.HELD, now=now)
    return post


def withdraw(member, post) -> None:
    if member is None or post.author_id != member.pk:
        raise Refused(_("Je kunt alleen je eigen berichten verwijderen."), code="own")
    if post.status in (PostStatus.WITHDRAWN, PostStatus.REMOVED):
        raise Refused(_("Dit bericht is al verwijderd."), code="gone")
    with transaction.atomic():
        services.step(post, PostStatus.WITHDRAWN, by=member.user)
        queue.close_withdrawn(post)


# --- thanks and mutes ------------------------------------------------------------------------------


def toggle_thanks(member, post, now=None) -> bool:
    """Thank (or un-thank) a visible post of someone else; True when thanked now."""
    if post.author_id == member.pk:
        raise Refused(_("Je eigen bericht kun je niet bedanken."), code="own")
    if member.is_blocked(now):
        raise blocked_refusal(member, _("Bedanken kan weer als de blokkade voorbij is."))
    if post.status != PostStatus.VISIBLE:
        raise Refused(_("Dit bericht kun je niet bedanken."), code="status")
    with transaction.atomic():
        deleted, _rows = Thanks.objects.filter(post=post, member=member).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(thanks_count=F("thanks_count") - 1)
            return False
        try:
            with transaction.atomic():
                Thanks.objects.create(post=post, member=member)
        except IntegrityError:  # the same click twice at once
            return True
        Post.objects.filter(pk=post.pk).update(thanks_count=F("thanks_count") + 1)
        return True


def mute(member, other) -> None:
    if other.pk == member.pk:
        raise Refused(_("Jezelf dempen kan niet."), code="self")
    Mute.objects.get_or_create(member=member, muted=other)


def unmute(member, other) -> None:
    Mute.objects.filter(member=member, muted=other).delete()


def muted_ids(member) -> set[int]:
    if member is None:
        return set()
    return set(Mute.objects.filter(member=member).values_list("muted_id", flat=True))


# --- reports ---------------------------------------------------------------------------------------


def report(member, post, reason, note="", now=None) -> PostReport:
    """One report per member and post. "Ik maak me zorgen" puts the post on top of the queue and
    never hides it; otherwise the weights of the unhandled reports decide: at
    FORUM_HIDE_AFTER_REPORTS the post is hidden until a moderator looked (the author is told),
    below it the post is queued as reported. The post's row is locked, so two reports at the same
    moment cannot both hide it."""
    now = now or timezone.now()
    if member is None:
        raise Refused(_("Doe eerst mee aan de vrijplaats om te melden."), code="join")
    if post.author_id == member.pk:
        raise Refused(_("Dit is je eigen bericht; dat kun je niet melden."), code="own")
    standing = trust.standing(member, now)
    if standing.blocked and reason not in CARE_REASONS:
        # Worry about someone stays open to a blocked member: a safety channel, never hiding.
        raise blocked_refusal(member, _("Melden kan weer als de blokkade voorbij is."))
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        if post.status not in (PostStatus.VISIBLE, PostStatus.HIDDEN, PostStatus.WAITING):
            raise Refused(_("Dit bericht is al verwijderd."), code="gone")
        if PostReport.objects.filter(post=post, reporter=member).exists():
            raise Refused(
                _("Je hebt dit bericht al gemeld. Een moderator bekijkt het."), code="twice"
            )
        weight = standing.report_weight
        made = PostReport.objects.create(
            post=post,
            reporter=member,
            reason=reason,
            note=note,
            counts=weight > 0,
            weight=weight,
            created_at=now,
        )
        if reason in CARE_REASONS:
            queue.enqueue(post, QueueKind.CRISIS, urgent=True, now=now)
            return made
        open_reports = list(
            post.reports.filter(handled_at__isnull=True)
            .exclude(reason__in=CARE_REASONS)
            .values_list("reason", "weight")
        )
        total = sum(w for _r, w in open_reports)
        if post.status == PostStatus.VISIBLE and total >= settings.FORUM_HIDE_AFTER_REPORTS:
            common = Counter(r for r, _w in open_reports).most_common(1)[0][0]
            services.step(post, PostStatus.HIDDEN, reason=common)
            queue.enqueue(post, QueueKind.HIDDEN, now=now)
            queue.log(ModerationAction.AUTO_HIDE, post=post, reason=common)
            transaction.on_commit(lambda: tell_hidden(post, common))
        else:
            queue.enqueue(post, QueueKind.REPORTED, now=now)
    return made


def tell_hidden(post, reason) -> None:
    """A short service mail to the author of a post hidden after reports."""
    author = Member.objects.filter(pk=post.author_id).select_related("user").first()
    if author is None:
        return
    body = _(
        "Hoi %(name)s,\n\nJe bericht in de vrijplaats (“%(title)s”) is verborgen omdat anderen "
        "het meldden. De reden: %(reason)s.\n\nEen moderator bekijkt het. Je mag het bericht één "
        "keer aanpassen en om herbeoordeling vragen:\n%(link)s\n\nDe moderatoren van de vrijplaats"
    ) % {
        "name": author.pseudonym,
        "title": post.thread.title,
        "reason": Reason(reason).label,
        "link": absolute(post_path(post)),
    }
    notifications.send_service_mail(
        author.user, _("Je bericht in de vrijplaats is verborgen"), body, purpose="vrijplaats"
    )

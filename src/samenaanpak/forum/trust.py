"""Trust levels and the rules that follow from them (documented in docs/vrijplaats.md).

- Level 0, "Nieuw": a new account. Its first FIRST_POSTS_HELD posts wait for a moderator; it may
  write at most NEW_DAILY_POSTS posts a day; no links; its reports are stored and shown to the
  moderators, but do not hide a post by themselves. Outside staffed hours all its posts wait.
- Level 1, "Vertrouwd": after FIRST_POSTS_HELD approved posts AND TRUSTED_AFTER days. Posts appear
  at once (unless a watched word holds them), links allowed, its reports count towards hiding.
- A moderator may raise or lower the level (`Member.level_override`), logged.
- Hulpverleners (group Hulpverlener) and moderators are roles, not levels: their posts appear at
  once with a badge, and one report of theirs hides a post.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import Member, StaffedPeriod, TrustLevel
from .status import AuthorRole

FIRST_POSTS_HELD = 3
TRUSTED_AFTER = datetime.timedelta(days=7)
NEW_DAILY_POSTS = 5
TRUSTED_DAILY_POSTS = 40
PROFESSIONAL_GROUP = "Hulpverlener"
MODERATOR_GROUP = "Moderator"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def computed_level(member: Member, now=None) -> int:
    now = now or timezone.now()
    if member.approved_posts >= FIRST_POSTS_HELD and now - member.joined_at >= TRUSTED_AFTER:
        return TrustLevel.TRUSTED
    return TrustLevel.NEW


def level(member: Member, now=None) -> int:
    if member.level_override is not None:
        return member.level_override
    return computed_level(member, now)


def is_moderator(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("forum.moderate_forum")
    )


def is_professional(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=PROFESSIONAL_GROUP).exists()


def role_of(user) -> str:
    if is_moderator(user):
        return AuthorRole.MODERATOR
    if is_professional(user):
        return AuthorRole.PROFESSIONAL
    return AuthorRole.MEMBER


@dataclass(frozen=True)
class Standing:
    """What a member may do now, worked out once per request."""

    level: int
    role: str
    blocked: bool

    @property
    def staff(self) -> bool:
        return self.role in (AuthorRole.MODERATOR, AuthorRole.PROFESSIONAL)

    @property
    def trusted(self) -> bool:
        return self.staff or self.level >= TrustLevel.TRUSTED

    @property
    def may_link(self) -> bool:
        return self.trusted

    @property
    def daily_posts(self) -> int:
        return TRUSTED_DAILY_POSTS if self.trusted else NEW_DAILY_POSTS

    @property
    def report_weight(self) -> int:
        """How much a report weighs towards hiding: staff hide at once, trusted accounts count
        one, new accounts nothing (stored and shown, but no hiding by a few new accounts)."""
        if self.staff:
            return settings.FORUM_HIDE_AFTER_REPORTS
        return 1 if self.trusted else 0


def standing(member: Member, now=None) -> Standing:
    return Standing(
        level=level(member, now), role=role_of(member.user), blocked=member.is_blocked(now)
    )


# --- staffed hours -------------------------------------------------------------------------------


def _periods():
    return list(StaffedPeriod.objects.order_by("weekday", "starts"))


def is_staffed(now=None, periods=None) -> bool:
    local = timezone.localtime(now or timezone.now(), AMSTERDAM)
    for period in _periods() if periods is None else periods:
        if period.weekday == local.weekday() and period.starts <= local.time() < period.ends:
            return True
    return False


def next_staffed(now=None, periods=None):
    """The start of the next staffed period (aware, Europe/Amsterdam), or None without periods.
    Now itself when staffed."""
    periods = _periods() if periods is None else periods
    if not periods:
        return None
    local = timezone.localtime(now or timezone.now(), AMSTERDAM)
    if is_staffed(local, periods):
        return local
    for days in range(8):
        day = (local + datetime.timedelta(days=days)).date()
        for period in periods:
            if period.weekday != day.weekday():
                continue
            start = datetime.datetime.combine(day, period.starts, tzinfo=AMSTERDAM)
            if start > local:
                return start
    return None

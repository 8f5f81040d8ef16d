"""A handler's keys during a back-office session.

At login (reports.auth) the member's private key is unwrapped with the password and kept for the
session only, encrypted: the ciphertext lives in the server-side session, the key that opens it
in an HttpOnly cookie limited to the back office (settings.ADMIN_PATH). Neither half alone (a session table in a dump, or a
stolen cookie without the session) opens anything.

The password comes before the second factor, so the key is unwrapped into a session that has not
entered a code yet. It stays pending there: member_private_key() hands it out only to the user it
was unwrapped for, and only once the session is verified with a code (docs/meldpunt.md)."""

import base64
import contextvars

import nacl.secret
import nacl.utils
from django.conf import settings
from django.db import transaction
from nacl.exceptions import CryptoError

from . import crypto
from .models import AuditEntry, MemberKey, Report, Team, TeamKeyGrant
from .permissions import TEAMS
from .vault import kdf_params

SESSION_KEY = "reports.member_key"
COOKIE_NAME = "meldpunt_sleutel"

# The request being handled (set by middleware.HandlerKeyCookieMiddleware), so that a password
# change deep inside Django can re-wrap the key with what this session holds.
current_request = contextvars.ContextVar("reports_current_request", default=None)


def _remember(request, user, private_key: bytes) -> None:
    cookie_key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
    sealed = base64.b64encode(nacl.secret.SecretBox(cookie_key).encrypt(private_key)).decode()
    # Bound to the user: the password step runs in a session that is still anonymous, and a
    # different user might finish signing in with it.
    request.session[SESSION_KEY] = {"user": str(user.pk), "sealed": sealed}
    request._report_key_cookie = base64.urlsafe_b64encode(
        cookie_key
    ).decode()  # set by the middleware


def _verified_user(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's middleware
    return user if is_verified is not None and is_verified() else None


def member_private_key(request) -> bytes | None:
    """The member key of the signed-in user, only in a session verified with a second factor."""
    user = _verified_user(request)
    stored = request.session.get(SESSION_KEY)
    if user is None or not isinstance(stored, dict) or stored.get("user") != str(user.pk):
        return None
    sealed = stored.get("sealed")
    # Right after the login the cookie is only on its way to the browser.
    cookie = getattr(request, "_report_key_cookie", None) or request.COOKIES.get(COOKIE_NAME)
    if not sealed or not cookie:
        return None
    try:
        return nacl.secret.SecretBox(base64.urlsafe_b64decode(cookie)).decrypt(
            base64.b64decode(sealed)
        )
    except (CryptoError, ValueError, TypeError):
        return None


def unlock(request, user, password: str) -> str:
    """Called with the password at login or on the unlock page. Returns what happened:
    'unlocked', 'created' (first time: a key pair was made), 'reset' (the password was reset
    without the old one, so the old key is gone and a colleague must grant access again) or
    'not_a_member'."""
    teams = list(TEAMS.units(user))
    if not teams and not MemberKey.objects.filter(user=user).exists():
        return "not_a_member"
    private, outcome = _open_or_create_member_key(user, password)
    for team in teams:
        _bootstrap_team_key(team, user, private)
    _remember(request, user, private)
    return outcome


def enrol_with_password(user, password: str) -> None:
    """Outside a request (the demo loader): make the member's key with their password and, for a
    team without a key, make the team key too."""
    private, _ = _open_or_create_member_key(user, password)
    for team in TEAMS.units(user):
        _bootstrap_team_key(team, user, private)


def _open_or_create_member_key(user, password: str) -> tuple[bytes, str]:
    """The member's private key and 'unlocked', 'created' or 'reset' (see unlock)."""
    params = kdf_params()
    member = MemberKey.objects.filter(user=user).first()
    if member is not None:
        try:
            return crypto.unwrap_member_key(_as_member(member), password, params), "unlocked"
        except CryptoError:
            # Wrapped under a password that is gone: the key, and the grants sealed to it, are useless.
            member.delete()
            TeamKeyGrant.objects.filter(user=user).delete()
    private, public = crypto.new_key_pair()
    key = crypto.wrap_member_key(private, public, password, params)
    MemberKey.objects.create(
        user=user,
        public_key=key.public_key,
        salt=key.salt,
        wrapped_private_key=key.wrapped_private_key,
    )
    return private, "reset" if member is not None else "created"


def _as_member(row: MemberKey) -> crypto.MemberKey:
    return crypto.MemberKey(
        public_key=bytes(row.public_key),
        salt=bytes(row.salt),
        wrapped_private_key=bytes(row.wrapped_private_key),
    )


def _bootstrap_team_key(team: Team, user, member_private: bytes) -> None:
    """A team without a key gets one from its first member to sign in (nobody else can have it)."""
    if team.public_key:
        return
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if locked.public_key:
            return
        team_private, team_public = crypto.new_key_pair()
        locked.public_key = team_public
        locked.save(update_fields=["public_key"])
        member_public = bytes(MemberKey.objects.get(user=user).public_key)
        TeamKeyGrant.objects.create(
            team=locked,
            user=user,
            sealed_team_key=crypto.grant_team_key(team_private, member_public),
        )
        team.public_key = team_public


def team_private_key(request, team) -> bytes | None:
    member_private = member_private_key(request)
    if member_private is None or not team.has_member(request.user):
        return None
    grant = TeamKeyGrant.objects.filter(team=team, user=request.user).first()
    if grant is None:
        return None
    try:
        return crypto.open_team_key(bytes(grant.sealed_team_key), member_private)
    except CryptoError:
        return None


@transaction.atomic
def grant(request, team, new_member) -> bool:
    """Give `new_member` (who has signed in once, so has a key) access to the team's reports."""
    team = Team.objects.select_for_update().get(pk=team.pk)  # not halfway through a rotation
    team_private = team_private_key(request, team)
    member = MemberKey.objects.filter(user=new_member).first()
    if (
        team_private is None
        or member is None
        or not new_member.is_active
        or not team.has_member(new_member)
    ):
        return False
    TeamKeyGrant.objects.update_or_create(
        team=team,
        user=new_member,
        defaults={
            "sealed_team_key": crypto.grant_team_key(team_private, bytes(member.public_key)),
            "granted_by": request.user,
        },
    )
    AuditEntry.record(
        AuditEntry.Action.GRANT, user=request.user, team=team, detail=new_member.get_username()
    )
    return True


def _acting_user():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def revoke_stale_grants(grants, *, all_of_them=False) -> int:
    """Delete the grants (of a TeamKeyGrant queryset) whose holder is no longer an active member
    of the team, each with an audit entry. Called when group membership changes or a user is
    deactivated or deleted (reports.signals). The team key itself does not change: whoever kept a
    copy of it can still open the reports sealed to it until a member rotates it (rotate_team_key).
    `all_of_them`: for a user about to be deleted."""
    revoked = 0
    by = _acting_user()
    for grant in grants.select_related("team", "user"):
        holder = grant.user
        if not all_of_them and holder.is_active and grant.team.has_member(holder):
            continue
        grant.delete()
        AuditEntry.record(
            AuditEntry.Action.REVOKED, user=by, team=grant.team, detail=holder.get_username()
        )
        revoked += 1
    return revoked


def rotate_team_key(request, team) -> tuple[int, int] | None:
    """A new team key pair: every report of the team whose key opens with the current team key is
    re-sealed to the new one, and every active member who had access gets the new key; grants of
    anyone else are dropped. One transaction, with the team row locked, so no grant or new report
    can use the old key meanwhile. Returns (re-sealed, left as they were) or None without the key.

    Reports the current key cannot open (sealed to a key from before a recovery) stay as they are."""
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        old_private = team_private_key(request, team)
        if old_private is None:
            return None
        new_private, new_public = crypto.new_key_pair()
        resealed, skipped, batch = 0, 0, []
        for report in (
            Report.objects.filter(team=team).only("pk", "private_for_team").iterator(chunk_size=500)
        ):
            try:
                private = crypto.unseal(old_private, bytes(report.private_for_team))
            except (CryptoError, ValueError, TypeError):
                skipped += 1
                continue
            report.private_for_team = crypto.seal(new_public, private)
            batch.append(report)
            if len(batch) >= 500:
                resealed += len(batch)
                Report.objects.bulk_update(batch, ["private_for_team"])
                batch = []
        resealed += len(batch)
        Report.objects.bulk_update(batch, ["private_for_team"])
        team.public_key = new_public
        team.save(update_fields=["public_key"])
        revoke_stale_grants(TeamKeyGrant.objects.filter(team=team))
        for grant in TeamKeyGrant.objects.filter(team=team).select_related("user__report_key"):
            member = getattr(grant.user, "report_key", None)
            if (
                member is None
            ):  # cannot happen (a reset drops key and grants together); never keep the old key
                grant.delete()
                continue
            grant.sealed_team_key = crypto.grant_team_key(new_private, bytes(member.public_key))
            grant.save(update_fields=["sealed_team_key"])
        AuditEntry.record(
            AuditEntry.Action.ROTATED,
            user=request.user,
            team=team,
            detail=f"{resealed} meldingen" + (f", {skipped} niet" if skipped else ""),
        )
    return resealed, skipped


def rotation_advised(team) -> bool:
    """Someone lost access since the team key was last made or rotated: they may have kept it."""
    last_revoked = (
        AuditEntry.objects.filter(team=team, action=AuditEntry.Action.REVOKED)
        .order_by("-pk")
        .first()
    )
    if last_revoked is None:
        return False
    return not AuditEntry.objects.filter(
        team=team, action=AuditEntry.Action.ROTATED, pk__gt=last_revoked.pk
    ).exists()


def rewrap_for_new_password(user, new_password: str) -> bool:
    """On a password change in this session: wrap the same key under the new password."""
    request = current_request.get()
    member = MemberKey.objects.filter(user=user).first()
    if request is None or member is None or getattr(request, "user", None) != user:
        return False
    private = member_private_key(request)
    if private is None:
        return False
    key = crypto.wrap_member_key(private, bytes(member.public_key), new_password, kdf_params())
    member.salt, member.wrapped_private_key = key.salt, key.wrapped_private_key
    member.save(update_fields=["salt", "wrapped_private_key", "updated_at"])
    return True


def cookie_settings() -> dict:
    return {
        "path": settings.ADMIN_PATH,
        "httponly": True,
        "secure": settings.SESSION_COOKIE_SECURE,
        "samesite": "Strict",
    }

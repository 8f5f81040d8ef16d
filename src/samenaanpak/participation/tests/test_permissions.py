"""Who may do what on the residents' side of /denk-mee/ (the back office's actions are tested in
the back office's own matrix): roles × actions, each through its screen."""

import pytest
from django.contrib.auth.models import Group, Permission

from ..models import Comment, CommentReport, Idea, Support
from ..services import add_comment
from ..status import IdeaStatus
from .factories import public_account, public_idea
from .helpers import form_data

pytestmark = pytest.mark.django_db

ROLES = ["anoniem", "nieuw", "gevestigd", "auteur", "denktank", "andere_denktank", "moderator"]

# Outcome per role and action: "ok" done, "login" sent to sign in, "404", "eigen" refused (own).
EXPECTED = {
    "anoniem": dict(list="ok", waiting="404", submit="login", support="login", comment="login", report="login"),
    "nieuw": dict(list="ok", waiting="404", submit="wacht", support="ok", comment="ok", report="telt niet"),
    "gevestigd": dict(list="ok", waiting="404", submit="ontvangen", support="ok", comment="ok", report="telt"),
    "auteur": dict(list="ok", waiting="ok", submit="ontvangen", support="eigen", comment="ok", report="eigen"),
    "denktank": dict(list="ok", waiting="ok", submit="ontvangen", support="ok", comment="ok", report="telt"),
    "andere_denktank": dict(list="ok", waiting="404", submit="ontvangen", support="ok", comment="ok", report="telt"),
    "moderator": dict(list="ok", waiting="ok", submit="ontvangen", support="ok", comment="ok", report="verborgen"),
}  # fmt: skip


@pytest.fixture
def world(nijkerk):
    author = public_account("Auteur")
    public = public_idea(author, title="Openbaar")
    public_idea(author, status=IdeaStatus.RECEIVED, title="Eerder geplaatst")
    waiting = Idea.objects.create(
        author=author, think_tank=public.think_tank, title="Wachtend", text="..."
    )
    from samenaanpak.core.history import record_status

    record_status(waiting, IdeaStatus.WAITING)
    comment = add_comment(public, author, "Reactie van de auteur")
    tank_member = public_account("Denktanklid")
    tank_member.groups.add(Group.objects.get(name=f"Denktank {public.think_tank.title}"))
    other_tank = public_account("Ander denktanklid")
    other = Group.objects.filter(name__startswith="Denktank ").exclude(
        name=f"Denktank {public.think_tank.title}"
    )
    other_tank.groups.add(other.first())
    moderator = public_account("Moderator")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_idea"))
    return {
        "users": {
            "anoniem": None,
            "nieuw": public_account("Nieuw", established=False),
            "gevestigd": public_account("Gevestigd"),
            "auteur": author,
            "denktank": tank_member,
            "andere_denktank": other_tank,
            "moderator": moderator,
        },
        "public": public,
        "waiting": waiting,
        "comment": comment,
    }


def _outcome(response, ok_codes=(200, 302)):
    if response.status_code == 302 and "/account/" in response["Location"]:
        return "login"
    if response.status_code == 404:
        return "404"
    if response.status_code == 403:
        return "eigen"
    assert response.status_code in ok_codes, response.status_code
    return "ok"


def _act(client, world, action, user):
    public, comment = world["public"], world["comment"]
    if action == "list":
        return _outcome(client.get("/denk-mee/"))
    if action == "waiting":
        return _outcome(client.get(f"/denk-mee/{world['waiting'].pk}/"))
    if action == "submit":
        data = form_data(think_tank=str(public.think_tank_id), title="Nieuw idee", text="Tekst")
        outcome = _outcome(client.post("/denk-mee/nieuw/", data))
        if outcome == "ok":
            return Idea.objects.get(title="Nieuw idee", author=user).status
        return outcome
    if action == "support":
        outcome = _outcome(client.post(f"/denk-mee/{public.pk}/steun/"))
        assert Support.objects.filter(idea=public, user=user).exists() == (outcome == "ok")
        return outcome
    if action == "comment":
        data = form_data(text=f"Reactie {action}")
        outcome = _outcome(client.post(f"/denk-mee/{public.pk}/reageren/", data))
        assert Comment.objects.filter(
            author=user, idea=public, text="Reactie comment"
        ).exists() == (outcome == "ok")
        return outcome
    if action == "report":
        data = form_data(reason="kwetsend")
        outcome = _outcome(client.post(f"/denk-mee/reactie/{comment.pk}/melden/", data))
        if outcome != "ok":
            assert not CommentReport.objects.filter(reporter=user).exists() or user is None
            return outcome
        report = CommentReport.objects.get(reporter=user)
        comment.refresh_from_db()
        if comment.status == "verborgen":
            return "verborgen"
        return "telt" if report.counts else "telt niet"
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, verified_login):
    user = world["users"][role]
    if role in ("denktank", "andere_denktank"):
        verified_login(client, user)  # staff accounts: signed in with their second factor
    elif user is not None:
        client.force_login(user)
    found = {action: _act(client, world, action, user) for action in EXPECTED[role]}
    assert found == EXPECTED[role]

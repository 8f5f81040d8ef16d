"""Who may do what in the vrijplaats: one table of roles × public actions, through the screens."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.accounts.tests.factories import public_account
from samenaanpak.participation.tests.helpers import form_data

from ..models import Member, Mute, Post, PostReport, Thanks
from .factories import MemberFactory, moderator, place, professional, public_thread

pytestmark = pytest.mark.django_db

ROLES = ["anoniem", "nieuw", "vertrouwd", "hulpverlener", "moderator", "geblokkeerd"]


def _member(role):
    if role == "anoniem":
        return None
    if role == "nieuw":
        return MemberFactory()
    if role == "vertrouwd":
        return MemberFactory(trusted=True)
    if role == "hulpverlener":
        return professional()
    if role == "moderator":
        return moderator()
    return MemberFactory(
        trusted=True,
        blocked_until=timezone.now() + datetime.timedelta(days=3),
        block_reason="Drie waarschuwingen",
    )


def _outcome(response, login="/account"):
    if response.status_code == 302 and login in response["Location"]:
        return "login"
    if response.status_code in (400, 403, 409, 429):
        return "geweigerd"
    return None


def read(client, member, thread, other_post):
    response = client.get(f"/vrijplaats/onderwerp/{thread.pk}/")
    return (
        "ok"
        if response.status_code == 200 and "De openingsvraag" in response.content.decode()
        else "?"
    )


def join(client, member, thread, other_post):
    if member is not None:  # the same kind of account, before it joined
        Member.objects.filter(pk=member.pk).delete()
    data = form_data(pseudonym="Nieuwe_naam", age="16", accept="on")
    response = client.post("/vrijplaats/meedoen/", data)
    found = _outcome(response)
    if found:
        return found
    return "lid" if Member.objects.filter(pseudonym="Nieuwe_naam").exists() else "?"


def _new_post(member):
    post = Post.objects.filter(author=member).order_by("-pk").first() if member else None
    return post.status if post else "niets"


def new_thread(client, member, thread, other_post):
    response = client.post(
        "/vrijplaats/praat-erover/nieuw/", form_data(title="Een vraag", text="Wat vinden jullie?")
    )
    return _outcome(response) or _new_post(member)


def reply(client, member, thread, other_post):
    response = client.post(
        f"/vrijplaats/onderwerp/{thread.pk}/reageren/", form_data(text="Ik herken dit.")
    )
    return _outcome(response) or _new_post(member)


def link(client, member, thread, other_post):
    response = client.post(
        f"/vrijplaats/onderwerp/{thread.pk}/reageren/",
        form_data(text="Kijk eens op www.jouwweb.nl voor meer."),
    )
    return _outcome(response) or _new_post(member)


def edit_late(client, member, thread, other_post):
    if member is None:
        own = other_post
    else:
        own = place(
            thread,
            member,
            "Oud bericht",
            created_at=timezone.now() - datetime.timedelta(minutes=31),
        )
    response = client.post(f"/vrijplaats/bericht/{own.pk}/bewerken/", form_data(text="Nieuw"))
    return _outcome(response) or ("bewerkt" if Post.objects.get(pk=own.pk).text == "Nieuw" else "?")


def delete(client, member, thread, other_post):
    own = place(thread, member, "Weg ermee") if member else other_post
    response = client.post(f"/vrijplaats/bericht/{own.pk}/verwijderen/")
    return _outcome(response) or Post.objects.get(pk=own.pk).status


def thanks(client, member, thread, other_post):
    response = client.post(f"/vrijplaats/bericht/{other_post.pk}/bedankt/")
    return _outcome(response) or (
        "bedankt" if Thanks.objects.filter(member=member).exists() else "?"
    )


def report(client, member, thread, other_post):
    response = client.post(
        f"/vrijplaats/bericht/{other_post.pk}/melden/", form_data(reason="pesten", note="")
    )
    found = _outcome(response)
    if found:
        return found
    assert PostReport.objects.filter(reporter=member).exists()
    return Post.objects.get(pk=other_post.pk).status


def mute(client, member, thread, other_post):
    response = client.post(f"/vrijplaats/deelnemer/{other_post.author_id}/dempen/")
    return _outcome(response) or ("gedempt" if Mute.objects.filter(member=member).exists() else "?")


W, V, H, X, L = "wacht", "zichtbaar", "verborgen", "geweigerd", "login"
# fmt: off
TABLE = {  # anoniem, nieuw, vertrouwd, hulpverlener, moderator, geblokkeerd
    read:       ["ok", "ok", "ok", "ok", "ok", "ok"],
    join:       [L, "lid", "lid", "lid", "lid", "lid"],
    new_thread: [L, W, V, V, V, X],
    reply:      [L, W, V, V, V, X],
    link:       [L, X, V, V, V, X],
    edit_late:  [L, X, X, X, X, X],
    delete:     [L, "ingetrokken", "ingetrokken", "ingetrokken", "ingetrokken", "ingetrokken"],
    thanks:     [L, "bedankt", "bedankt", "bedankt", "bedankt", X],
    report:     [L, V, V, H, H, X],
    mute:       [L, "gedempt", "gedempt", "gedempt", "gedempt", "gedempt"],
}
# fmt: on
CASES = [
    pytest.param(action, role, expected, id=f"{action.__name__}-{role}")
    for action, row in TABLE.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_who_may_do_what(client, forum, verified_login, action, role, expected):
    thread = public_thread(category=forum)
    other_post = place(thread, MemberFactory(trusted=True), "Van iemand anders")
    member = _member(role)
    if member is not None:
        verified_login(client, member.user)
    if action is join and member is not None and member.stated_age is None:
        # hulpverleners and moderators join without an age
        pass
    assert action(client, member, thread, other_post) == expected


def test_a_back_office_account_without_a_forum_role_cannot_join(client, forum, verified_login):
    from django.contrib.auth.models import Group

    user = public_account()
    user.groups.add(Group.objects.get(name="Redacteur"))
    verified_login(client, user)
    response = client.get("/vrijplaats/meedoen/")
    assert response.status_code == 403

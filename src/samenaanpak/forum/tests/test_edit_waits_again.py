"""An edit by an account that is not trusted puts a visible post back to waiting (HELD: it did not ask for a review)."""

import pytest
from django.contrib.auth import get_user_model

from samenaanpak.participation.tests.helpers import form_data

from .. import moderation, posting
from ..queue import open_items
from ..status import POST_TRANSITIONS, PostStatus, QueueKind
from .factories import MemberFactory, place, public_thread

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


# --- F9: a new account's edit waits again ------------------------------------------------------------


def test_visible_may_go_back_to_waiting_and_a_withdrawal_is_final():
    assert PostStatus.WAITING in POST_TRANSITIONS[PostStatus.VISIBLE]
    assert POST_TRANSITIONS[PostStatus.WITHDRAWN] == frozenset()


def test_a_new_accounts_approved_post_waits_again_after_an_edit(client, forum):
    member = MemberFactory()
    thread = public_thread(category=forum)
    post = place(thread, member, "Iets aardigs", status=PostStatus.WAITING)
    mod_user = get_user_model().objects.create(username="mod-fix")
    moderation.approve(post, mod_user)
    member.refresh_from_db()
    assert member.approved_posts == 1
    client.force_login(member.user)
    assert "kijkt een moderator er opnieuw naar" in _html(
        client.get(f"/vrijplaats/bericht/{post.pk}/bewerken/")
    )
    response = client.post(
        f"/vrijplaats/bericht/{post.pk}/bewerken/", form_data(text="Iets gemeens")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.WAITING and post.text == "Iets gemeens"
    assert open_items().get(post=post).kind == QueueKind.HELD
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert "een moderator kijkt er opnieuw naar" in page
    client.logout()
    assert "Iets gemeens" not in _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    # Approved again: it counts once towards the trusted level.
    moderation.approve(post, mod_user)
    member.refresh_from_db()
    assert member.approved_posts == 1


def test_a_trusted_edit_stays_visible(forum):
    member = MemberFactory(trusted=True)
    post = place(public_thread(category=forum), member, "Eerste versie")
    posting.edit(member, post, "Tweede versie")
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE and not open_items().filter(post=post).exists()

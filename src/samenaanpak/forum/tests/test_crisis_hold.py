"""A crisis word never lets a post skip the hold: it waits when any post would, urgent, on top."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.participation.tests.helpers import form_data

from .. import trust
from ..models import Post, StaffedPeriod, WatchedWord
from ..queue import enqueue, open_items
from ..status import HoldReason, PostStatus, QueueKind
from .factories import MemberFactory, place, public_thread

pytestmark = pytest.mark.django_db
NEW = "/vrijplaats/praat-erover/nieuw/"
CRISIS_TEXT = "Ik denk aan zelfmoord."


def _html(response):
    return response.content.decode()


def _confirm(client, url, data):
    """Post, see the help first, then confirm with the signed token; (help page, response)."""
    first = client.post(url, data)
    assert first.status_code == 200 and "Plaats mijn bericht" in _html(first)
    token = _html(first).split('name="confirmed" value="')[1].split('"')[0]
    return _html(first), client.post(url, {**data, "confirmed": token})


# --- F2: crisis words never skip the hold -----------------------------------------------------------


def test_a_new_accounts_crisis_post_waits_urgent_on_top_and_is_told_so(client, forum):
    older = public_thread(category=forum)
    enqueue(place(older, MemberFactory(trusted=True), "ouder"), QueueKind.REPORTED)
    member = MemberFactory()
    client.force_login(member.user)
    help_page, response = _confirm(client, NEW, form_data(title="Het gaat niet", text=CRISIS_TEXT))
    assert "0800-0113" in help_page and "Een moderator leest het eerst" in help_page
    assert response.status_code == 302
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.NEW_ACCOUNT
    assert post.urgent and not post.thread.is_public
    first = open_items().first()
    assert first.post_id == post.pk and first.kind == QueueKind.CRISIS and first.urgent
    page = _html(client.get(f"/vrijplaats/onderwerp/{post.thread_id}/"))
    assert "Wacht op een moderator" in page and "Er is nu een moderator" in page
    assert "0800-0113" in page and CRISIS_TEXT in page
    client.force_login(MemberFactory(trusted=True).user)
    assert client.get(f"/vrijplaats/onderwerp/{post.thread_id}/").status_code == 404


def test_off_hours_a_crisis_reply_waits_and_says_when_a_moderator_looks(client, forum):
    thread = public_thread(category=forum)
    StaffedPeriod.objects.all().delete()
    tomorrow = (
        timezone.localtime(timezone.now(), trust.AMSTERDAM) + datetime.timedelta(1)
    ).weekday()
    StaffedPeriod.objects.create(weekday=tomorrow, starts=datetime.time(15), ends=datetime.time(21))
    member = MemberFactory(
        approved_posts=trust.FIRST_POSTS_HELD
    )  # past the first posts, not trusted
    client.force_login(member.user)
    url = f"/vrijplaats/onderwerp/{thread.pk}/reageren/"
    help_page, response = _confirm(client, url, form_data(text=CRISIS_TEXT))
    assert "De volgende kijkt vanaf" in help_page
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.OFF_HOURS
    item = open_items().get(post=post)
    assert item.kind == QueueKind.CRISIS and item.urgent


def test_a_watched_word_holds_a_trusted_crisis_post_too(client, forum):
    WatchedWord.objects.get_or_create(kind=WatchedWord.Kind.HOLD, phrase="xtc te koop")
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    _confirm(client, NEW, form_data(title="Feest", text="XTC te koop, daarna zelfmoord"))
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.WATCHED_WORD
    assert open_items().get(post=post).kind == QueueKind.CRISIS


def test_a_trusted_crisis_post_is_placed_at_once_and_urgent(client, forum):
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    help_page, _response = _confirm(client, NEW, form_data(title="Zwaar", text=CRISIS_TEXT))
    assert "Een moderator leest het dan zo snel mogelijk" in help_page
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.VISIBLE and post.urgent
    assert open_items().get(post=post).kind == QueueKind.CRISIS

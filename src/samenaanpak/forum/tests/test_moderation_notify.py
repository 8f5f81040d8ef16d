"""The mail to moderators: when an item waited FORUM_QUEUE_ALERT_MINUTES, at most once per
MODERATOR_MAIL_INTERVAL_HOURS, at once for a new urgent item, never without moderators, once
with two schedulers; a link to the queue and nothing of the posts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samenaanpak.core import scheduler
from samenaanpak.core.models import OutgoingEmail, ThrottleCounter
from samenaanpak.forum import moderation, queue

from .factories_mod import CRISIS, HELD, mod_post, staff_user


def mails():
    return OutgoingEmail.objects.filter(purpose="moderatie")


def interval_passes():
    ThrottleCounter.objects.filter(key__contains=moderation.MAIL_CLAIM_KEY).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


@pytest.fixture
def alert(settings):
    settings.FORUM_QUEUE_ALERT_MINUTES = 60
    settings.MODERATOR_MAIL_INTERVAL_HOURS = 4


@pytest.mark.django_db
def test_an_item_waiting_past_the_alert_minutes_mails_once_per_interval(alert, settings):
    mods = [staff_user("mod1", "Moderator"), staff_user("mod2", "Moderator")]
    staff_user("hulp", "Hulpverlener")
    now = timezone.now()
    post = mod_post(
        text="Geheim verhaal", kind=HELD, created_at=now - datetime.timedelta(minutes=59)
    )
    assert moderation.notify_moderators(now) == 0  # not yet an hour
    later = now + datetime.timedelta(minutes=2)
    assert moderation.notify_moderators(later) == 2
    assert sorted(mails().values_list("to", flat=True)) == sorted(u.email for u in mods)
    body = mails().first().body
    assert settings.SITE_URL + reverse("forum_admin:queue") in body
    assert "Geheim verhaal" not in body and post.author.pseudonym not in body
    assert "urgent" not in mails().first().subject
    assert moderation.notify_moderators(later) == 0  # within the interval
    assert "forum: 0 moderator mail(s)" in " ".join(scheduler.every_minute(later))
    interval_passes()
    assert moderation.notify_moderators(later) == 2
    # Decided: nothing waits, nobody is mailed.
    queue.mark_looked(post, mods[0])
    interval_passes()
    assert moderation.notify_moderators(later) == 0 and mails().count() == 4


@pytest.mark.django_db
def test_a_new_urgent_item_mails_at_once_even_within_the_interval(alert):
    staff_user("mod1", "Moderator")
    now = timezone.now()
    mod_post(kind=HELD, created_at=now - datetime.timedelta(hours=2))
    assert moderation.notify_moderators(now) == 1
    crisis = mod_post(kind=CRISIS, created_at=now)
    assert moderation.notify_moderators(now) == 1  # new and urgent: at once
    assert "urgent" in mails().order_by("pk").last().subject
    assert moderation.notify_moderators(now) == 0  # the same urgent item: not again
    mod_post(kind=CRISIS, created_at=now)
    assert moderation.notify_moderators(now) == 1  # another new one
    assert crisis.pk and mails().count() == 3


@pytest.mark.django_db
def test_no_moderators_no_mail_and_no_claim(alert):
    mod_post(kind=CRISIS)
    assert moderation.notify_moderators() == 0
    assert not ThrottleCounter.objects.exists()
    staff_user("mod1", "Moderator")
    assert moderation.notify_moderators() == 1  # the first moderator hears it at once


@pytest.mark.django_db
def test_two_schedulers_send_once(alert):
    """The second scheduler in the same minute finds the run claimed (the lock) or, after it,
    the interval and the urgent item claimed."""
    from samenaanpak.core import throttle

    staff_user("mod1", "Moderator")
    mod_post(kind=CRISIS)
    store = throttle.store()
    assert store.add(moderation.NOTIFY_LOCK_KEY, 1, timeout=60)  # the other one is running
    assert moderation.notify_moderators() == 0
    store.delete(moderation.NOTIFY_LOCK_KEY)
    assert moderation.notify_moderators() == 1
    assert moderation.notify_moderators() == 0
    assert mails().count() == 1


@pytest.mark.django_db
def test_a_failed_mail_does_not_hold_the_interval(alert, monkeypatch):
    staff_user("mod1", "Moderator")
    mod_post(kind=CRISIS)

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(moderation, "queue_email", broken)
    with pytest.raises(RuntimeError):
        moderation.notify_moderators()
    monkeypatch.undo()
    assert moderation.notify_moderators() == 1  # the next minute tries again, still urgent

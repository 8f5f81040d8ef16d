"""Fan-out exactness and digests: exactly the followers, each once, at the right moment, grouped
by topic with the newest first, and the same notices for digest and immediate users."""

import datetime
import zoneinfo

import pytest
from django.test import TestCase
from django.utils import timezone

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api, sending
from samenaanpak.notifications.models import Delivery, Follow, Frequency, Notice, Subscriber
from samenaanpak.notifications.tasks import fan_out

from .factories import EmailSubscriberFactory, TopicFactory, follow_confirmed

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime.datetime(*args, tzinfo=AMS)


def account(frequency=Frequency.DAILY, **fields):
    user = UserFactory(**fields)
    subscriber = api.subscriber_for(user)
    api.set_frequency(subscriber, frequency)
    return user


def post(topic, title, when=None, **fields):
    """A notice as another app posts it; fan_out runs when the transaction commits (the
    immediate task backend of the tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        notice = api.post(topic, title, **fields)
    if when is not None:
        Notice.objects.filter(pk=notice.pk).update(created_at=when)
        Delivery.objects.filter(notice=notice).update(created_at=when)
    return notice


def mails(purpose=None):
    emails = OutgoingEmail.objects.order_by("pk")
    return list(emails.filter(purpose=purpose) if purpose else emails)


def test_fan_out_reaches_exactly_the_confirmed_followers_once(django_capture_on_commit_callbacks):
    topic, other = TopicFactory(), TopicFactory()
    daily, immediate, weekly = account(), account(Frequency.IMMEDIATE), account(Frequency.WEEKLY)
    never, inactive, rejected = account(Frequency.NEVER), account(is_active=False), account()
    stranger = account()  # follows another topic
    for user in (daily, immediate, weekly, never, inactive, rejected):
        api.follow(topic, user)
    api.follow(other, stranger)
    Subscriber.objects.filter(user=rejected).update(rejected_at=timezone.now())
    confirmed = EmailSubscriberFactory()
    follow_confirmed(confirmed, topic)
    unconfirmed_follow = EmailSubscriberFactory()  # address confirmed, this follow not yet
    Follow.objects.create(subscriber=unconfirmed_follow, topic=topic)
    unconfirmed_address = EmailSubscriberFactory(confirmed_at=None)
    Follow.objects.create(subscriber=unconfirmed_address, topic=topic, confirmed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        notice = api.post(topic, "De denktank antwoordde", "Tekst", "/idee/1/")
    expected = {Subscriber.objects.get(user=user).pk for user in (daily, immediate, weekly)} | {
        confirmed.pk
    }
    assert set(notice.deliveries.values_list("subscriber_id", flat=True)) == expected
    rows = list(notice.deliveries.order_by("pk").values_list("pk", "subscriber_id", "sent_at"))

    fan_out.call(notice.pk)  # a task run twice (a worker died after the first)
    assert (
        list(notice.deliveries.order_by("pk").values_list("pk", "subscriber_id", "sent_at")) == rows
    )

    # Only the immediate subscriber was mailed, once, with its delivery marked in the same step.
    [mail] = mails()
    assert mail.to == immediate.email and mail.subject == "De denktank antwoordde"
    assert notice.deliveries.filter(sent_at__isnull=False).get().subscriber.user == immediate


def test_digest_at_seven_groups_by_topic_newest_first_and_never_repeats(settings):
    settings.NOTIFICATION_DIGEST_TIME = "07:00"
    plan, think_tank = TopicFactory(title="Het plan"), TopicFactory(title="Denktank Preventie")
    reader = account()
    api.follow(plan, reader)
    api.follow(think_tank, reader)
    post(plan, "Plan oud", at(2026, 3, 2, 9))
    post(think_tank, "Denktank oud", at(2026, 3, 2, 10))
    post(plan, "Plan nieuw", at(2026, 3, 2, 20))
    post(think_tank, "Na zevenen", at(2026, 3, 3, 7, 30))  # for tomorrow's digest

    assert sending.send_due(at(2026, 3, 3, 6, 59)) == (0, 0)  # not yet
    assert sending.send_due(at(2026, 3, 3, 7, 0)) == (1, 3)
    assert sending.send_due(at(2026, 3, 3, 7, 1)) == (0, 0)  # the minute job again: nothing
    assert sending.send_due(at(2026, 3, 3, 23, 0)) == (0, 0)  # one digest a day

    [mail] = mails(sending.PURPOSE_DIGEST)
    body = mail.body
    assert body.startswith("Het nieuws over wat u volgt. Dit overzicht krijgt u elke dag.")
    # The topic with the newest notice first, within it newest first; every item once.
    assert body.index("== Het plan ==") < body.index("== Denktank Preventie ==")
    assert body.index("Plan nieuw") < body.index("Plan oud")
    for title in ("Plan nieuw", "Plan oud", "Denktank oud"):
        assert body.count(title) == 1
    assert "Na zevenen" not in body and body.count("== Het plan ==") == 1

    assert sending.send_due(at(2026, 3, 4, 7, 0)) == (1, 1)
    assert "Na zevenen" in mails(sending.PURPOSE_DIGEST)[-1].body
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_weekly_digest_goes_on_the_chosen_day_only(settings):
    settings.NOTIFICATION_WEEKLY_DAY = 1  # Monday
    topic, reader = TopicFactory(), account(Frequency.WEEKLY)
    api.follow(topic, reader)
    post(topic, "Dinsdag", at(2026, 3, 3, 12))  # Tuesday
    post(topic, "Vrijdag", at(2026, 3, 6, 12))
    for day in range(4, 9):  # Wednesday to Sunday
        assert sending.send_due(at(2026, 3, day, 7, 5)) == (0, 0)
    assert sending.send_due(at(2026, 3, 9, 7, 0)) == (1, 2)  # Monday
    assert sending.send_due(at(2026, 3, 10, 7, 0)) == (0, 0)
    assert "Nieuws van deze week: 2 berichten" == mails()[0].subject


def test_digest_time_is_amsterdam_time_across_the_dst_change(settings):
    settings.NOTIFICATION_DIGEST_TIME = "07:00"
    # 29 March 2026: clocks go forward; 07:00 in Amsterdam is 05:00 UTC after, 06:00 UTC before.
    assert sending.period_start(Frequency.DAILY, at(2026, 3, 30, 8)) == at(2026, 3, 30, 7)
    assert sending.period_start(
        Frequency.DAILY, at(2026, 3, 30, 8)
    ).utcoffset() == datetime.timedelta(hours=2)
    assert sending.period_start(
        Frequency.DAILY, at(2026, 3, 28, 8)
    ).utcoffset() == datetime.timedelta(hours=1)
    assert sending.period_start(Frequency.DAILY, at(2026, 3, 30, 6, 59)) == at(2026, 3, 29, 7)


def test_every_notice_reaches_digest_users_as_it_reaches_immediate_users():
    """The issue's demand (Decidim lost answers for digest users): the same notices, all of
    them, whatever the frequency."""
    topics = [TopicFactory() for _ in range(3)]
    immediate, daily, weekly = account(Frequency.IMMEDIATE), account(), account(Frequency.WEEKLY)
    email_only = EmailSubscriberFactory(frequency=Frequency.DAILY)
    for topic in topics:
        for user in (immediate, daily, weekly):
            api.follow(topic, user)
        follow_confirmed(email_only, topic)
    titles = set()
    for day in range(2, 9):
        for index, topic in enumerate(topics):
            title = f"Bericht {day}-{index}"
            post(topic, title, at(2026, 3, day, 9 + index))
            titles.add(title)
    now = at(2026, 3, 2, 7)
    while now <= at(2026, 3, 17, 7):
        sending.send_due(now)
        now += datetime.timedelta(hours=6)

    def received(address):
        return {
            title
            for mail in OutgoingEmail.objects.filter(to=address)
            for title in titles
            if f"* {title} (" in mail.body
        }

    assert received(immediate.email) == titles
    assert received(daily.email) == titles
    assert received(weekly.email) == titles
    assert received(email_only.email) == titles
    # And nobody got an item twice.
    for address in (immediate.email, daily.email, weekly.email, email_only.email):
        bodies = "".join(OutgoingEmail.objects.filter(to=address).values_list("body", flat=True))
        assert all(bodies.count(f"* {title} (") == 1 for title in titles)


def test_one_event_on_two_followed_topics_is_mailed_once():
    plan, think_tank = TopicFactory(), TopicFactory()
    both, only_plan = account(Frequency.IMMEDIATE), account(Frequency.IMMEDIATE)
    for topic in (plan, think_tank):
        api.follow(topic, both)
    api.follow(plan, only_plan)
    post(think_tank, "Nieuws: één bericht", event="plan.update:1")
    post(plan, "Nieuws: één bericht", event="plan.update:1")
    assert OutgoingEmail.objects.filter(to=both.email).count() == 1
    assert OutgoingEmail.objects.filter(to=only_plan.email).count() == 1
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_never_gets_no_deliveries_and_switching_to_never_drops_waiting_ones():
    topic, user = TopicFactory(), account()
    api.follow(topic, user)
    post(topic, "Eerste")
    subscriber = Subscriber.objects.get(user=user)
    assert Delivery.objects.filter(subscriber=subscriber, sent_at__isnull=True).count() == 1
    api.set_frequency(subscriber, Frequency.NEVER)
    assert not Delivery.objects.filter(subscriber=subscriber).exists()
    post(topic, "Tweede")
    assert not Delivery.objects.filter(subscriber=subscriber).exists()
    assert sending.send_due(timezone.now() + datetime.timedelta(days=2)) == (0, 0)


def test_switching_to_immediate_sends_what_waited_for_the_digest():
    topic, user = TopicFactory(), account()
    api.follow(topic, user)
    post(topic, "Wachtte op het overzicht")
    api.set_frequency(Subscriber.objects.get(user=user), Frequency.IMMEDIATE)
    assert sending.send_due() == (1, 1)
    assert sending.send_due() == (0, 0)

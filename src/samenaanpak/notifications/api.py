"""What other apps call. Apps never write this app's tables themselves.

topic = ensure_topic(obj, title, path)   # obj has a `topic` one-to-one; created on first use
follow(topic, user, source=Follow.Source.OWN)
unfollow(topic, user)
is_following(topic, user) -> bool
post(topic, title, text="", path="", event="")  # every follower hears of it, once
send_service_mail(user, subject, body)   # to one account, whatever its digest setting
"""

import uuid

from django.db import transaction
from django.utils import timezone

from samenaanpak.core.mail import withdraw

from .models import Delivery, Follow, Frequency, Notice, Subscriber, Topic
from .sending import PURPOSE_DIGEST, PURPOSE_NOTICE


def ensure_topic(obj, title: str, path: str = "") -> Topic:
    """The topic of `obj` (a model with a `topic` one-to-one key), made on first use."""
    if obj.topic_id is None:
        with transaction.atomic():
            locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            if locked.topic_id is None:
                locked.topic = Topic.objects.create(title=title[:200], path=path)
                type(obj)._base_manager.filter(pk=obj.pk).update(topic=locked.topic)
            obj.topic_id = locked.topic_id
            obj.topic = locked.topic
    return obj.topic


def subscriber_for(user) -> Subscriber:
    subscriber, _created = Subscriber.objects.get_or_create(user=user)
    return subscriber


def follow(topic: Topic, user, source=Follow.Source.CHOSEN) -> Follow:
    """An account follows at once (its address was verified at sign-up): no opt-in."""
    follow, _created = Follow.objects.get_or_create(
        subscriber=subscriber_for(user),
        topic=topic,
        defaults={"source": source, "confirmed_at": timezone.now()},
    )
    return follow


def unfollow(topic: Topic, user) -> None:
    Follow.objects.filter(subscriber__user=user, topic=topic).delete()


def is_following(topic: Topic | None, user) -> bool:
    if topic is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(subscriber__user=user, topic=topic).exists()


def set_frequency(subscriber: Subscriber, frequency: str) -> None:
    """`nooit` also drops what was waiting for a digest: nothing would ever send it."""
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(frequency=frequency)
        subscriber.frequency = frequency
        if frequency == Frequency.NEVER:
            Delivery.objects.filter(subscriber=subscriber, sent_at__isnull=True).delete()
            _withdraw_bulk_mail(subscriber)


def _withdraw_bulk_mail(subscriber: Subscriber) -> None:
    """Notices and digests already in the outbox (waiting for a mail server that is down) are
    not sent after "no more mail": they are what the person just said no to."""
    withdraw(subscriber.address, (PURPOSE_NOTICE, PURPOSE_DIGEST))


def unsubscribe(subscriber: Subscriber) -> None:
    """The one-click unsubscribe (RFC 8058) and its button. An account keeps its follows but gets
    no more mail (`nooit`; it can switch mail back on at /account/meldingen/); an address without
    an account is deleted with its follows, consents and deliveries (nothing left to keep it
    for). Either way the subscriber's link token is drawn anew, so every older link is dead."""
    with transaction.atomic():
        if subscriber.user_id is None:
            _withdraw_bulk_mail(subscriber)
            subscriber.delete()
            return
        set_frequency(subscriber, Frequency.NEVER)
        subscriber.token = uuid.uuid4()
        Subscriber.objects.filter(pk=subscriber.pk).update(token=subscriber.token)


def post(topic: Topic, title: str, text: str = "", path: str = "", event: str = "") -> Notice:
    """Record an event on a topic; its deliveries are made by a task when the transaction commits.
    `event`: a key shared by the notices of one event on several topics, so that a person who
    follows more than one of them hears of it once."""
    from .tasks import fan_out

    notice = Notice.objects.create(
        topic=topic, title=title[:200], text=text, path=path[:300], event=event[:100]
    )
    transaction.on_commit(lambda: fan_out.enqueue(notice.pk))
    return notice


def send_service_mail(user, subject: str, body: str, purpose: str = "dienstbericht") -> None:
    """A mail about the person's own contribution (an answer to their idea, a hidden comment):
    sent whatever their digest setting, without bulk-mail headers."""
    from samenaanpak.core.mail import queue_email

    if user is None or not user.email:
        return
    subscriber = Subscriber.objects.filter(user=user).first()
    if subscriber is not None and subscriber.rejected_at is not None:
        return
    queue_email(to=user.email, subject=subject, body=body, purpose=purpose)

"""What other apps call. Apps never write this app's tables themselves.

topic = ensure_topic(obj, title, path)   # obj has a `topic` one-to-one; created on first use
follow(topic, user, source=Follow.Source.OWN)
unfollow(topic, user)
is_following(topic, user) -> bool
post(topic, title, text="", path="")      # an event: every follower hears of it, once
send_service_mail(user, subject, body)   # to one account, whatever its digest setting
"""

from django.db import transaction

from .models import Follow, Notice, Subscriber, Topic


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
    follow, _created = Follow.objects.get_or_create(
        subscriber=subscriber_for(user), topic=topic, defaults={"source": source}
    )
    return follow


def unfollow(topic: Topic, user) -> None:
    Follow.objects.filter(subscriber__user=user, topic=topic).delete()


def is_following(topic: Topic | None, user) -> bool:
    if topic is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(subscriber__user=user, topic=topic).exists()


def post(topic: Topic, title: str, text: str = "", path: str = "") -> Notice:
    """Record an event on a topic; its deliveries are made by a task when the transaction commits."""
    from .tasks import fan_out

    notice = Notice.objects.create(topic=topic, title=title[:200], text=text, path=path)
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

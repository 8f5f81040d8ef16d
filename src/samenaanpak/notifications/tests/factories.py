"""Factories of notifications' models. Email-only subscribers here stand for ones that already
went through the double opt-in; the opt-in itself is tested through its screens."""

import factory
from django.utils import timezone

from samenaanpak.notifications.models import Follow, Subscriber, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Onderwerp {n}")
    path = factory.Sequence(lambda n: f"/onderwerp-{n}/")


class EmailSubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"lezer{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)


def follow_confirmed(subscriber, topic):
    return Follow.objects.create(subscriber=subscriber, topic=topic, confirmed_at=timezone.now())

import datetime

import factory
from django.contrib.auth import get_user_model

from samenaanpak.plan.models import Action, Goal, ThinkTankPage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.django.Password("een-lang-wachtwoord-123")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    think_tank = factory.LazyFunction(lambda: ThinkTankPage.objects.first())
    title = factory.Sequence(lambda n: f"Doel {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Actie {n}")
    description = "Omschrijving van de actie."
    start_date = datetime.date(2026, 1, 1)

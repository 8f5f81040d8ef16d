"""Factories of plan's models, registered as fixtures (pytest-factoryboy) in the root conftest:
`goal`, `goal_factory`, `action` and `action_factory`. A goal belongs to the first think tank
page, so these need the page tree (the `nijkerk` fixture) or an explicit `think_tank`."""

import datetime

import factory

from samenaanpak.plan.models import Action, Goal, ThinkTankPage


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

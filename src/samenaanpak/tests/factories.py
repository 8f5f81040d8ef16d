"""The factories of all apps in one place (each app keeps its own in `<app>/tests/factories.py`)."""

from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.plan.tests.factories import ActionFactory, GoalFactory

__all__ = ["ActionFactory", "GoalFactory", "UserFactory"]

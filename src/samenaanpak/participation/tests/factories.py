"""Public accounts and ideas for participation's tests."""

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from samenaanpak.accounts.models import Profile
from samenaanpak.core.history import record_status
from samenaanpak.plan.models import ThinkTankPage

from ..models import Idea
from ..status import IdeaStatus

_numbers = itertools.count(1)


def public_account(name=None, established=True):
    """A resident's account with a display name; `established` as after a moderator's approval."""
    number = next(_numbers)
    name = name or f"Inwoner {number}"
    user = get_user_model().objects.create_user(
        username=f"inwoner{number}", email=f"inwoner{number}@example.org", password="x" * 14
    )
    Profile.objects.create(
        user=user, display_name=name, approved_at=timezone.now() if established else None
    )
    return user


def public_idea(author=None, status=IdeaStatus.RECEIVED, think_tank=None, **fields):
    """An idea with its history written as the site writes it."""
    idea = Idea.objects.create(
        author=author,
        think_tank=think_tank or ThinkTankPage.objects.order_by("path").first(),
        title=fields.pop("title", "Een idee"),
        text=fields.pop("text", "Uitleg van het idee."),
        **fields,
    )
    if status == IdeaStatus.WAITING:
        record_status(idea, IdeaStatus.WAITING)
    else:
        record_status(idea, IdeaStatus.RECEIVED)
        if status != IdeaStatus.RECEIVED:
            note = "Omdat het zo is." if status == IdeaStatus.NOT_ADOPTED else ""
            record_status(idea, status, note=note)
    return idea

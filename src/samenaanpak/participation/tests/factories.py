"""Public accounts and ideas for participation's tests."""

from samenaanpak.accounts.tests.factories import public_account as accounts_public_account
from samenaanpak.core.history import record_status
from samenaanpak.plan.models import ThinkTankPage

from ..models import Idea
from ..status import IdeaStatus


def public_account(name=None, established=True):
    """A resident's account; established unless asked otherwise (most tests act as one)."""
    return accounts_public_account(name, established=established)


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

"""Helpers of the back-office tests: public accounts, ideas and comments in a given state.

What residents make through the public screens (an idea, a comment, reports) is made here
directly: these tests are about the back office's screens, not the public ones."""

from django.contrib.auth.models import Group

from samenaanpak.accounts.tests.factories import public_account as accounts_public_account
from samenaanpak.core.history import record_status
from samenaanpak.notifications import api as notifications
from samenaanpak.participation.models import Comment, CommentReport, Idea
from samenaanpak.participation.status import CommentStatus, IdeaStatus, ReportReason
from samenaanpak.participation.urls import idea_path
from samenaanpak.plan.models import ThinkTankPage
from samenaanpak.tests.factories import UserFactory


def public_account(name, *, established=False):
    return accounts_public_account(
        name.title(), email=f"{name}@example.org", established=established
    )


def staff(name, group):
    user = UserFactory(username=name, email=f"{name}@gemeente.example")
    user.groups.add(Group.objects.get(name=group))
    return user


def think_tank(slug="preventie"):
    return ThinkTankPage.objects.get(slug=slug)


def idea(author, *, slug="preventie", status=IdeaStatus.WAITING, title="Meer jongerenwerk", **kw):
    """An idea as the public side stores it: the first row, and for a public one its topic, which
    the author follows."""
    made = Idea.objects.create(
        think_tank=think_tank(slug), author=author, title=title, text="Tekst van het idee.", **kw
    )
    record_status(made, status)
    if status != IdeaStatus.WAITING:
        topic = notifications.ensure_topic(made, made.title, idea_path(made))
        if author is not None:
            notifications.follow(topic, author, source=notifications.Follow.Source.OWN)
    return made


def hidden_comment(on_idea, author, reporters, reason=ReportReason.OFFENSIVE):
    comment = Comment.objects.create(idea=on_idea, author=author, text="Een nare reactie.")
    record_status(comment, CommentStatus.VISIBLE)
    for reporter in reporters:
        CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason, counts=True)
    record_status(comment, CommentStatus.HIDDEN, reason=reason)
    return comment

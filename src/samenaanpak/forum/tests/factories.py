"""Factories for the vrijplaats. Posts are placed through posting.py or services.step (never by
writing a status column)."""

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from samenaanpak.accounts.tests.factories import public_account

from .. import services, trust
from ..models import Category, Member, Post, Thread, TrustLevel
from ..status import PostStatus


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Categorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    """A member on a public account; `trusted=True` sets the level override to trusted."""

    class Meta:
        model = Member

    user = factory.LazyFunction(public_account)
    pseudonym = factory.Sequence(lambda n: f"Deelnemer{n}")
    stated_age = 16
    rules_accepted_at = factory.LazyFunction(timezone.now)

    class Params:
        trusted = factory.Trait(level_override=TrustLevel.TRUSTED)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Onderwerp {n}")
    author = factory.SubFactory(MemberFactory)


def place(thread, author, text="Een bericht.", *, opening=False, status=PostStatus.VISIBLE, **kw):
    """A post in `status`, through services.step (the history and the thread's figures follow)."""
    post = Post.objects.create(
        thread=thread,
        author=author,
        author_role=trust.role_of(author.user) if author else "",
        is_opening=opening,
        text=text,
        **kw,
    )
    services.step(post, status)
    return post


def public_thread(category=None, author=None, title=None, replies=0, **kw):
    """A public thread with its visible opening post and `replies` visible replies."""
    author = author or MemberFactory(trusted=True)
    thread = ThreadFactory(
        category=category or CategoryFactory(),
        author=author,
        **({"title": title} if title else {}),
    )
    place(thread, author, "De openingsvraag.", opening=True)
    for n in range(replies):
        place(thread, author, f"Reactie {n}")
    thread.refresh_from_db()
    return thread


def professional():
    user = public_account()
    group, _ = Group.objects.get_or_create(name=trust.PROFESSIONAL_GROUP)
    user.groups.add(group)
    return MemberFactory(user=user, stated_age=None)


def moderator():
    user = public_account()
    user.user_permissions.add(Permission.objects.get(codename="moderate_forum"))
    return MemberFactory(user=user, stated_age=None)

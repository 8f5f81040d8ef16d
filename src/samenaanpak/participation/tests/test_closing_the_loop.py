"""Closing the loop: an action's change reaches the followers of the ideas it came from, and the
think tank's page says which ideas an action came from, within its query budget."""

import pytest
from django.db import transaction

from samenaanpak.core.history import record_status
from samenaanpak.notifications.models import Notice
from samenaanpak.participation.answers import answer_idea
from samenaanpak.participation.models import Idea, IdeasPage
from samenaanpak.participation.status import IdeaStatus
from samenaanpak.plan.models import Action
from samenaanpak.plan.status import Status
from samenaanpak.tests.factories import ActionFactory

from .backoffice import idea, public_account, staff


def _adopted(author, member, actions, title):
    target = idea(author, status=IdeaStatus.RECEIVED, title=title)
    answer_idea(target, IdeaStatus.ADOPTED, "Overgenomen.", actions, member)
    return target


def _action_notices():
    """Notices on ideas' topics (the plan tells its own followers of the same change)."""
    return Notice.objects.filter(
        title__startswith="De actie", topic__in=Idea.objects.values("topic_id")
    )


@pytest.mark.django_db
def test_an_action_change_makes_one_notice_per_linked_idea_per_event(
    examples_made_real, django_capture_on_commit_callbacks
):
    member = staff("lid-preventie", "Denktank Preventie")
    author = public_account("indiener")
    goal = Action.objects.filter(goal__think_tank__slug="preventie").first().goal
    action, other = ActionFactory(goal=goal), ActionFactory(goal=goal)  # linked to no idea yet
    with django_capture_on_commit_callbacks(execute=True):
        first = _adopted(author, member, [action], "Eerste idee")
        second = _adopted(author, member, [action, other], "Tweede idee")
        _adopted(author, member, [other], "Ander idee")
    assert not _action_notices().exists(), [(n.title, n.topic.title) for n in _action_notices()]

    with django_capture_on_commit_callbacks(execute=True):
        record_status(action, Status.IN_PROGRESS, progress=60, note="De eerste bijeenkomst was.")
    notices = list(_action_notices())
    assert sorted(n.topic_id for n in notices) == sorted([first.topic_id, second.topic_id])
    assert {n.title for n in notices} == {f"De actie “{action.title}” is nu in uitvoering (60 %)"}
    assert {n.text for n in notices} == {"De eerste bijeenkomst was."}

    with django_capture_on_commit_callbacks(execute=True):
        record_status(action, Status.IN_PROGRESS, progress=80)
    assert _action_notices().count() == 4  # once more per linked idea, not more

    # A change that is rolled back tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            record_status(action, Status.DONE, progress=100)
            raise RuntimeError
    assert _action_notices().count() == 4

    # An action without ideas makes no notice.
    lonely = ActionFactory(goal=action.goal)
    with django_capture_on_commit_callbacks(execute=True):
        record_status(lonely, Status.PLANNED, progress=0)
    assert _action_notices().count() == 4


@pytest.mark.django_db
def test_the_think_tank_page_says_where_an_action_came_from_within_its_budget(
    client, examples_made_real, settings, django_assert_max_num_queries
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from samenaanpak.core.models import HomePage

    ideas_page = IdeasPage.objects.live().first() or HomePage.objects.first().add_child(
        instance=IdeasPage(title="Ideeën", slug="ideeen")
    )
    member = staff("lid-preventie", "Denktank Preventie")
    author = public_account("indiener")
    goal = Action.objects.filter(goal__think_tank__slug="preventie").first().goal
    actions = [ActionFactory(goal=goal) for _ in range(18)]
    for action in actions:
        record_status(action, Status.PLANNED, progress=0)
    linked = [_adopted(author, member, [action], f"Idee bij {action.title}") for action in actions]
    client.get("/denktanks/preventie/")  # warm the caches, as a running server has them
    with django_assert_max_num_queries(15):
        html = client.get("/denktanks/preventie/").content.decode()
    assert html.count("Kwam voort uit") >= 10
    assert f'href="{ideas_page.url}{linked[0].pk}/"' in html

    # A new answer shows at once (the cached mapping is dropped).
    newest = _adopted(author, member, [actions[0]], "Nieuw idee bij dezelfde actie")
    html = client.get("/denktanks/preventie/").content.decode()
    assert newest.title in html

"""The plan's own news reaches followers of the think tank and of the plan; the follow button on
the cached public pages is a plain link (no form, no session, no cookie)."""

import pytest
from django.test import TestCase

from samenaanpak.core.history import record_status
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api, tokens
from samenaanpak.notifications.models import Delivery, Frequency, Notice
from samenaanpak.plan.models import Action, PlanPage, ThinkTankPage, UpdatePage
from samenaanpak.plan.status import Status


@pytest.fixture
def followed(nijkerk, client):
    """The plan and a think tank, their topics made by a visit as on the live site, and a reader
    following both and one following only the think tank."""
    plan = PlanPage.objects.get()
    think_tank = ThinkTankPage.objects.order_by("path").first()
    assert client.get(plan.url).status_code == 200
    assert client.get(think_tank.url).status_code == 200
    plan.refresh_from_db()
    think_tank.refresh_from_db()
    both, tank_only = UserFactory(), UserFactory()
    for user in (both, tank_only):
        api.set_frequency(api.subscriber_for(user), Frequency.IMMEDIATE)
    api.follow(plan.topic, both)
    api.follow(think_tank.topic, both)
    api.follow(think_tank.topic, tank_only)
    return plan, think_tank, both, tank_only


def publish_update(think_tank, title, **fields):
    update = UpdatePage(title=title, intro="Korte inleiding.", **fields)
    think_tank.add_child(instance=update)
    with TestCase.captureOnCommitCallbacks(execute=True):
        update.save_revision().publish()
    return update


def test_a_published_update_is_told_on_the_think_tank_and_the_plan_once(followed):
    plan, think_tank, both, tank_only = followed
    update = publish_update(think_tank, "Nieuwe inloopavond")
    notices = Notice.objects.filter(event=f"plan.update:{update.pk}")
    assert {n.topic_id for n in notices} == {plan.topic_id, think_tank.topic_id}
    assert notices.first().title == "Nieuws: Nieuwe inloopavond"
    from samenaanpak.core.models import OutgoingEmail

    assert OutgoingEmail.objects.filter(to=both.email).count() == 1  # once, not per topic
    assert OutgoingEmail.objects.filter(to=tank_only.email).count() == 1

    with TestCase.captureOnCommitCallbacks(execute=True):
        update.save_revision().publish()  # published again after an edit: no news
    assert Notice.objects.filter(event=f"plan.update:{update.pk}").count() == 2


def test_an_example_update_tells_nobody(followed):
    _plan, think_tank, _both, _tank_only = followed
    publish_update(think_tank, "Voorbeeld", is_example=True)
    assert not Notice.objects.exists()


def test_an_action_change_is_told_but_not_its_first_status_nor_examples(followed):
    plan, think_tank, both, tank_only = followed
    goal = think_tank.goals.first()
    with TestCase.captureOnCommitCallbacks(execute=True):
        action = Action.objects.create(goal=goal, title="Voorlichting op scholen")
        record_status(action, Status.PLANNED, progress=0)
    assert not Notice.objects.exists()  # a new action is not a change
    with TestCase.captureOnCommitCallbacks(execute=True):
        event = record_status(action, Status.IN_PROGRESS, progress=40, note="Eerste school")
    notices = Notice.objects.filter(event=f"plan.actionevent:{event.pk}")
    assert {n.topic_id for n in notices} == {plan.topic_id, think_tank.topic_id}
    assert notices.first().title == "Voorlichting op scholen: In uitvoering, 40% klaar"
    subscribers = set(Delivery.objects.values_list("subscriber__user", flat=True))
    assert subscribers == {both.pk, tank_only.pk}

    example = Action.objects.create(goal=goal, title="Voorbeeld", is_example=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_status(example, Status.PLANNED, progress=0)
        record_status(example, Status.IN_PROGRESS, progress=10)
    assert Notice.objects.count() == 2


def test_the_follow_button_on_a_cached_page_is_a_link_without_session_or_cookie(nijkerk, client):
    think_tank = ThinkTankPage.objects.order_by("path").first()
    client.get(think_tank.url)  # the first visit makes the topic
    response = client.get(think_tank.url)
    html = response.content.decode()
    think_tank.refresh_from_db()
    assert f"/volgen/?onderwerp={tokens.sign_topic(think_tank.topic_id)}" in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


def test_the_follow_button_for_a_signed_in_account(nijkerk, client):
    think_tank = ThinkTankPage.objects.order_by("path").first()
    user = UserFactory()
    client.force_login(user)
    html = client.get(think_tank.url).content.decode()
    think_tank.refresh_from_db()
    assert f'action="/volgen/onderwerp/{think_tank.topic_id}/"' in html
    client.post(f"/volgen/onderwerp/{think_tank.topic_id}/", {"next": think_tank.url})
    html = client.get(think_tank.url).content.decode()
    assert "U volgt dit." in html and f"/volgen/onderwerp/{think_tank.topic_id}/stoppen/" in html

"""Editing an action in the back office appends to its history through the transition table."""

import pytest
from django.urls import reverse

from samenaanpak.plan.models import Action, Goal


def form_data(action, **overrides):
    data = {
        "goal": action.goal_id,
        "title": action.title,
        "description": action.description,
        "start_date": "2016-01-01",
        "end_date": "",
        "new_status": "in_uitvoering",
        "new_progress": "40",
        "note": "",
        "milestone_date": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor(client, role_users, verified_login):
    return verified_login(client, role_users["redacteur"])


@pytest.mark.django_db
def test_disallowed_transition_shows_dutch_error_and_keeps_history(editor):
    action = Action.objects.get(title="Informatieavond voor ouders en naasten")  # afgerond
    events_before = list(action.events.values_list("pk", flat=True))
    url = reverse("wagtailsnippets_plan_action:edit", args=[action.pk])
    response = editor.post(
        url, form_data(action, new_status="gepland", new_progress="0", title="Nieuwe titel")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "kan een actie niet naar" in html and "Afgerond" in html
    assert 'value="Nieuwe titel"' in html  # what the editor typed is still there
    assert list(action.events.values_list("pk", flat=True)) == events_before
    action.refresh_from_db()
    assert action.title == "Informatieavond voor ouders en naasten"


@pytest.mark.django_db
def test_progress_not_matching_status_is_an_error_at_the_field(editor):
    action = Action.objects.get(title="Lotgenotengroep na behandeling")  # in uitvoering
    url = reverse("wagtailsnippets_plan_action:edit", args=[action.pk])
    response = editor.post(url, form_data(action, new_status="afgerond", new_progress="80"))
    assert "Een afgeronde actie heeft 100 procent voortgang." in response.content.decode()
    assert action.events.count() == 2


@pytest.mark.django_db
def test_allowed_change_appends_row_with_author_and_note(editor, role_users):
    action = Action.objects.get(title="Lotgenotengroep na behandeling")
    url = reverse("wagtailsnippets_plan_action:edit", args=[action.pk])
    response = editor.post(
        url,
        form_data(action, new_progress="70", note="Twaalf deelnemers", milestone_date="2016-03-01"),
    )
    assert response.status_code == 302
    newest = action.events.first()
    assert (newest.status, newest.progress, newest.note) == (
        "in_uitvoering",
        70,
        "Twaalf deelnemers",
    )
    assert newest.author == role_users["redacteur"] and str(newest.milestone_date) == "2016-03-01"
    assert action.events.count() == 3


@pytest.mark.django_db
def test_saving_without_status_change_adds_no_row(editor):
    action = Action.objects.get(title="Lotgenotengroep na behandeling")
    url = reverse("wagtailsnippets_plan_action:edit", args=[action.pk])
    editor.post(url, form_data(action, new_progress="20", description="Nieuwe omschrijving"))
    assert action.events.count() == 2
    action.refresh_from_db()
    assert action.description == "Nieuwe omschrijving"


@pytest.mark.django_db
def test_creating_an_action_records_its_first_state(editor):
    goal = Goal.objects.first()
    response = editor.post(
        reverse("wagtailsnippets_plan_action:add"),
        {
            "goal": goal.pk,
            "title": "Nieuwe actie",
            "description": "",
            "start_date": "",
            "end_date": "",
            "new_status": "gepland",
            "new_progress": "0",
            "note": "",
            "milestone_date": "",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Nieuwe actie")
    assert action.events.get().status == "gepland"


@pytest.mark.django_db
def test_think_tank_member_cannot_file_action_under_other_goal(client, role_users, verified_login):
    verified_login(client, role_users["denktank_preventie"])
    other_goal = Goal.objects.exclude(think_tank__slug="preventie").first()
    response = client.post(
        reverse("wagtailsnippets_plan_action:add"),
        {
            "goal": other_goal.pk,
            "title": "Sluipactie",
            "new_status": "gepland",
            "new_progress": "0",
        },
    )
    assert response.status_code == 200
    assert not Action.objects.filter(title="Sluipactie").exists()


@pytest.mark.django_db
def test_think_tank_page_shows_actions_with_state(client, examples_made_real):
    html = client.get("/denktanks/nazorg-familie-en-vrienden/").content.decode()
    assert (
        "Informatieavond voor ouders en naasten" in html
        and "Afgerond" in html
        and "100% klaar" in html
    )
    assert "Lotgenotengroep na behandeling" in html and "20% klaar" in html


@pytest.mark.django_db
def test_action_list_shows_and_filters_by_think_tank(editor):
    from samenaanpak.plan.models import ThinkTankPage

    prevention = ThinkTankPage.objects.get(slug="preventie")
    other = Action.objects.exclude(goal__think_tank=prevention).first()
    own = Action.objects.filter(goal__think_tank=prevention).first()
    url = reverse("wagtailsnippets_plan_action:list")

    html = editor.get(url).content.decode()
    assert "Sorteer &#x27;Denktank&#x27;" in html  # the column heading
    assert 'id="id_think_tank"' in html and f'value="{prevention.pk}"' in html  # the filter

    html = editor.get(url, {"think_tank": prevention.pk}).content.decode()
    assert own.title in html and other.title not in html
    assert prevention.title in html  # the active filter says which think tank


@pytest.mark.django_db
def test_action_list_filters_and_sorts_by_the_stored_status(editor):
    url = reverse("wagtailsnippets_plan_action:list")
    html = editor.get(url).content.decode()
    assert "Sorteer &#x27;Status&#x27;" in html and 'id="id_status"' in html

    html = editor.get(url, {"status": "afgerond"}).content.decode()
    assert "Informatieavond voor ouders en naasten" in html
    assert "Lotgenotengroep na behandeling" not in html  # in uitvoering

    status_of = dict(Action.objects.values_list("title", "status"))
    assert len(set(status_of.values())) > 1
    for ordering, descending in (("status", False), ("-status", True)):
        html = editor.get(url, {"ordering": ordering}).content.decode()
        shown = sorted(status_of, key=html.index)  # titles in the order the list shows them
        statuses = [status_of[title] for title in shown]
        assert statuses == sorted(statuses, reverse=descending), ordering

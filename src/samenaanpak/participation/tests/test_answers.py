"""The think tank's answer: the table of allowed steps through the back office's form (a refused
step is an error at the field and stores nothing), the actions of "overgenomen", the author's
service mail, the notice to followers, and two answers at once."""

import pytest
from django.urls import reverse

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.notifications.models import Notice
from samenaanpak.participation.admin_forms import AnswerForm
from samenaanpak.participation.answers import StaleAnswer, answer_choices, answer_idea
from samenaanpak.participation.models import IdeaEvent
from samenaanpak.participation.status import ANSWER_STATUSES, IDEA_TRANSITIONS, IdeaStatus
from samenaanpak.plan.models import Action

from .backoffice import idea, public_account, staff

S = IdeaStatus


@pytest.fixture
def member(nijkerk):
    return staff("lid-preventie", "Denktank Preventie")


@pytest.fixture(autouse=True)
def real_actions(nijkerk):
    """The content set's actions are examples, which an answer may not name; here an editor has
    made them real (as samenaanpak.tests.content.make_examples_real does)."""
    Action.objects.update(is_example=False)


def _post(client, target, **data):
    data.setdefault("state", target.state_id)
    return client.post(reverse("participation_admin:answer", args=[target.pk]), data)


def _bring_to(target, status, author):
    """Walk an idea to `status` as the back office would (moderation, then answers)."""
    path = {
        S.RECEIVED: [],
        S.IN_PROGRESS: [S.IN_PROGRESS],
        S.ADOPTED: [S.ADOPTED],
        S.NOT_ADOPTED: [S.NOT_ADOPTED],
        S.ALREADY_PLANNED: [S.ALREADY_PLANNED],
    }[status]
    action = Action.objects.filter(goal__think_tank=target.think_tank).first()
    for step in path:
        answer_idea(target, step, "Reden.", [action] if step == S.ADOPTED else [], author)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "current", [S.RECEIVED, S.IN_PROGRESS, S.ADOPTED, S.NOT_ADOPTED, S.ALREADY_PLANNED]
)
def test_the_answer_table_through_the_form(client, verified_login, member, current):
    verified_login(client, member)
    author = public_account("indiener")
    action = Action.objects.filter(goal__think_tank__slug="preventie").first()
    for new in sorted(ANSWER_STATUSES | {S.REJECTED, S.RECEIVED, S.WAITING}):
        target = idea(author, status=S.RECEIVED, title=f"{current} naar {new}")
        _bring_to(target, current, member)
        target.refresh_from_db()
        rows = IdeaEvent.objects.filter(idea=target).count()
        response = _post(
            client,
            target,
            status=new,
            note="Een reden.",
            actions=[action.pk] if new in (S.ADOPTED, S.ALREADY_PLANNED) else [],
        )
        target.refresh_from_db()
        allowed = new in IDEA_TRANSITIONS[current] and new in ANSWER_STATUSES
        if allowed:
            assert response.status_code == 302, (current, new)
            assert (
                target.status == new and IdeaEvent.objects.filter(idea=target).count() == rows + 1
            )
        else:
            assert response.status_code == 400, (current, new)
            assert (
                target.status == current and IdeaEvent.objects.filter(idea=target).count() == rows
            )
            form = response.context["form"]
            assert list(form.errors) == ["status"], (current, new, form.errors)
            html = response.content.decode()
            assert "<title>Fout:" in html and 'role="alert"' in html
            assert 'href="#id_status_0"' in html  # the summary links to the field
    # Only what the table allows is offered.
    target = idea(author, status=S.RECEIVED, title="keuzes")
    _bring_to(target, current, member)
    target.refresh_from_db()
    offered = [value for value, _label in AnswerForm(idea=target).fields["status"].widget.choices]
    assert offered == answer_choices(current)
    assert set(offered) == set(IDEA_TRANSITIONS[current]) & ANSWER_STATUSES


@pytest.mark.django_db
def test_refused_answers_keep_what_was_typed(client, verified_login, member):
    verified_login(client, member)
    target = idea(public_account("indiener"), status=S.RECEIVED)
    response = _post(client, target, status=S.NOT_ADOPTED, note="   ")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["note"]
    response = _post(client, target, status=S.ADOPTED, note="Goed idee, dat doen we.")
    assert list(response.context["form"].errors) == ["actions"]
    assert "Goed idee, dat doen we." in response.content.decode()
    action = Action.objects.first()
    response = _post(client, target, status=S.IN_PROGRESS, note="x", actions=[action.pk])
    assert list(response.context["form"].errors) == ["actions"]
    response = _post(client, target, status="onzin", note="x")
    assert list(response.context["form"].errors) == ["status"]
    target.refresh_from_db()
    assert target.status == S.RECEIVED and not target.actions.exists()
    assert (
        not OutgoingEmail.objects.exists()
        and not Notice.objects.exclude(title="").filter(title__startswith="Antwoord").exists()
    )


@pytest.mark.django_db
def test_adopted_links_actions_mails_the_author_and_tells_followers(client, verified_login, member):
    from samenaanpak.notifications import api as notifications

    verified_login(client, member)
    author = public_account("indiener")
    follower = public_account("volger")
    target = idea(author, status=S.RECEIVED)
    notifications.follow(target.topic, follower)
    actions = list(Action.objects.filter(goal__think_tank__slug="preventie")[:2])
    # The think tank's own actions before those of others.
    form = AnswerForm(idea=target)
    choices = list(form.fields["actions"].queryset)
    owns = [a.goal.think_tank_id != target.think_tank_id for a in choices]
    assert owns == sorted(owns)
    response = _post(
        client,
        target,
        status=S.ADOPTED,
        note="Dit nemen we over in de acties hieronder.",
        actions=[a.pk for a in actions],
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == S.ADOPTED and target.answered_at is not None
    assert set(target.actions.all()) == set(actions)
    assert target.state.author == member and target.state.note.startswith("Dit nemen we")
    (mail,) = OutgoingEmail.objects.filter(purpose="dienstbericht")
    assert mail.to == author.email and "Overgenomen" in mail.body and "Dit nemen we" in mail.body
    (notice,) = Notice.objects.filter(topic=target.topic)
    assert notice.title == "Antwoord van de denktank: Overgenomen"
    assert notice.text.startswith("Dit nemen we")
    # A later answer "in behandeling" unlinks the actions (reconsidered).
    answer_idea(target, S.IN_PROGRESS, "We kijken opnieuw.", [], member)
    assert not target.actions.exists()


@pytest.mark.django_db
def test_a_stale_form_loses_to_the_answer_stored_first(client, verified_login, member):
    verified_login(client, member)
    target = idea(public_account("indiener"), status=S.RECEIVED)
    opened_on = target.state_id
    answer_idea(target, S.IN_PROGRESS, "Collega was eerst.", [], member)
    response = _post(client, target, status=S.NOT_ADOPTED, note="Mijn reden.", state=opened_on)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft dit idee intussen beantwoord" in html and "Mijn reden." in html
    target.refresh_from_db()
    assert target.status == S.IN_PROGRESS
    with pytest.raises(StaleAnswer):
        answer_idea(target, S.NOT_ADOPTED, "x", [], member, expected_state_id=opened_on)


@pytest.mark.django_db
def test_answering_a_waiting_idea_is_not_offered(client, verified_login, member):
    verified_login(client, member)
    waiting = idea(public_account("indiener"))
    response = client.get(reverse("participation_admin:answer", args=[waiting.pk]))
    assert response.status_code == 200
    assert "Een moderator beslist eerst" in response.content.decode()
    assert _post(client, waiting, status=S.IN_PROGRESS, note="x").status_code == 400
    with pytest.raises(TransitionError):
        record_status(waiting, S.IN_PROGRESS)
    waiting.refresh_from_db()
    assert waiting.status == S.WAITING


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_one_wins_the_other_is_told(nijkerk):
    """On PostgreSQL: the second answer waits at the row lock, then finds the idea answered."""
    import threading
    import time

    from django.db import connection, transaction

    from samenaanpak.participation.models import Idea

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (the test run's SQLite locks whole tables)")
    member = staff("lid-preventie", "Denktank Preventie")
    colleague = staff("collega", "Denktank Preventie")
    target = idea(public_account("indiener"), status=S.RECEIVED)
    opened_on = target.state_id  # both forms were opened on this row
    action = Action.objects.filter(goal__think_tank__slug="preventie").first()
    first_stored, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                answer_idea(
                    Idea.objects.get(pk=target.pk),
                    S.ADOPTED,
                    "Overgenomen.",
                    [action],
                    member,
                    expected_state_id=opened_on,
                )
                first_stored.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            first_stored.wait(10)
            try:
                answer_idea(
                    Idea.objects.get(pk=target.pk),
                    S.ADOPTED,
                    "Ook overgenomen.",
                    [action],
                    colleague,
                    expected_state_id=opened_on,
                )
                outcome["second"] = "stored"
            except TransitionError as error:
                outcome["second"] = error.code
            outcome["finished"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_stored.wait(10)
    time.sleep(0.5)
    released = time.monotonic()
    release.set()
    for thread in threads:
        thread.join(15)
    assert outcome["second"] == "stale" and outcome["finished"] >= released
    assert list(IdeaEvent.objects.filter(idea=target).values_list("note", flat=True)) == [
        "Overgenomen.",
        "",
    ]
    assert OutgoingEmail.objects.filter(purpose="dienstbericht").count() == 1


@pytest.mark.django_db
def test_example_actions_are_not_offered_for_an_answer(client, verified_login, member):
    """An idea "overgenomen" in an example action would promise something nobody plans."""
    verified_login(client, member)
    example, real = Action.objects.filter(goal__think_tank__slug="preventie")[:2]
    Action.objects.filter(pk=example.pk).update(is_example=True)
    target = idea(public_account("indiener"), status=S.RECEIVED)
    html = client.get(reverse("participation_admin:answer", args=[target.pk])).content.decode()
    assert real.title in html and example.title not in html
    # A forged choice is refused at the field; nothing is stored.
    response = _post(client, target, status=S.ADOPTED, note="Overgenomen.", actions=[example.pk])
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["actions"]
    target.refresh_from_db()
    assert target.status == S.RECEIVED and not target.actions.exists()
    # An example already linked (the content's example ideas) stays offered and checked, so a new
    # answer does not drop it unseen.
    answer_idea(target, S.ALREADY_PLANNED, "Staat al in het plan.", [example], member)
    form = AnswerForm(idea=target)
    assert example in form.fields["actions"].queryset
    assert form.fields["actions"].initial == [example.pk]

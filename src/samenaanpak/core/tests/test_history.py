"""The one status-history mechanism (core/history.py), for every app that uses it: the full
transition table walked through the writer, the stored columns, the row lock, and the migrations
that filled the stored columns from existing history."""

import datetime
import itertools
import threading
import time
from collections import deque

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from wagtail.models import Locale, Page

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.participation.models import Comment, Idea
from samenaanpak.plan.models import Action, ActionEvent, Goal, ThinkTankPage
from samenaanpak.plan.status import Status as PlanStatus
from samenaanpak.questions.models import Question, QuestionEvent
from samenaanpak.reports.models import Category, Report, ReportEvent, Team, today
from samenaanpak.reports.status import Status as ReportStatus

_numbers = itertools.count(1)


def make_action():
    n = next(_numbers)
    root = Page.get_first_root_node()
    if root is None:  # a transactional test starts without the tree that migrations made
        locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
        root = Page.add_root(instance=Page(title="Root", locale=locale))
    think_tank = root.add_child(instance=ThinkTankPage(title=f"Denktank {n}", slug=f"denktank-{n}"))
    goal = Goal.objects.create(think_tank=think_tank, title="Doel")
    return Action.objects.create(goal=goal, title=f"Actie {n}")


def make_idea():
    think_tank = make_action().goal.think_tank
    return Idea.objects.create(think_tank=think_tank, title="Idee", text="Tekst")


def make_comment():
    return Comment.objects.create(idea=make_idea(), text="Reactie")


def idea_fields(status):
    return {"note": "Omdat het al bestaat."}


def make_question():
    return Question.objects.create(text="Een vraag")


def make_report():
    n = next(_numbers)
    team = Team.objects.filter(name="Team").first()
    if team is None:
        team = Team.objects.create(
            name="Team", group=Group.objects.create(name="Team"), public_key=b"k"
        )
    category = Category.objects.get_or_create(name="Categorie", team=team)[0]
    return Report.objects.create(
        number=f"M-{n}",
        receipt_digest=f"digest-{n}",
        team=team,
        category=category,
        due_on=today(),
        public_key=b"",
        receipt_salt=b"",
        private_for_receipt=b"",
        private_for_team=b"",
        sealed_content=b"",
    )


def plan_fields(status):
    return {"progress": 100 if status == PlanStatus.DONE else 0}


def report_fields(status):
    return {"forwarded_to": "politie"}


# app -> (make a record without history, the event fields its own rules need)
APPS = {
    "plan": (make_action, plan_fields),
    "questions": (make_question, lambda status: {}),
    "reports": (make_report, report_fields),
    "participation ideas": (make_idea, idea_fields),
    "participation comments": (make_comment, lambda status: {}),
}


def newest(subject):
    return subject.events.order_by("-created_at", "-pk").first()


def path_to(workflow, start, targets):
    """Shortest list of steps from start to a status in targets (None if there is none)."""
    queue, seen = deque([(start, [])]), {start}
    while queue:
        status, steps = queue.popleft()
        if status in targets and steps:
            return steps
        for following in sorted(workflow.allowed(status)):
            if following not in seen:
                seen.add(following)
                queue.append((following, [*steps, following]))
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_every_step_of_the_table_through_the_writer(app):
    """Walks every allowed step (each one stored, and the record's status and state follow the
    newest row) and tries every refused step from every status (refused, nothing stored)."""
    make, fields = APPS[app]
    workflow = type(make()).workflow
    statuses = set(workflow.statuses.values)
    assert set(workflow.transitions) == {None} | statuses  # every status has a row
    untested = {(a, b) for a, following in workflow.transitions.items() for b in following}
    refusals_tried = set()
    subject, current = make(), None
    while untested:
        if current not in refusals_tried:
            refusals_tried.add(current)
            events = subject.events.count()
            for new in sorted(statuses - workflow.allowed(current)):
                with pytest.raises(TransitionError) as error:
                    record_status(subject, new, **fields(new))
                assert error.value.code == "transition_not_allowed", (current, new)
                stored = type(subject).objects.get(pk=subject.pk)
                assert (stored.state_id, subject.events.count()) == (
                    newest(subject) and newest(subject).pk,
                    events,
                )
        steps = [b for a, b in sorted(untested, key=str) if a == current]
        if steps:
            new = steps[0]
        else:
            path = path_to(workflow, current, {a for a, _ in untested})
            if path is None:  # what is left starts from "no history": a new record
                subject, current = make(), None
                continue
            new = path[0]
        event = record_status(subject, new, **fields(new))
        stored = type(subject).objects.get(pk=subject.pk)
        assert stored.status == subject.status == event.status == new
        assert stored.state_id == subject.state_id == event.pk == newest(subject).pk
        untested.discard((current, new))
        current = new
    assert refusals_tried >= {None} | {s for s in statuses if workflow.allowed(s)}


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_events_are_append_only(app):
    make, fields = APPS[app]
    subject = make()
    first = type(subject).workflow.transitions[None]
    status = sorted(first)[0]
    event = record_status(subject, status, **fields(status))
    event.status = status
    with pytest.raises(ValueError, match="append-only"):
        event.save()


@pytest.mark.django_db
def test_a_stale_form_save_leaves_the_stored_status_alone():
    """Only the writer sets status and state: saving a copy loaded before someone else's step
    (as a form does) keeps the newer status."""
    question = make_question()
    record_status(question, "nieuw")
    stale = Question.objects.get(pk=question.pk)
    record_status(question, "in_behandeling")
    stale.answer = "Het antwoord"
    stale.save()
    stored = Question.objects.get(pk=question.pk)
    assert (stored.status, stored.state_id, stored.answer) == (
        "in_behandeling",
        question.state_id,
        "Het antwoord",
    )


@pytest.mark.django_db
def test_plan_and_report_rules_stay_in_their_apps():
    action = make_action()
    with pytest.raises(TransitionError) as error:
        record_status(action, PlanStatus.PLANNED, progress=10)
    assert error.value.code == "planned_progress" and not action.events.exists()
    report = make_report()
    record_status(report, ReportStatus.NEW)
    record_status(report, ReportStatus.IN_PROGRESS, author=None)
    with pytest.raises(TransitionError) as error:
        record_status(report, ReportStatus.FORWARDED, forwarded_to="")
    assert error.value.code == "forwarded_to_required"
    record_status(report, ReportStatus.CLOSED)
    report.refresh_from_db()
    assert report.delete_after is not None  # reports' own consequence of a status


# --- the row lock, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_steps_cannot_both_pass_the_check():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (the test run's SQLite locks whole tables)")
    question = make_question()
    record_status(question, "nieuw")
    first_stored, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                record_status(Question.objects.get(pk=question.pk), "in_behandeling")
                first_stored.set()
                release.wait(10)  # hold the lock, uncommitted
        finally:
            connection.close()

    def second():
        try:
            first_stored.wait(10)
            copy = Question.objects.get(pk=question.pk)  # still "nieuw": first has not committed
            assert copy.status == "nieuw"
            try:
                record_status(copy, "in_behandeling")  # allowed from "nieuw", not from itself
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
    time.sleep(0.5)  # the second step is now waiting at the row lock
    released = time.monotonic()
    release.set()
    for thread in threads:
        thread.join(15)
    assert outcome["second"] == "transition_not_allowed"
    assert outcome["finished"] >= released  # it waited for the first transaction
    assert list(
        QuestionEvent.objects.filter(question=question).values_list("status", flat=True)
    ) == [
        "in_behandeling",
        "nieuw",
    ]


# --- the migrations that filled the stored columns ---------------------------------------------


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migrations_fill_the_stored_columns_from_existing_history():
    """Existing records lose their stored columns (migrating back), then the migrations fill
    them again from the newest history rows, by time and then by id."""
    long_ago = timezone.now() - datetime.timedelta(days=30)
    # plan: an action whose newest row (by time) is not the last inserted, and one without history
    action = make_action()
    record_status(action, PlanStatus.PLANNED, progress=0)
    later = record_status(action, PlanStatus.IN_PROGRESS, progress=40)
    earlier = record_status(action, PlanStatus.IN_PROGRESS, progress=20)
    ActionEvent._base_manager.filter(pk=earlier.pk).update(created_at=long_ago)
    bare_action = make_action()
    # questions: one answered, one without history (nieuw)
    question = make_question()
    record_status(question, "nieuw")
    answered = record_status(question, "beantwoord")
    bare_question = make_question()
    # reports: one closed
    report = make_report()
    record_status(report, ReportStatus.NEW)
    closed = record_status(report, ReportStatus.CLOSED)
    try:
        migrate([("plan", "0001_initial"), ("questions", "0001_initial")])
        migrate([("reports", "0003_audit_entry_team_from_report")])
        with connection.cursor() as cursor:
            columns = {
                c.name
                for c in connection.introspection.get_table_description(cursor, "plan_action")
            }
        assert "state_id" not in columns and "status" not in columns
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Action.objects.filter(pk=action.pk).values_list("status", "state").get() == (
        PlanStatus.IN_PROGRESS,
        later.pk,
    )
    assert Action.objects.filter(pk=bare_action.pk).values_list("status", "state").get() == (
        "",
        None,
    )
    assert Question.objects.filter(pk=question.pk).values_list("status", "state").get() == (
        "beantwoord",
        answered.pk,
    )
    # A question without history gets its first row, so the table applies to it (review fix:
    # it was stuck at "nieuw" with no row, and the back office failed on its next step).
    bare_question.refresh_from_db()
    assert bare_question.status == "nieuw" and bare_question.state is not None
    record_status(bare_question, "in_behandeling")
    assert bare_question.status == "in_behandeling"
    assert Report.objects.filter(pk=report.pk).values_list("status", "state").get() == (
        ReportStatus.CLOSED,
        closed.pk,
    )
    assert ReportEvent.objects.filter(report=report).count() == 2


@pytest.mark.django_db
def test_history_rows_cannot_be_rewritten_bulk_inserted_or_deleted():
    action = make_action()
    event = record_status(action, PlanStatus.PLANNED, progress=0)
    rows = ActionEvent.objects.filter(pk=event.pk)
    for attempt in (
        lambda: rows.update(note="herschreven"),
        lambda: rows.delete(),
        lambda: ActionEvent.objects.bulk_create(
            [ActionEvent(action=action, status=PlanStatus.DONE, progress=100)]
        ),
    ):
        with pytest.raises(TypeError, match="append-only"):
            attempt()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert ActionEvent.objects.filter(action=action).count() == 1
    action.delete()  # deleting the record itself still removes its rows (cascade)
    assert not ActionEvent.objects.filter(pk=event.pk).exists()

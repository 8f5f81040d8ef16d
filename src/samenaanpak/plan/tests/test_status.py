import pytest

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.plan.models import Action, ActionEvent, progress_overview
from samenaanpak.plan.status import TRANSITIONS, WORKFLOW, Status
from samenaanpak.tests.factories import ActionFactory

ALL = [None, *Status.values]


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("new", Status.values)
def test_transition_table_is_enforced(current, new):
    progress = 100 if new == Status.DONE else 0
    if new in TRANSITIONS[current]:
        WORKFLOW.check(current, new, progress=progress)
    else:
        with pytest.raises(TransitionError) as error:
            WORKFLOW.check(current, new, progress=progress)
        assert error.value.code == "transition_not_allowed"
        assert "kan een actie niet naar" in error.value.messages[0]


@pytest.mark.parametrize(
    "status, progress, code",
    [
        (Status.PLANNED, 10, "planned_progress"),
        (Status.DONE, 90, "done_progress"),
        (Status.IN_PROGRESS, 101, "progress_range"),
    ],
)
def test_progress_must_fit_the_status(status, progress, code):
    current = {
        Status.PLANNED: None,
        Status.DONE: Status.IN_PROGRESS,
        Status.IN_PROGRESS: Status.PLANNED,
    }[status]
    with pytest.raises(TransitionError) as error:
        WORKFLOW.check(current, status, progress=progress)
    assert error.value.code == code


@pytest.mark.django_db
def test_history_is_append_only_and_newest_row_is_current(nijkerk, action):
    record_status(action, Status.PLANNED, progress=0)
    record_status(action, Status.IN_PROGRESS, progress=30, note="Begonnen")
    record_status(action, Status.IN_PROGRESS, progress=60)
    stored = Action.objects.select_related("state").get(pk=action.pk)
    assert (stored.status, stored.state.progress) == (Status.IN_PROGRESS, 60)
    assert stored.state == action.events.first()  # the newest row
    assert action.events.count() == 3

    with pytest.raises(TransitionError):
        record_status(action, Status.PLANNED, progress=0)
    assert action.events.count() == 3  # a refused step leaves the history unchanged

    event = action.events.first()
    event.note = "herschreven"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.django_db
def test_progress_overview_counts_and_means(examples_made_real):
    from samenaanpak.plan.models import ThinkTankPage

    aanbod = ThinkTankPage.objects.get(slug="aanbod")
    overview = progress_overview([aanbod])[0]
    # Aanbod: meldpunt in progress at 30%, horeca overleg stopped (left out of the mean)
    assert overview["counts"] == {"gepland": 0, "in_uitvoering": 1, "afgerond": 0, "gestopt": 1}
    assert overview["total"] == 2 and overview["progress"] == 30
    assert sum(float(bar["percent"]) for bar in overview["bars"]) == pytest.approx(100)


@pytest.mark.django_db
def test_progress_overview_query_count_is_constant(nijkerk, django_assert_num_queries):
    from samenaanpak.plan.models import ThinkTankPage

    think_tanks = list(ThinkTankPage.objects.all())
    with django_assert_num_queries(1):
        progress_overview(think_tanks)
    for _ in range(30):
        action = ActionFactory(goal=think_tanks[0].goals.first())
        record_status(action, Status.IN_PROGRESS, progress=50)
    with django_assert_num_queries(1):
        progress_overview(think_tanks)
    assert ActionEvent.objects.count() > 30


@pytest.mark.django_db
def test_think_tank_page_pages_through_many_actions(
    client, examples_made_real, settings, django_assert_max_num_queries
):
    from samenaanpak.plan.models import ThinkTankPage

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    goal = ThinkTankPage.objects.get(slug="preventie").goals.first()
    for _ in range(43):  # 2 examples + 43 = 45 actions
        record_status(ActionFactory(goal=goal), Status.PLANNED, progress=0)
    client.get("/denktanks/preventie/")
    with django_assert_max_num_queries(15):  # with the think tank's coming meetings
        first = client.get("/denktanks/preventie/").content.decode()
    assert first.count('class="sa-action"') == 20 and "Pagina 1 van 3" in first
    last = client.get("/denktanks/preventie/", {"pagina": 3}).content.decode()
    assert last.count('class="sa-action"') == 5
    assert client.get("/denktanks/preventie/", {"pagina": "zzz"}).status_code == 200

"""A new meeting is news for the organising think tank's followers, once, and only when it is
published: a draft, an example or a change of an announced meeting tells nobody."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.events.models import EventIndexPage, EventPage
from samenaanpak.notifications.api import ensure_topic
from samenaanpak.notifications.models import Notice
from samenaanpak.plan.models import ThinkTankPage


@pytest.fixture
def tank(nijkerk):
    tank = ThinkTankPage.objects.get(slug="preventie")
    ensure_topic(tank, "Denktank Preventie", tank.url)
    return tank


def new_meeting(tank, **fields):
    start = timezone.now() + datetime.timedelta(days=10)
    page = EventPage(
        title="Avond voor ouders",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place_name="Nijkerk",
        think_tank=tank,
        live=False,
        **fields,
    )
    EventIndexPage.objects.get().add_child(instance=page)
    return page


def test_published_once_announced_once(tank, django_capture_on_commit_callbacks):
    page = new_meeting(tank)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()  # a draft: nothing
    assert not Notice.objects.filter(topic=tank.topic).exists()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    (notice,) = Notice.objects.filter(topic=tank.topic)
    assert notice.title == "Nieuwe bijeenkomst: Avond voor ouders"
    assert notice.path == EventPage.objects.get(pk=page.pk).url
    page = EventPage.objects.get(pk=page.pk)
    page.title = "Avond voor ouders (nieuwe tijd)"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert Notice.objects.filter(topic=tank.topic).count() == 1
    assert EventPage.objects.get(pk=page.pk).ical_sequence == 1


def test_an_example_is_not_announced(tank, django_capture_on_commit_callbacks):
    page = new_meeting(tank, is_example=True)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert not Notice.objects.filter(topic=tank.topic).exists()


def test_a_meeting_behind_a_login_is_not_announced(tank, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    page = new_meeting(tank)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert not Notice.objects.filter(topic=tank.topic).exists()

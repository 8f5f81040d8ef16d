import pytest

from samenaanpak.events import services
from samenaanpak.events.models import EventPage, Registration
from samenaanpak.events.status import RegistrationStatus


@pytest.fixture
def evening(nijkerk):
    return EventPage.objects.get(slug="ouderavond-drugs-en-uitgaan")


def test_content_loaded(nijkerk):
    assert EventPage.objects.count() == 3
    assert EventPage.objects.live().count() == 3


def test_register_wait_cancel_promote(evening, django_capture_on_commit_callbacks, smtp):
    EventPage.objects.filter(pk=evening.pk).update(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(evening, name="An", email="an@example.org")
        second = services.register(evening, name="Bo", email="bo@example.org")
    assert first.status == RegistrationStatus.REGISTERED
    assert second.status == RegistrationStatus.WAITING
    with pytest.raises(services.Refused):
        services.register(evening, name="An", email="AN@example.org ")
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(first)
    assert promoted.pk == second.pk
    assert Registration.objects.get(pk=second.pk).status == RegistrationStatus.REGISTERED

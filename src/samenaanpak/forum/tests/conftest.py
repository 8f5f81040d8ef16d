import pytest

from samenaanpak.forum.models import Category, StaffedPeriod


@pytest.fixture
def forum(nijkerk):
    """The Nijkerk content with the vrijplaats; always staffed unless a test removes it."""
    StaffedPeriod.objects.all().delete()
    import datetime

    for day in range(7):
        StaffedPeriod.objects.create(
            weekday=day, starts=datetime.time(0, 0), ends=datetime.time(23, 59, 59)
        )
    return Category.objects.get(slug="praat-erover")


@pytest.fixture
def ask(forum):
    return Category.objects.get(slug="vraag-het-een-hulpverlener")

"""Response times: median and 90th percentile of the time from entering the queue to a
moderator's first decision, urgent apart from the rest, and what waits now; the page shows them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samenaanpak.forum import moderation
from samenaanpak.forum.models import QueueItem

from .factories_mod import mod_post, staff_user

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def looked(minutes, *, urgent=False, days_ago=1, post=None):
    """A queue item that waited `minutes` before a moderator looked, `days_ago` days ago."""
    seen = NOW - datetime.timedelta(days=days_ago)
    return QueueItem.objects.create(
        post=post or mod_post(),
        kind="crisis" if urgent else "gemeld",
        urgent=urgent,
        created_at=seen - datetime.timedelta(minutes=minutes),
        looked_at=seen,
    )


@pytest.mark.django_db
def test_median_and_90th_percentile_with_known_data():
    post = mod_post()
    for minutes in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100):
        looked(minutes, post=post)
    looked(4, urgent=True, post=post)
    looked(8, urgent=True, post=post)
    looked(500, days_ago=40, post=post)  # outside 30 days
    QueueItem.objects.create(
        post=mod_post(), kind="vastgehouden", created_at=NOW - datetime.timedelta(hours=2)
    )
    numbers = moderation.figures(NOW, days=30)
    other, urgent = numbers["other"], numbers["urgent"]
    assert other["count"] == 10
    assert other["median"] == datetime.timedelta(minutes=55)
    # statistics.quantiles(..., method="inclusive"): 90 + 0.1 * (100 - 90)
    assert other["p90"] == datetime.timedelta(minutes=91)
    assert urgent["count"] == 2 and urgent["median"] == datetime.timedelta(minutes=6)
    assert numbers["all"]["count"] == 12
    assert numbers["waiting"] == 1 and numbers["oldest_waiting"] == datetime.timedelta(hours=2)
    assert moderation.figures(NOW, days=7)["other"]["count"] == 10
    assert moderation.figures(NOW + datetime.timedelta(days=35), days=7)["other"]["count"] == 0


@pytest.mark.django_db
def test_no_data_gives_no_numbers_and_one_item_is_its_own_percentile():
    numbers = moderation.figures(NOW)
    assert numbers["other"] == {"count": 0, "median": None, "p90": None}
    assert numbers["waiting"] == 0 and numbers["oldest_waiting"] is None
    looked(12)
    numbers = moderation.figures(NOW)
    assert numbers["other"]["median"] == numbers["other"]["p90"] == datetime.timedelta(minutes=12)


@pytest.mark.django_db
def test_the_page_shows_both_periods(client, verified_login):
    verified_login(client, staff_user("moderator", "Moderator"))
    now = timezone.now()
    QueueItem.objects.create(
        post=mod_post(),
        kind="gemeld",
        created_at=now - datetime.timedelta(hours=2, minutes=5),
        looked_at=now - datetime.timedelta(hours=1),
    )
    html = client.get(reverse("forum_admin:figures")).content.decode()
    assert "laatste 7 dagen" in html and "laatste 30 dagen" in html
    assert "1 u 5 min" in html and "Urgent" in html
    assert "Nu wachten 0 berichten" in html


def test_durations_read_as_moderators_say_them():
    from samenaanpak.forum.admin_views import duration

    assert duration(datetime.timedelta(seconds=30)) == "minder dan 1 min"
    assert duration(datetime.timedelta(minutes=59)) == "59 min"
    assert duration(datetime.timedelta(hours=26, minutes=3)) == "1 d 2 u"

"""Helpers of the meetings' service, job and calendar tests: a meeting of one's own under
/bijeenkomsten/, registrations in bulk and the mail the outbox holds."""

import datetime
import zoneinfo

from samenaanpak.core.models import OutgoingEmail

from .. import services
from ..models import EventIndexPage, EventPage

LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LOCAL)


def meeting(start=None, *, publish=True, minutes=120, **fields) -> EventPage:
    """A published meeting (open registration, no organiser unless given) under the index."""
    start = start or local(2027, 3, 1, 19, 30)
    index = EventIndexPage.objects.get()
    count = EventPage.objects.count()
    event = EventPage(
        title=fields.pop("title", f"Testbijeenkomst {count}"),
        slug=fields.pop("slug", f"testbijeenkomst-{count}"),
        start=start,
        end=start + datetime.timedelta(minutes=minutes),
        place_name="Nijkerk",
        registration="open",
        **fields,
    )
    index.add_child(instance=event)
    if publish:
        event.save_revision().publish()
    else:
        EventPage.objects.filter(pk=event.pk).update(live=False)
    return EventPage.objects.get(pk=event.pk)


def sign_up(event, count, *, start=0, now=None, prefix="p"):
    return [
        services.register(event, name=f"Persoon {i}", email=f"{prefix}{i}@example.org", now=now)
        for i in range(start, start + count)
    ]


def outbox(purpose=services.PURPOSE, **filters):
    return list(OutgoingEmail.objects.filter(purpose=purpose, **filters).order_by("pk"))


def subjects(purpose=services.PURPOSE, **filters):
    return [email.subject for email in outbox(purpose, **filters)]

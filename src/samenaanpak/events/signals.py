"""When a meeting is published: calendars see a change (SEQUENCE up), people waiting move up if
places were added, and the first publication is announced to the think tank's followers. Nothing
happens for a draft: an unpublished meeting is never announced or mailed about."""

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from .models import EventPage


@receiver(page_published, sender=EventPage)
def published(sender, instance, revision=None, **kwargs):
    from . import services

    event = instance
    if event.announced_at is not None:
        EventPage.objects.filter(pk=event.pk).update(ical_sequence=F("ical_sequence") + 1)
    else:
        EventPage.objects.filter(pk=event.pk).update(announced_at=timezone.now())
        if not event.is_example and event.start > timezone.now():
            transaction.on_commit(lambda: _announce(event.pk))
    services.fill_places(event)


def _announce(pk):
    """Followers of the organising think tank hear of a new meeting (notifications)."""
    from samenaanpak.notifications import api as notifications

    event = EventPage.objects.filter(pk=pk, live=True).select_related("think_tank").first()
    if event is None or event.think_tank is None or event.think_tank.topic_id is None:
        return
    if event.get_view_restrictions().exists():  # behind a login or password: not news for all
        return
    from django.utils.translation import gettext as _

    notifications.post(
        event.think_tank.topic,
        _("Nieuwe bijeenkomst: %(title)s") % {"title": event.title},
        text=event.intro,
        path=event.url or "",
        event=f"bijeenkomst-{event.pk}",
    )

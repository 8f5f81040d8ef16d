"""Closing the loop: when an action that ideas turned into changes, the ideas' followers hear it.

A new ActionEvent (plan's history row: status, progress, milestone) of an action linked to ideas
becomes one Notice on each linked idea's topic, once per event, after the transaction that stored
the event commits (a rolled-back change tells nobody). The notifications app fans the notices out
to the author and the other followers, at once or in their digest."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from samenaanpak.notifications import api as notifications
from samenaanpak.plan.models import ActionEvent

from .models import Idea
from .status import PUBLIC_IDEA_STATUSES
from .urls import idea_path, ideas_page


def notices_for_event(event_id: int) -> int:
    """One notice per public idea linked to the event's action. Returns how many."""
    event = ActionEvent.objects.select_related("action").filter(pk=event_id).first()
    if event is None or event.action.is_example:  # example content tells nobody
        return 0
    ideas = list(
        Idea.objects.filter(
            actions=event.action_id, status__in=PUBLIC_IDEA_STATUSES
        ).select_related("topic")
    )
    if not ideas:
        return 0
    page = ideas_page()
    title = _("De actie “%(action)s” is nu %(status)s (%(progress)s %%)") % {
        "action": event.action.title,
        "status": event.get_status_display().lower(),
        "progress": event.progress,
    }
    with transaction.atomic():
        for idea in ideas:
            path = idea_path(idea, page)
            topic = notifications.ensure_topic(idea, idea.title, path)
            notifications.post(topic, title, event.note, path)
    return len(ideas)


@receiver(post_save, sender=ActionEvent, dispatch_uid="participation_action_event_notices")
def action_event_stored(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        event_id = instance.pk
        transaction.on_commit(lambda: notices_for_event(event_id))

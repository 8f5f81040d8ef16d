"""The plan's own news for followers (notifications): a published update and a change of an
action's status or progress are told on the think tank's topic and on the plan's topic. Example
content never is. A topic that does not exist yet has no followers, so nothing is posted then
(the content loader's history rows, for one, tell nobody)."""

from django.db import transaction
from django.utils.translation import gettext as _

from samenaanpak.notifications import api
from samenaanpak.notifications.models import Notice


def _plan_topic(page):
    from .models import PlanPage

    site = page.get_site()
    plan = PlanPage.objects.in_site(site).first() if site else PlanPage.objects.first()
    return plan.topic if plan is not None and plan.topic_id else None


def _post(topics, title, text, path, event):
    if Notice.objects.filter(event=event).exists():
        return  # told before (a page published again, a signal sent twice)
    for topic in topics:
        if topic is not None:
            api.post(topic, title, text, path, event=event)


def update_published(sender, instance, **kwargs):
    """Wagtail's page_published, for UpdatePage: only its first publication is news."""
    page = instance
    if page.is_example or (
        page.first_published_at
        and page.last_published_at
        and page.first_published_at != page.last_published_at
    ):
        return
    from .models import ThinkTankPage

    parent = page.get_parent().specific
    think_tank = parent if isinstance(parent, ThinkTankPage) else None
    topics = [think_tank.topic if think_tank and think_tank.topic_id else None, _plan_topic(page)]
    transaction.on_commit(
        lambda: _post(
            topics,
            _("Nieuws: %(title)s") % {"title": page.title},
            page.intro or "",
            page.url or "",
            f"plan.update:{page.pk}",
        )
    )


def action_event_saved(sender, instance, created, raw=False, **kwargs):
    """A new history row of an action (record_status): a change, unless it is the action's first."""
    if not created or raw:
        return
    event = instance
    action = event.action
    if (
        action.is_example
        or not type(event).objects.filter(action=action).exclude(pk=event.pk).exists()
    ):
        return
    think_tank = action.goal.think_tank
    topics = [think_tank.topic if think_tank.topic_id else None, _plan_topic(think_tank)]
    text = event.note or ""
    _post(
        topics,
        _("%(action)s: %(status)s, %(progress)d%% klaar")
        % {
            "action": action.title,
            "status": event.get_status_display(),
            "progress": event.progress,
        },
        text,
        think_tank.url or "",
        f"plan.actionevent:{event.pk}",
    )

"""Which ideas an action came from, for the plan's pages ("Kwam voort uit: …").

The plan's public pages look this up by name (`plan.models.attach_origin_ideas`) for the actions
they list. The whole mapping (action → published ideas, with their paths) is small and changes
only when an answer links ideas to actions, so it is kept as one entry in the default cache and
dropped whenever an idea or its links change: a page with many actions costs no query for it
once warm, and two (the links and the ideas page) when cold.

The cache is shared by every app server, so the entry is dropped again when the change commits:
another process that rebuilt it from the database between the change and its commit would
otherwise keep the old mapping there for a day."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Idea, IdeasPage
from .urls import idea_path, ideas_page

CACHE_KEY = "participation:action-origins"
CACHE_SECONDS = 24 * 3600


def _build() -> dict[int, list[tuple[str, str]]]:
    links = (
        Idea.actions.through.objects.filter(idea__published_at__isnull=False)
        .order_by("idea__published_at", "idea_id")
        .values_list("action_id", "idea_id", "idea__title")
    )
    mapping: dict[int, list[tuple[str, str]]] = {}
    page = None
    for action_id, idea_id, title in links:
        if page is None:
            page = ideas_page() or False
        path = idea_path(Idea(pk=idea_id), page) if page else ""
        mapping.setdefault(action_id, []).append((title, path))
    return mapping


def for_actions(action_ids) -> dict[int, list[tuple[str, str]]]:
    mapping = cache.get(CACHE_KEY)
    if mapping is None:
        mapping = _build()
        cache.set(CACHE_KEY, mapping, CACHE_SECONDS)
    return {pk: mapping[pk] for pk in action_ids if pk in mapping}


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


@receiver(post_save, sender=Idea, dispatch_uid="participation_origins_idea_saved")
@receiver(post_delete, sender=Idea, dispatch_uid="participation_origins_idea_deleted")
@receiver(post_save, sender=IdeasPage, dispatch_uid="participation_origins_page_saved")
@receiver(m2m_changed, sender=Idea.actions.through, dispatch_uid="participation_origins_links")
def _changed(sender, **kwargs):
    forget()

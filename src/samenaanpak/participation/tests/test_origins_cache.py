"""The action → ideas mapping lives in the cache every app server shares: a change drops it when it
commits, so a rebuild by another process from the not yet committed state does not stay."""

from django.core.cache import cache
from django.db import transaction

from samenaanpak.participation import origins


def test_a_rebuild_during_the_change_is_dropped_when_it_commits(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        origins.forget()  # a link changed (the signal receivers call this)
        # Another app server misses the entry and rebuilds it from the old, committed links.
        cache.set(origins.CACHE_KEY, {1: [("Oud idee", "/oud/")]}, origins.CACHE_SECONDS)
    assert cache.get(origins.CACHE_KEY) is None

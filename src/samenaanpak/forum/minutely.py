"""Minute work of the vrijplaats (run by `manage.py scheduler`): mail the moderators when an item
waits too long or something urgent is new (see moderation.notify_moderators)."""

from .moderation import notify_moderators


def run(now=None) -> str:
    return f"forum: {notify_moderators(now)} moderator mail(s) queued"

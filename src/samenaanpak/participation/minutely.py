"""Minute work of Denk mee (run by `manage.py scheduler`): mail the moderators when something
waits (at most once per MODERATOR_MAIL_INTERVAL_HOURS; see moderation.notify_moderators)."""

from .moderation import notify_moderators


def run(now=None) -> str:
    return f"participation: {notify_moderators(now)} moderator mail(s) queued"

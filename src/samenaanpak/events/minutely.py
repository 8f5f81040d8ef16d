"""Minute work of the meetings (run by `manage.py scheduler`): the reminders that are due
(services.send_reminders; each registration is reminded once, however often this runs)."""

from .services import send_reminders


def run(now=None) -> str:
    return f"events: {send_reminders(now)} reminder(s) queued"

"""Found by name by core.scheduler.every_minute: digests whose moment (NOTIFICATION_DIGEST_TIME,
Europe/Amsterdam) has come, and immediate leftovers. Safe to repeat: see notifications.sending."""

from . import sending


def run(now=None) -> str:
    mails, notices = sending.send_due(now)
    return f"notifications: {mails} mail(s) with {notices} notice(s) queued"

"""Daily work of core: retry due email, delete old sent email."""

from . import mail


def run(now=None) -> str:
    queued = mail.retry_due(now)
    deleted = mail.purge_sent(now)
    return f"core: {queued} email(s) queued again, {deleted} old email(s) deleted"

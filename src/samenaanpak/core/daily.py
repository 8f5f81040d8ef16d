"""Daily work of core: retry due email, delete old sent email and expired throttle counters."""

from . import mail, throttle


def run(now=None) -> str:
    queued = mail.retry_due(now)
    deleted = mail.purge_sent(now)
    counters = throttle.purge_expired(now)
    return f"core: {queued} email(s) queued again, {deleted} old email(s) deleted, {counters} expired counter(s) deleted"

"""Keeps personal data out of every log record (AVG; docs/meldpunt.md, "What the logs show of the meldpunt")."""

import logging


class NoPersonalDataFilter(logging.Filter):
    """Django attaches the request to some records (django.request, django.security); its
    formatter would never print the client address, but other handlers (Sentry-like) might.
    Drop the request and anything that looks like client metadata before any handler sees it."""

    _FIELDS = ("request", "remote_addr", "client_ip", "user_agent")

    def filter(self, record: logging.LogRecord) -> bool:
        for field in self._FIELDS:
            if hasattr(record, field):
                setattr(record, field, None)
        return True


class DatabaseOutageFilter(logging.Filter):
    """During a database outage every request fails the same way (and gets the Dutch 503): one line
    a minute per process says so, instead of a 90-line traceback per request (4 MB a minute)."""

    WINDOW = 60.0

    def __init__(self):
        super().__init__()
        self.quiet_until = 0.0
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        import time

        from django.db import InterfaceError, OperationalError

        error = record.exc_info[1] if record.exc_info else None
        while error is not None and not isinstance(error, (OperationalError, InterfaceError)):
            error = error.__cause__ or error.__context__
        if error is None:
            return True
        now = time.monotonic()
        if now < self.quiet_until:
            self.suppressed += 1
            return False
        record.msg = "database unavailable (%s); %d similar error(s) suppressed in the last minute"
        record.args = (type(error).__name__, self.suppressed)
        record.exc_info = record.exc_text = record.stack_info = None
        self.quiet_until, self.suppressed = now + self.WINDOW, 0
        return True

"""Keeps personal data out of every log record (AVG; DESIGN.md: no logs of reporters)."""

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

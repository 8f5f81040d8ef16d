"""Long-running processes that outlive a database outage.

A worker or scheduler that meets a lost connection must not exit (under a supervisor that would
restart it in a loop, under honcho it stopped the whole site): it closes its connections, waits
with a growing pause, logs once when the database goes and once when it is back, and carries on."""

import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger("samenaanpak.processes")

# What a lost or refused connection raises (psycopg and sqlite3 both map to these).
CONNECTION_ERRORS = (OperationalError, InterfaceError)
MAX_PAUSE = 30.0


def close_connections() -> None:
    """Drop every connection so that the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            # Closing a connection whose server is gone can fail; it is discarded all the same.
            connection.connection = None


class Outage:
    """Pauses between retries, and one log line when the database goes and one when it is back."""

    def __init__(self, name: str, first_pause: float = 1.0, max_pause: float = MAX_PAUSE):
        self.name = name
        self.first_pause = first_pause
        self.max_pause = max_pause
        self.pause = first_pause
        self.since = None

    def failed(self, error: BaseException) -> None:
        close_connections()
        if self.since is None:
            self.since = time.monotonic()
            logger.warning(
                "%s: database unavailable (%s); retrying until it is back",
                self.name,
                type(error).__name__,
            )
        time.sleep(self.pause)
        self.pause = min(self.pause * 2, self.max_pause)

    def succeeded(self) -> None:
        if self.since is not None:
            logger.warning(
                "%s: database back after %.0f s", self.name, time.monotonic() - self.since
            )
            self.since, self.pause = None, self.first_pause

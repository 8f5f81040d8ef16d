"""SQLite housekeeping (no-ops on PostgreSQL): the database files readable by their owner only, and
erased data not left behind in the write-ahead log."""

import os

from django.db import connections, transaction

SQLITE_FILE_SUFFIXES = ("", "-wal", "-shm")


def _sqlite_file(connection) -> str | None:
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    return str(connection.settings_dict["NAME"])


def restrict_sqlite_files(sender, connection, **kwargs):
    """connection_created: the database, its WAL and shared-memory file 0600. They hold names,
    email addresses and questions, and SQLite creates them world-readable under the usual umask.
    (Once the database file is 0600, SQLite gives a new -wal and -shm the same mode.)"""
    name = _sqlite_file(connection)
    if name is None:
        return
    for suffix in SQLITE_FILE_SUFFIXES:
        try:
            os.chmod(name + suffix, 0o600)
        except OSError:  # not there (yet), or not ours to change
            pass


def checkpoint_wal(using: str = "default") -> None:
    """Call after erasing personal data. In WAL mode an erase is written to the -wal file first and
    reaches the database file only at a checkpoint, and the -wal file keeps older copies of the
    pages (with the erased data) until they happen to be overwritten. A TRUNCATE checkpoint copies
    everything into the database file, where secure_delete overwrote the rows, and empties the
    -wal file. Runs after the surrounding transaction commits; SQLite only."""
    connection = connections[using]
    if _sqlite_file(connection) is None:
        return

    def checkpoint():
        with connection.cursor() as cursor:
            # Waits for readers up to the busy timeout; a busy result is caught up by the next one.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    transaction.on_commit(checkpoint, using=using)

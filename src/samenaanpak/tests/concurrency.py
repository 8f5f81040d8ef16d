"""Doing things at the same instant in tests (PostgreSQL: each thread its own connection)."""

import threading

from django.db import connection


def at_once(*functions, wait=30, join=120):
    """Run the functions in threads released together by a barrier, each on its own database
    connection (closed at the end); their results in order. Any error fails the test."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(wait)
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(join)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    return results

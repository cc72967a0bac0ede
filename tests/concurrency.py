"""Run calls in real threads, one database connection each, released together (RELIABILITY.md 6.2).

On PostgreSQL the threads really race: a barrier releases them together, each on its own connection. On
SQLite (the local `make test` without DATABASE_URL) one writer at a time is all the engine allows, so the
threads take turns behind a lock standing in for its database lock; the outcome the tests assert is the same.
"""

import threading
from contextlib import nullcontext

from django.db import connection

TIMEOUT = 30  # seconds a thread may wait at the barrier or run; a hang fails the test instead of blocking it


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def race(*calls):
    """Run each call in its own thread with its own connection, released together; returns (results, errors)
    in call order. Unexpected exceptions are returned too, so the test can assert there were none."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    turns = nullcontext() if on_postgres() else threading.Lock()
    results = [None] * len(calls)
    errors = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect before the barrier: the race is the queries, not the logins
            barrier.wait()
            with turns:
                results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the test thread
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return results, errors

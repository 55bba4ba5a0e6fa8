"""Run work in threads released at one moment, each with its own database connection, as
gunicorn's workers would (the test database is a file with the settings `make run` uses)."""

import threading

from django.db import connections


def run_together(n, work):
    """Run work(i) in n threads released together by a barrier; return their results (an
    exception a thread raised is its result, so the assertions report it)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # reported by the caller's assertions, not lost in the thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results

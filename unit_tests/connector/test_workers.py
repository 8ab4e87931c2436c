from __future__ import annotations

import logging
import threading
from collections import defaultdict

import pytest

from source_databricks.tables.workers import Done, Task, WorkerPool

LOGGER = logging.getLogger("test")


class Sessions:
    """Hands out sessions (stand-ins) and records which thread used and closed each."""

    def __init__(self) -> None:
        self.opened: list[FakeSession] = []
        self.lock = threading.Lock()

    def __call__(self) -> FakeSession:
        session = FakeSession()
        with self.lock:
            self.opened.append(session)
        return session


class FakeSession:
    def __init__(self) -> None:
        self.closed = False
        self.threads: set[str] = set()

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.closed = True


def counting(name: str, count: int, fail_at: int | None = None, started=None):
    def run(session: FakeSession):
        session.threads.add(threading.current_thread().name)
        if started is not None:
            started.set()
        for i in range(count):
            if i == fail_at:
                raise RuntimeError(f"{name} failed")
            yield (name, i)

    return run


def drain(pool: WorkerPool) -> tuple[dict, dict]:
    messages, ends = defaultdict(list), {}
    for task, item in pool.results():
        if isinstance(item, Done):
            ends[task.key] = item.error
        else:
            messages[task.key].append(item)
    return messages, ends


def test_given_several_tasks_then_each_one_keeps_its_order_and_a_failure_stays_its_own():
    sessions = Sessions()
    with WorkerPool(sessions, 3, LOGGER) as pool:
        for name in ("a", "b", "c"):
            pool.submit(Task(name, counting(name, 200, fail_at=50 if name == "b" else None)))
        messages, ends = drain(pool)
    assert messages["a"] == [("a", i) for i in range(200)]
    assert messages["c"] == [("c", i) for i in range(200)]
    assert messages["b"] == [("b", i) for i in range(50)]
    assert ends["a"] is None and ends["c"] is None and str(ends["b"]) == "b failed"
    assert all(session.closed for session in sessions.opened)
    # Each session is used by one thread only: the SQL connection is not thread-safe.
    assert all(len(session.threads) <= 1 for session in sessions.opened)
    assert len(sessions.opened) == 3


def test_given_a_slow_writer_then_workers_wait_instead_of_queueing_everything():
    produced = []

    def run(session):
        for i in range(1000):
            produced.append(i)
            yield i

    with WorkerPool(Sessions(), 1, LOGGER) as pool:
        pool.submit(Task("t", run))
        results = pool.results()
        next(results)
        threading.Event().wait(0.3)  # the worker runs ahead only as far as the queue allows
        ahead = len(produced)
    assert ahead <= 1 + 2 + 1  # taken + queue of 2 per worker + one waiting to be put


def test_given_the_writer_stops_early_then_workers_stop_and_close_their_sessions():
    sessions, started = Sessions(), threading.Event()
    endless = counting("endless", 10**9, started=started)
    pool = WorkerPool(sessions, 2, LOGGER)
    with pytest.raises(KeyboardInterrupt), pool:
        pool.submit(Task("endless", endless))
        pool.submit(Task("other", counting("other", 10**9)))
        for _, _ in pool.results():
            raise KeyboardInterrupt  # Ctrl-C while writing
    assert started.is_set()
    assert all(session.closed for session in sessions.opened)
    assert not any(thread.is_alive() for thread in pool._threads)


def test_given_a_cancelled_task_then_it_ends_without_running():
    task = Task("t", counting("t", 5))
    task.cancelled.set()
    with WorkerPool(Sessions(), 1, LOGGER) as pool:
        pool.submit(task)
        messages, ends = drain(pool)
    assert messages == {} and ends == {"t": None}


def test_given_a_cancelled_read_whose_close_fails_then_it_still_ends_and_the_worker_goes_on():
    closing = threading.Event()

    def read(session):  # a read cancelled mid-result: closing its cursor raises (session gone)
        try:
            yield "first"
            closing.wait(5)
            yield "second"
        finally:
            raise RuntimeError("closing the cursor failed")

    task = Task("cancelled", read)
    with WorkerPool(Sessions(), 1, LOGGER) as pool:
        pool.submit(task)
        pool.submit(Task("next", counting("next", 3)))
        results = pool.results()
        assert next(results)[1] == "first"
        task.cancelled.set()
        closing.set()
        messages, ends = drain(pool)  # would wait forever for the cancelled task's end
    assert str(ends["cancelled"]) == "closing the cursor failed"
    assert messages["next"] == [("next", i) for i in range(3)] and ends["next"] is None

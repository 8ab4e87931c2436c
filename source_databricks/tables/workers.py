"""Reads on worker threads, each worker with its own SQL session; output stays on one thread.

Workers put every message of a task, in order, into one bounded queue that the caller's thread
drains and writes: a worker waits while the writer is behind, so memory stays bounded by the
queue's size. A failing task ends with its error and the other tasks go on. Leaving the pool
(end, exception or Ctrl-C in the caller) stops the workers and closes their sessions.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field

from source_databricks.output import Output
from source_databricks.tables.session import Session

JOIN_SECONDS = 10.0  # a worker mid-fetch finishes its round trip first
_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Task:
    """A unit of reading: `run(session)` yields its messages; `key` names whose they are."""

    key: Hashable
    run: Callable[[Session], Iterator[Output]]
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Done:
    """The end of a task: `error` is what it raised, or None."""

    task: Task
    error: BaseException | None = None


class _Stopped(Exception):
    """The pool is closing: the worker abandons its task."""


class WorkerPool:
    """Up to `workers` threads running submitted tasks; `results` yields their output in order."""

    def __init__(
        self, open_session: Callable[[], Session], workers: int, logger: logging.Logger
    ) -> None:
        self._open_session, self._size, self._logger = open_session, workers, logger
        self._tasks: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._output: queue.Queue[tuple[Task, Output | Done]] = queue.Queue(maxsize=2 * workers)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pending = 0

    def submit(self, task: Task) -> None:
        """Queue a task (from the thread that drains `results`); a worker is started if idle."""
        self._pending += 1
        self._tasks.put(task)
        if len(self._threads) < min(self._size, self._pending):
            thread = threading.Thread(target=self._work, name=f"reader-{len(self._threads) + 1}")
            thread.daemon = True  # a worker stuck in a round trip never holds the process
            self._threads.append(thread)
            thread.start()

    def results(self) -> Iterator[tuple[Task, Output | Done]]:
        """Every task's messages, then its Done, until no submitted task is left."""
        while self._pending:
            task, item = self._output.get()
            if isinstance(item, Done):
                self._pending -= 1
            yield task, item

    def _work(self) -> None:
        with self._open_session() as session:
            while (task := self._tasks.get()) is not None and not self._stop.is_set():
                try:
                    self._run(task, session)
                except _Stopped:
                    return

    def _run(self, task: Task, session: Session) -> None:
        error: BaseException | None = None
        messages: Iterator[Output] = iter(())
        try:
            if not task.cancelled.is_set():
                messages = task.run(session)
                for message in messages:
                    self._put(task, message)
                    if task.cancelled.is_set():
                        break
        except _Stopped:
            raise
        except Exception as raised:  # the task's failure, reported by the caller's thread
            error = raised
        finally:
            close = getattr(messages, "close", None)
            if close is not None:  # a read stopped early closes its cursor here, on its thread
                try:
                    close()
                except Exception as raised:  # its session may be gone: the task still ends
                    error = error or raised
        self._put(task, Done(task, error))

    def _put(self, task: Task, item: Output | Done) -> None:
        while not self._stop.is_set():
            try:
                self._output.put((task, item), timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
        raise _Stopped

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join(JOIN_SECONDS)
            if thread.is_alive():
                self._logger.warning(f"{thread.name} is still in a round trip; left behind")

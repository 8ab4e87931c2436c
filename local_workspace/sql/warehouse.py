"""The SQL warehouse's life cycle: STOPPED → STARTING → RUNNING, and back to STOPPED.

As on Databricks, ``start`` changes the state at once (STOPPED → STARTING: the SDK's waiter fails
if its first poll still sees STOPPED), and STARTING lasts the configured start time; a session
opened on a stopped warehouse starts it and waits. Stopping ends every session (listeners).
The record (id, name, state) is kept in ``<data dir>/warehouse.json`` across restarts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from local_workspace.data_dir import write_atomic

STOPPED, STARTING, RUNNING, STOPPING = "STOPPED", "STARTING", "RUNNING", "STOPPING"
DEFAULT_NAME = "Local SQL warehouse"
RECORD_FILE = "warehouse.json"


@dataclass(frozen=True)
class WarehouseRecord:
    """What is persisted: a warehouse restarted while STARTING comes back RUNNING."""

    id: str
    name: str
    state: str

    @classmethod
    def load(cls, file: Path, warehouse_id: str) -> WarehouseRecord:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(warehouse_id, DEFAULT_NAME, RUNNING)
        state = STOPPED if data.get("state") in (STOPPED, STOPPING) else RUNNING
        return cls(warehouse_id, str(data.get("name") or DEFAULT_NAME), state)

    def save(self, file: Path) -> None:
        body = {"id": self.id, "name": self.name, "state": self.state}
        write_atomic(file, json.dumps(body) + "\n")


class Warehouse:
    """The one SQL warehouse; thread-safe. ``start_delay()`` gives each start's duration."""

    def __init__(
        self,
        record_file: Path,
        warehouse_id: str,
        start_delay: Callable[[], float] = lambda: 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        record = WarehouseRecord.load(record_file, warehouse_id)
        self.id, self.name = record.id, record.name
        self._file = record_file
        self._state = record.state
        self._start_delay = start_delay
        self._clock = clock
        self._ready_at = 0.0
        self._changed = threading.Condition()
        self._stop_listeners: list[Callable[[], None]] = []
        self._save()

    @property
    def state(self) -> str:
        with self._changed:
            return self._current()

    def on_stop(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (outside the lock) each time the warehouse stops."""
        self._stop_listeners.append(listener)

    def start(self) -> None:
        """STOPPED → STARTING now, RUNNING after the start delay; no-op if already up."""
        with self._changed:
            self._begin_start()

    def stop(self) -> None:
        """→ STOPPED at once; every session ends (listeners)."""
        with self._changed:
            was = self._current()
            self._state = STOPPED
            self._save()
            self._changed.notify_all()
        if was != STOPPED:
            for listener in self._stop_listeners:
                listener()

    def wait_running(self, timeout: float | None = None) -> None:
        """Start if stopped and block until RUNNING (TimeoutError after ``timeout`` s)."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._changed:
            while (state := self._current()) != RUNNING:
                if state == STOPPED:  # also when stopped again while we waited
                    self._begin_start()
                left = self._ready_at - self._clock()
                if deadline is not None:
                    if self._clock() >= deadline:
                        raise TimeoutError(f"SQL warehouse {self.id} did not start in {timeout}s")
                    left = min(left, deadline - self._clock())
                self._changed.wait(max(left, 0.001))

    def _begin_start(self) -> None:
        if self._current() in (STARTING, RUNNING):
            return
        self._ready_at = self._clock() + max(self._start_delay(), 0.0)
        self._state = STARTING
        self._save()
        self._changed.notify_all()

    def _current(self) -> str:
        if self._state == STARTING and self._clock() >= self._ready_at:
            self._state = RUNNING
            self._save()
        return self._state

    def _save(self) -> None:
        WarehouseRecord(self.id, self.name, self._state).save(self._file)

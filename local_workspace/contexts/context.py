"""One execution context: a worker process, a SQL session, and its commands in order.

Commands run one at a time on the context's own thread. Python goes to the worker, SQL to the
context's session (the one the worker's ``spark`` uses). A command's status moves
Queued → Running → Finished, or → Cancelling → Cancelled. If the worker dies (crash, ``os._exit``,
a cancel it ignored), the command reports it and a fresh worker takes over; the context's
Python state is lost then, as when a cluster's Python process restarts.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local_workspace.contexts.protocol import ChannelClosed, ProtocolError
from local_workspace.contexts.session import ContextSession
from local_workspace.contexts.spark_service import SparkService
from local_workspace.contexts.table_results import table_result
from local_workspace.contexts.worker_process import WorkerProcess
from local_workspace.engine import SqlError

CANCEL_GRACE_SECONDS = 2.0  # then a worker ignoring SIGINT is killed
MAX_COMMANDS_KEPT = 1000  # finished commands remembered per context (results are bounded)
log = logging.getLogger(__name__)
_ids = itertools.count(1)


@dataclass
class Command:
    """One command and its API 1.2 status and results."""

    id: str
    language: str
    code: str
    status: str = "Queued"
    results: dict[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def finish(self, status: str, results: dict[str, Any] | None) -> None:
        self.status, self.results = status, results
        self.done.set()


class ExecutionContext:
    """A REPL on the cluster; thread-safe; ``close`` kills its worker."""

    def __init__(
        self,
        context_id: str,
        cluster_id: str,
        session: ContextSession,
        start_worker: Callable[[], WorkerProcess],
    ) -> None:
        self.id, self.cluster_id = context_id, cluster_id
        self.session = session
        self._start_worker = start_worker
        self.worker: WorkerProcess | None = start_worker()
        self._service = SparkService(session)
        self._commands: dict[str, Command] = {}
        self._queue: queue.Queue[Command | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._loop, name=f"context-{context_id}", daemon=True).start()

    @property
    def status(self) -> str:
        return "Running" if self.worker is not None and not self._closed else "Error"

    def running_command(self) -> str | None:
        """The id of the command running now, if any."""
        with self._lock:
            return next((c.id for c in self._commands.values() if c.status == "Running"), None)

    def kill_worker(self) -> int | None:
        """SIGKILL the Python worker, as an out-of-memory killer would; its pid.

        The running command then fails with a fatal error and a fresh worker takes over.
        """
        worker = self.worker
        if worker is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        return worker.pid

    def submit(self, language: str, code: str) -> Command:
        command = Command(f"{self.id}-{next(_ids)}", language, code)
        with self._lock:
            self._commands[command.id] = command
            self._forget_old()
        self._queue.put(command)
        return command

    def command(self, command_id: str) -> Command | None:
        with self._lock:
            return self._commands.get(command_id)

    def cancel(self, command: Command) -> None:
        """Cancel a queued or running command (running: SIGINT, then kill after a grace)."""
        with self._lock:
            if command.status == "Queued":
                command.finish("Cancelled", None)
                return
            if command.status != "Running":
                return
            command.status = "Cancelling"
        if self.worker is not None:
            self.worker.interrupt()
        self.session.cancel()
        threading.Timer(CANCEL_GRACE_SECONDS, self._kill_if_stuck, (command,)).start()

    def close(self) -> None:
        """Stop the context: pending commands are cancelled, the worker is killed."""
        self._closed = True
        self._queue.put(None)
        if self.worker is not None:
            self.worker.kill()
        self.session.close()

    def _loop(self) -> None:
        while (command := self._queue.get()) is not None:
            with self._lock:
                if command.status != "Queued":
                    continue
                command.status = "Running"
            status, results = self._run(command)
            with self._lock:
                command.finish("Cancelled" if command.status == "Cancelling" else status, results)

    def _run(self, command: Command) -> tuple[str, dict[str, Any] | None]:
        if command.language == "sql":
            return self._sql(command.code)
        return self._python(command)

    def _sql(self, code: str) -> tuple[str, dict[str, Any] | None]:
        try:
            return "Finished", table_result(self.session.execute(code).reader)
        except SqlError as error:
            return "Finished", _sql_error(error)

    def _python(self, command: Command) -> tuple[str, dict[str, Any] | None]:
        worker = self.worker
        if worker is None:
            return "Error", _fatal("the context's Python process could not be restarted")
        try:
            frame = worker.run(command.id, command.code, self._service.handle)
        except (ChannelClosed, ProtocolError, OSError) as error:
            return "Finished", self._replace_worker(worker, command, error)
        if frame.get("cancelled"):
            return "Cancelled", None
        return "Finished", frame.get("results")

    def _replace_worker(self, worker: WorkerProcess, command: Command, error: Exception):
        worker.kill()
        exit_code = worker.process.returncode  # its own code if it died, -9 if killed now
        self.worker = None
        if not self._closed:
            try:
                self.worker = self._start_worker()
            except Exception:
                log.exception("context %s: restarting the Python worker failed", self.id)
        if command.status == "Cancelling":
            return None
        return _fatal(f"the Python process exited (exit code {exit_code}): {error}")

    def _kill_if_stuck(self, command: Command) -> None:
        if command.status == "Cancelling" and self.worker is not None:
            log.warning("context %s: worker ignored the cancel; killing it", self.id)
            self.worker.kill()

    def _forget_old(self) -> None:
        while len(self._commands) > MAX_COMMANDS_KEPT:
            oldest = next(iter(self._commands))
            if not self._commands[oldest].done.is_set():
                break
            del self._commands[oldest]


def _sql_error(error: SqlError) -> dict[str, Any]:
    kind = "ParseException" if error.error_class.startswith("PARSE") else "AnalysisException"
    return {
        "resultType": "error",
        "summary": f"<span class='ansi-red-fg'>{kind}</span>: {error.display_message}",
        "cause": f"{kind}: {error.display_message}",
    }


def _fatal(message: str) -> dict[str, Any]:
    return {
        "resultType": "error",
        "summary": f"Fatal error: {message}; the context's Python state was lost",
        "cause": f"Fatal error: {message}",
    }

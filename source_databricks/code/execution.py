"""One execution context on a running cluster: run commands in it, cancel, always destroy it.

SQL and Python commands run in the same context, so they share one Spark session: a temp view
made by a SQL command is readable from the next Python command and back.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError
from databricks.sdk.service.compute import (
    CommandStatus,
    ContextStatus,
    Language,
    Results,
    ResultType,
)

from source_databricks.code.cluster import stopped_during
from source_databricks.code.errors import config_error, translate_sdk_errors

FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 2.0
CONTEXT_START_SECONDS = 300.0
CANCEL_WAIT_SECONDS = 60.0
ENDED = (CommandStatus.FINISHED, CommandStatus.ERROR, CommandStatus.CANCELLED)
Ending = tuple[CommandStatus | None, Results | None]


class Interrupted(KeyboardInterrupt):
    """The connector was asked to stop (SIGTERM) while a command ran."""


@dataclass(frozen=True)
class CommandOutcome:
    """How one command ended: finished, error, cancelled or timed_out."""

    status: str
    results: Results | None
    command_id: str
    started_at: datetime
    finished_at: datetime


class ExecutionSession:
    """A Python execution context, created on enter and destroyed on exit whatever happened."""

    def __init__(
        self,
        client: WorkspaceClient,
        cluster_id: str,
        logger: logging.Logger,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.cluster_id, self.logger = client, cluster_id, logger
        self.sleep, self.clock = sleep, clock
        self.context_id: str | None = None

    def __enter__(self) -> ExecutionSession:
        try:
            with translate_sdk_errors(f"create an execution context on cluster {self.cluster_id}"):
                created = self.client.command_execution.create(
                    cluster_id=self.cluster_id, language=Language.PYTHON
                )
                self.context_id = created.response.id
                self._wait_context_running()
        except Exception as error:  # the cluster may have stopped since it was seen running
            stopped = stopped_during(self.client, self.cluster_id, "its execution context started")
            if stopped is None:
                raise
            raise stopped from error
        self.logger.info(f"Execution context {self.context_id} is ready")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.context_id is None:
            return
        try:
            self.client.command_execution.destroy(self.cluster_id, self.context_id)
            self.logger.info(f"Execution context {self.context_id} destroyed")
        except (DatabricksError, OSError) as error:  # never hide the error that got us here
            self.logger.warning(f"Could not destroy execution context {self.context_id}: {error}")

    def run(
        self, language: str, code: str, timeout_seconds: float, what: str = "a command"
    ) -> CommandOutcome:
        """Run one command; past its timeout it is cancelled; an interrupt cancels it too.

        A command that fails, or whose status cannot be read, may have been killed by its
        cluster's death: then the error is the cluster's (transient), not the command's.
        """
        try:
            outcome = self._run(language, code, timeout_seconds)
        except Exception as error:
            stopped = stopped_during(self.client, self.cluster_id, f"{what} ran")
            if stopped is None:
                raise
            raise stopped from error
        if outcome.status != "finished":
            stopped = stopped_during(self.client, self.cluster_id, f"{what} ran")
            if stopped is not None:
                raise stopped
        return outcome

    def _run(self, language: str, code: str, timeout_seconds: float) -> CommandOutcome:
        started_at = _now()
        with translate_sdk_errors(f"run a command on cluster {self.cluster_id}"):
            command_id = self.client.command_execution.execute(
                cluster_id=self.cluster_id,
                context_id=self.context_id,
                language=Language(language),
                command=code,
            ).response.id
            try:
                status, results = self._wait(command_id, self.clock() + timeout_seconds)
            except KeyboardInterrupt:
                self._cancel(command_id, "the connector is stopping")
                raise
        outcome = _status(status, results)
        if status is None:
            why = f"it ran past its timeout of {timeout_seconds:g} s"
            status, results = self._cancel(command_id, why)
            outcome = "finished" if _status(status, results) == "finished" else "timed_out"
        return CommandOutcome(outcome, results, command_id, started_at, _now())

    def _wait(self, command_id: str, deadline: float) -> Ending:
        """(final status, results), or (None, None) once the deadline passed."""
        delay = FIRST_POLL_SECONDS
        while True:
            response = self.client.command_execution.command_status(
                self.cluster_id, self.context_id, command_id
            )
            if response.status in ENDED:
                return response.status, response.results
            if self.clock() >= deadline:
                return None, None
            self.sleep(min(delay, max(deadline - self.clock(), 0.0)))
            delay = min(delay * 1.5, MAX_POLL_SECONDS)

    def _cancel(self, command_id: str, why: str) -> Ending:
        """Cancel and wait for the command to end; how it ended (it may have finished first)."""
        self.logger.warning(f"Cancelling command {command_id}: {why}")
        try:
            self.client.command_execution.cancel(
                cluster_id=self.cluster_id, context_id=self.context_id, command_id=command_id
            )
            return self._wait(command_id, self.clock() + CANCEL_WAIT_SECONDS)
        except (DatabricksError, OSError) as error:
            self.logger.warning(f"Could not cancel command {command_id}: {error}")
            return None, None

    def _wait_context_running(self) -> None:
        deadline, delay = self.clock() + CONTEXT_START_SECONDS, FIRST_POLL_SECONDS
        while True:
            status = self.client.command_execution.context_status(
                self.cluster_id, self.context_id
            ).status
            if status == ContextStatus.RUNNING:
                return
            if status == ContextStatus.ERROR or self.clock() >= deadline:
                raise config_error(
                    f"The execution context on cluster {self.cluster_id} did not start "
                    f"({status.value if status else 'no status'}). Check the cluster's health."
                )
            self.sleep(delay)
            delay = min(delay * 1.5, MAX_POLL_SECONDS)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises Interrupted in the main thread (so the command is cancelled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted("SIGTERM")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _status(status: CommandStatus | None, results: Results | None) -> str:
    if status is None:
        return "timed_out"
    if status == CommandStatus.CANCELLED:
        return "cancelled"
    failed = status == CommandStatus.ERROR or (results and results.result_type == ResultType.ERROR)
    return "error" if failed else "finished"


def _now() -> datetime:
    return datetime.now(UTC)

"""The stream's resumable state: which commands of the current run already have a record.

A retried attempt of the same sync gets this state back and does not run those commands again
(their side effects would repeat). A run whose state says `complete`, whose commands changed, or
for which there is no state starts a new run with a new run id.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from source_databricks.code.config import CodeExecutionConfig

FAILED = ("error", "timed_out", "cancelled")


class RunState(BaseModel):
    run_id: str
    fingerprint: str
    done: dict[str, str] = {}
    complete: bool = False

    def finished(self, index: int) -> bool:
        return str(index) in self.done

    def has_failure(self) -> bool:
        return any(status in FAILED for status in self.done.values())

    def with_done(self, index: int, status: str) -> RunState:
        return self.model_copy(update={"done": {**self.done, str(index): status}})


def fingerprint(config: CodeExecutionConfig) -> str:
    """Identifies what a run executes: the commands, in order, and where."""
    commands = [c.model_dump() for c in config.commands]
    document = {"cluster": config.cluster_id, "commands": commands, "on_error": config.on_error}
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def current_run(saved: Any, config: CodeExecutionConfig, logger: logging.Logger) -> RunState:
    """The run to do now: the saved one if it is unfinished and runs the same commands."""
    wanted = fingerprint(config)
    try:
        state = RunState.model_validate(saved) if saved else None
    except ValidationError:
        logger.warning("The saved state of command_results is not understood: starting a new run")
        state = None
    if state and not state.complete and state.fingerprint == wanted:
        logger.info(
            f"Resuming run {state.run_id}: {len(state.done)} command(s) already have a record "
            "and are not run again (a new execution context does not keep their variables)"
        )
        return state
    return RunState(run_id=new_run_id(), fingerprint=wanted)


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"

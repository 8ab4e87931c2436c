"""In-process resume: a read that fails transiently runs again from its last checkpoint.

Records already emitted stay emitted, so the rows between the last checkpoint and the failure
are emitted again (Airbyte's at-least-once window). Each attempt runs on a new SQL session, since
the old one may be gone (expired, or its connection dropped). Config and system errors, and
errors that are not ours, end the read at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.output import Output, RecordBlock
from source_databricks.tables.session import Session
from source_databricks.tables.warehouse import Warehouse

ATTEMPTS = 3
BACKOFF_SECONDS = (1.0, 4.0)  # before the 2nd and 3rd attempts

Checkpoint = dict[str, Any]


@dataclass(frozen=True)
class ResumableRead:
    """One read that can run again from a checkpoint.

    `attempt(warehouse, start)` reads from `start` (a checkpoint, or the read's input state);
    `checkpoint_of(message)` is the checkpoint a message records, if any. A read without a
    `resume_point` (no key to resume at) runs again only while it has emitted no record.
    """

    label: str
    attempt: Callable[[Warehouse, Checkpoint | None], Iterator[Output]]
    start: Checkpoint | None
    checkpoint_of: Callable[[Output], Checkpoint | None]
    resume_point: bool = True


def read_resuming(
    read: ResumableRead, session: Session, logger: logging.Logger
) -> Iterator[Output]:
    """Yield the read's messages, re-running it from its last checkpoint after a transient error."""
    start, emitted = read.start, False
    for attempt in range(1, ATTEMPTS + 1):
        try:
            for message in read.attempt(session.warehouse, start):
                start = read.checkpoint_of(message) or start
                emitted = emitted or isinstance(message, RecordBlock)
                yield message
            return
        except AirbyteTracedException as error:
            can_resume = read.resume_point or not emitted
            if error.failure_type != FailureType.transient_error or not can_resume:
                raise
            if attempt == ATTEMPTS:
                raise
            delay = BACKOFF_SECONDS[attempt - 1]
            where = f"its last checkpoint {start}" if start else "the start"
            logger.warning(
                f"{read.label}: attempt {attempt} of {ATTEMPTS} failed ({error.message}); "
                f"resuming from {where} on a new SQL session in {delay:g} s"
            )
            session.renew()
            time.sleep(delay)

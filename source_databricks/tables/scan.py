"""Stream one query's rows as record blocks, with truthful checkpoints along the way."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from source_databricks.heartbeat import heartbeat
from source_databricks.output import Output, RecordBlock, state_message
from source_databricks.tables.progress import Progress
from source_databricks.tables.records import RecordEncoder
from source_databricks.tables.utf8 import with_valid_utf8
from source_databricks.tables.warehouse import Warehouse

# Turns the exact text of the last row's position columns into a state, or None if it cannot.
Checkpoint = Callable[[tuple[str | None, ...]], dict | None]
# Turns a checkpoint into the message that carries it (default: the stream's STATE message).
CheckpointOutput = Callable[[dict], Any]


@dataclass(frozen=True)
class Scan:
    """A query whose rows arrive in the order of `positions` (empty: no checkpoints)."""

    query: str
    parameters: Sequence[Any] = ()
    emit: Sequence[str] | None = None
    positions: Sequence[str] = ()
    json_columns: frozenset[str] = frozenset()  # VARIANT: JSON text to emit as JSON values


class Scanner:
    """Runs scans for one stream, checkpointing every `interval` records and at the end."""

    def __init__(
        self,
        warehouse: Warehouse,
        name: str,
        namespace: str | None,
        interval: int,
        logger: logging.Logger,
    ) -> None:
        self.warehouse, self.name, self.namespace = warehouse, name, namespace
        self.interval, self.logger = interval, logger
        self.records_read = 0  # by the current (or last) run, so far

    def _batches(self, scan: Scan, label: str) -> Iterator[pa.RecordBatch]:
        """The query's batches; while the warehouse works on the first one, heartbeat logs."""
        batches = self.warehouse.stream(scan.query, scan.parameters)
        with heartbeat(f"the first rows of {label}", self.logger):
            first = next(batches, None)
        if first is not None:
            yield first
            yield from batches

    def _warn_invalid_text(self, label: str, columns: frozenset[str]) -> None:
        self.logger.warning(
            f"{label}: column(s) {', '.join(sorted(columns))} hold text that is not valid UTF-8; "
            "each invalid byte sequence is emitted as U+FFFD"
        )

    def state(self, blob: dict) -> Output:
        return state_message(self.name, self.namespace, blob)

    def run(
        self,
        scan: Scan,
        checkpoint: Checkpoint | None = None,
        as_output: CheckpointOutput | None = None,
    ) -> Iterator[Output]:
        """Yield record blocks and checkpoints; return the last checkpoint emitted (or None)."""
        as_output = as_output or self.state
        self.records_read = 0
        encoder = RecordEncoder(self.name, self.namespace, scan.emit, scan.json_columns)
        progress = Progress(f"{self.namespace}.{self.name}", self.logger)
        since, emitted, pending = 0, None, None
        warned: frozenset[str] = frozenset()
        try:
            for raw in self._batches(scan, progress.label):
                if not raw.num_rows:  # Cloud Fetch results may hold empty batches
                    continue
                batch, repaired = with_valid_utf8(raw)
                if repaired - warned:
                    warned |= repaired
                    self._warn_invalid_text(progress.label, repaired)
                lines = encoder.encode(batch)
                yield RecordBlock(self.name, self.namespace, batch.num_rows, lines)
                progress.add(batch.num_rows)
                self.records_read = progress.records
                # A repaired position is not the value the warehouse compares: no checkpoint at it.
                if checkpoint and scan.positions and not repaired.intersection(scan.positions):
                    pending = checkpoint(encoder.last_values(batch, scan.positions)) or pending
                since += batch.num_rows
                if pending and pending != emitted and since >= self.interval:
                    yield as_output(pending)
                    since, emitted = 0, pending
        finally:
            encoder.close()
        progress.finish()
        if pending and pending != emitted:
            yield as_output(pending)
            emitted = pending
        return emitted

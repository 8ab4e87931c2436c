"""A resumable full refresh of a big table, read as key ranges by several workers at once.

The stream's state lists every range of the pinned version with its own progress
(`PartitionedKeyState`): a resumed sync keeps the version and the bounds, skips the ranges that
are done and resumes each other one at its last key with `>=`, as an unsplit refresh does. Once
every range is read, the records of all ranges are checked against `count(*)` of the version and
the refresh ends with the completion state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from source_databricks.output import Output, state_blob
from source_databricks.tables.partitions import (
    Fork,
    PartitionCheckpoint,
    Partitioning,
    PartitionProgress,
    count_rows,
    is_splittable,
    key_ranges,
    range_condition,
)
from source_databricks.tables.position import OrderedRead
from source_databricks.tables.resume import ResumableRead, read_resuming
from source_databricks.tables.row_count import verify_row_count
from source_databricks.tables.scan import Scanner
from source_databricks.tables.session import Session
from source_databricks.tables.state import (
    FULL_REFRESH_COMPLETE,
    KeyRange,
    KeyState,
    PartitionedKeyState,
)
from source_databricks.tables.warehouse import Warehouse

if TYPE_CHECKING:
    from source_databricks.tables.stream import TableStream


def plan_fork(
    stream: TableStream,
    scanner: Scanner,
    emit: list[str],
    saved: KeyState | PartitionedKeyState | None,
    partitioning: Partitioning,
) -> Fork | None:
    """The refresh as key ranges: those of a partitioned state, or new ones for a big table."""
    if isinstance(saved, PartitionedKeyState):
        done = sum(part.done for part in saved.partitions)
        scanner.logger.info(
            f"{stream.label}: resuming the partitioned refresh of version {saved.version} "
            f"({done} of {len(saved.partitions)} key ranges done)"
        )
        return PartitionedRefresh(stream, emit, saved, scanner.logger).fork()
    if saved is not None or partitioning.ranges < 2:
        return None
    key = stream.key_columns()
    version = stream.sync_version(scanner)
    if version is None or not is_splittable(key[0]):
        return None
    rows = count_rows(scanner.warehouse, stream.ref(version))
    if rows < partitioning.min_rows:
        return None
    ranges = key_ranges(scanner.warehouse, stream.ref(version), key[0], partitioning.ranges)
    if len(ranges) < 2:
        return None
    scanner.logger.info(
        f"{stream.label}: {rows:,} rows at version {version}, read as {len(ranges)} key ranges "
        f"of {key[0].name} split at {[part.upper for part in ranges[:-1]]}"
    )
    state = PartitionedKeyState(
        primary_key=stream.table.primary_key, version=version, partitions=tuple(ranges)
    )
    return PartitionedRefresh(stream, emit, state, scanner.logger).fork()


class PartitionedRefresh:
    def __init__(
        self,
        stream: TableStream,
        emit: list[str],
        state: PartitionedKeyState,
        logger: logging.Logger,
    ) -> None:
        self.stream, self.emit, self.logger = stream, emit, logger
        self.progress = PartitionProgress(state)

    def fork(self) -> Fork:
        parts = self.progress.state.partitions
        tasks = [self._range_task(i, part) for i, part in enumerate(parts) if not part.done]
        return Fork(tasks=tasks, finish=self._finish, progress=self.progress)

    def _range_task(self, index: int, part: KeyRange):
        label = f"{self.stream.label} keys [{part.lower}, {part.upper})"
        read = ResumableRead(
            label=label,
            attempt=lambda warehouse, start: self._read_range(warehouse, index, start),
            start=part.model_dump(),
            checkpoint_of=_range_progress,
        )
        return lambda session: read_resuming(read, session, self.logger)

    def _read_range(
        self, warehouse: Warehouse, index: int, start: dict
    ) -> Iterator[Output | PartitionCheckpoint]:
        part = KeyRange.model_validate(start)
        self.progress.resumed |= part.position is not None
        scanner = self.stream.scanner(warehouse, self.logger)
        key = self.stream.key_columns()
        order = OrderedRead(key, part.position)
        within = range_condition(key[0], part)
        scan = self.stream.ordered_scan(self.emit, order, self.progress.state.version, within)

        def checkpoint(position: tuple[str | None, ...]) -> dict:
            records = part.records + scanner.records_read
            return part.model_copy(update={"position": position, "records": records}).model_dump()

        def as_checkpoint(blob: dict) -> PartitionCheckpoint:
            return PartitionCheckpoint(index, KeyRange.model_validate(blob))

        yield from scanner.run(scan, checkpoint, as_checkpoint)
        records = part.records + scanner.records_read
        yield PartitionCheckpoint(index, part.model_copy(update={"done": True, "records": records}))

    def _finish(self, session: Session) -> Iterator[Output]:
        def attempt(warehouse: Warehouse, _: dict | None) -> Iterator[Output]:
            scanner = self.stream.scanner(warehouse, self.logger)
            state = self.progress.state
            table = self.stream.ref(state.version)
            verify_row_count(scanner, table, state.records, self.progress.resumed)
            yield scanner.state(FULL_REFRESH_COMPLETE)

        read = ResumableRead(self.stream.label, attempt, None, state_blob)
        return read_resuming(read, session, self.logger)


def _range_progress(message: object) -> dict | None:
    return message.range.model_dump() if isinstance(message, PartitionCheckpoint) else None

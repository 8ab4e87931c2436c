"""A table or view as an Airbyte stream: its catalog entry and its reads.

- Full refresh of a table with a primary key is resumable: rows in key order, the last key (and
  the pinned version) checkpointed, resumed with `>=` since Databricks keys are not enforced.
- Incremental by cursor reads rows whose cursor is at or above the saved value, in cursor order,
  from one pinned version, checkpointing the exact last value emitted.
- Incremental by Change Data Feed is in change_feed.py.

A TableStream serves one sync: a read that fails transiently runs again from its last checkpoint
(resume.py) and reads the table version the sync pinned first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from airbyte_cdk.models import AirbyteStream, ConfiguredAirbyteStream, FailureType, SyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.config import ChangeDataFeedReplication, CursorReplication
from source_databricks.output import Output, state_blob
from source_databricks.tables import change_feed, sql
from source_databricks.tables.partitioned_refresh import plan_fork
from source_databricks.tables.partitions import NO_PARTITIONS, Partitioning
from source_databricks.tables.position import OrderedRead, is_orderable
from source_databricks.tables.resume import ResumableRead
from source_databricks.tables.row_count import verify_row_count
from source_databricks.tables.scan import Scan, Scanner
from source_databricks.tables.schema_changes import selected_columns
from source_databricks.tables.state import (
    FULL_REFRESH_COMPLETE,
    NO_CURSOR,
    CursorState,
    KeyState,
    PartitionedKeyState,
    parse_cursor_state,
    parse_key_state,
)
from source_databricks.tables.table_info import Column, TableInfo
from source_databricks.tables.types import json_schema
from source_databricks.tables.versions import current_version, pinned
from source_databricks.tables.warehouse import Warehouse

Replication = CursorReplication | ChangeDataFeedReplication
Within = tuple[exp.Expression | None, list[str]]


class TableStream:
    """One Databricks table: stream name = table name, namespace = `catalog.schema`."""

    def __init__(
        self,
        table: TableInfo,
        checkpoint_interval: int = 100_000,
        replication: Replication | None = None,
        partitioning: Partitioning = NO_PARTITIONS,
    ) -> None:
        self.table = table
        self.checkpoint_interval = checkpoint_interval
        self.replication = replication or CursorReplication()
        self.partitioning = partitioning
        self._pinned: tuple[int | None] | None = None  # (version,) once this sync has pinned it

    @property
    def label(self) -> str:
        return f"{self.table.namespace}.{self.table.name}"

    @property
    def uses_change_feed(self) -> bool:
        is_cdf = isinstance(self.replication, ChangeDataFeedReplication)
        return is_cdf and change_feed.has_change_feed(self.table)

    def as_airbyte_stream(self) -> AirbyteStream:
        columns = self.table.columns
        properties = {c.name: json_schema(c.full_data_type, c.nullable) for c in columns}
        modes = [SyncMode.full_refresh]
        if self.uses_change_feed or any(is_orderable(c) for c in columns):
            modes.append(SyncMode.incremental)
        stream = AirbyteStream(
            name=self.table.name,
            namespace=self.table.namespace,
            json_schema={"type": "object", "properties": properties},
            supported_sync_modes=modes,
            source_defined_cursor=False,
            source_defined_primary_key=[[c] for c in self.table.primary_key] or None,
            is_resumable=bool(self.table.primary_key),
        )
        return change_feed.as_change_feed_stream(stream) if self.uses_change_feed else stream

    def resumable_read(
        self,
        configured: ConfiguredAirbyteStream,
        state: dict[str, Any] | None,
        logger: logging.Logger,
    ) -> ResumableRead:
        """The configured sync as a read that can run again from its last state.

        Full refresh without a primary key has no position to resume at.
        """
        incremental = configured.sync_mode == SyncMode.incremental
        return ResumableRead(
            label=self.label,
            attempt=lambda warehouse, start: self.read(warehouse, configured, start, logger),
            start=state,
            checkpoint_of=state_blob,
            resume_point=incremental or bool(self.table.primary_key),
        )

    def read(
        self,
        warehouse: Warehouse,
        configured: ConfiguredAirbyteStream,
        state: dict[str, Any] | None,
        logger: logging.Logger,
    ) -> Iterator[Output]:
        """The configured sync of this table: records, checkpoints and its final state.

        A big table's full refresh yields a Fork instead: its key ranges, read by the workers.
        """
        scanner = self.scanner(warehouse, logger)
        extra = change_feed.CDC_PROPERTIES if self.uses_change_feed else ()
        emit = selected_columns(self.table, configured.stream.json_schema, logger, extra)
        if configured.sync_mode == SyncMode.incremental and self.uses_change_feed:
            assert isinstance(self.replication, ChangeDataFeedReplication)
            reader = change_feed.ChangeFeedRead(self.table, self.replication, scanner)
            yield from reader.read(emit, state)
        elif configured.sync_mode == SyncMode.incremental:
            cursor = self._cursor_column(configured.cursor_field)
            yield from self._incremental(scanner, emit, cursor, state)
        elif self.table.primary_key:
            saved = self._key_state(scanner, state)
            fork = plan_fork(self, scanner, emit, saved, self.partitioning)
            if fork is not None:
                yield fork
            else:
                yield from self._resumable_full_refresh(scanner, emit, saved)
        else:
            logger.info(f"{self.label} has no primary key: an interrupted full refresh restarts")
            version = self.sync_version(scanner)
            yield from scanner.run(
                Scan(
                    self._query(emit, None, version),
                    emit=emit,
                    json_columns=self.table.json_columns,
                )
            )
            self._cross_check(scanner, version, scanner.records_read, resumed=False)
            yield scanner.state(NO_CURSOR)

    def scanner(self, warehouse: Warehouse, logger: logging.Logger) -> Scanner:
        table = self.table
        return Scanner(warehouse, table.name, table.namespace, self.checkpoint_interval, logger)

    def _key_state(self, scanner: Scanner, state: Any) -> KeyState | PartitionedKeyState | None:
        saved = parse_key_state(state, self.label)
        if saved and saved.primary_key != self.table.primary_key:
            scanner.logger.warning(f"{self.label}: primary key changed, the refresh starts over")
            return None
        return saved

    def _resumable_full_refresh(
        self, scanner: Scanner, emit: list[str], saved: KeyState | None
    ) -> Iterator[Output]:
        key = self.table.primary_key
        if saved:
            scanner.logger.info(f"{self.label}: resuming the full refresh at key {saved.position}")
        version = saved.version if saved else self.sync_version(scanner)
        order = OrderedRead(self.key_columns(), saved.position if saved else None)

        before = saved.records if saved else 0

        def checkpoint(position: tuple[str | None, ...]) -> dict:
            records = before + scanner.records_read
            state = KeyState(primary_key=key, position=position, version=version, records=records)
            return state.model_dump()

        yield from scanner.run(self.ordered_scan(emit, order, version), checkpoint)
        self._cross_check(scanner, version, before + scanner.records_read, resumed=bool(saved))
        yield scanner.state(FULL_REFRESH_COMPLETE)

    def sync_version(self, scanner: Scanner) -> int | None:
        """The version this sync reads, pinned by its first attempt and kept by the others."""
        if self._pinned is None:
            self._pinned = (current_version(scanner.warehouse, self.table, scanner.logger),)
        return self._pinned[0]

    def _cross_check(
        self, scanner: Scanner, version: int | None, emitted: int, resumed: bool
    ) -> None:
        if version is None:
            scanner.logger.info(f"{self.label} has no pinned version: row count not cross-checked")
            return
        verify_row_count(scanner, self.ref(version), emitted, resumed)

    def _incremental(
        self, scanner: Scanner, emit: list[str], cursor: Column, state: Any
    ) -> Iterator[Output]:
        saved = parse_cursor_state(state, self.label)
        if saved and saved.cursor_field != cursor.name:
            scanner.logger.warning(
                f"{self.label}: cursor changed from {saved.cursor_field} to {cursor.name}, "
                "reading every row"
            )
            saved = None
        start = saved.cursor if saved else None
        version = self.sync_version(scanner)
        if start is not None:
            self._warn_null_cursors(scanner, cursor, version)
        order = OrderedRead((cursor,), None if start is None else (start,))

        def checkpoint(position: tuple[str | None, ...]) -> dict | None:
            if position[0] is None:  # only NULL cursors so far: nothing to resume from yet
                return None
            return CursorState(cursor_field=cursor.name, cursor=position[0]).model_dump()

        last = yield from scanner.run(self.ordered_scan(emit, order, version), checkpoint)
        if last is None:  # no row moved the cursor: the saved position still holds
            yield scanner.state(CursorState(cursor_field=cursor.name, cursor=start).model_dump())

    def ordered_scan(
        self, emit: list[str], order: OrderedRead, version: int | None, within: Within = (None, [])
    ) -> Scan:
        """Rows in `order` from its start, only those `within` a condition (with its values)."""
        positions = [c.name for c in order.columns]
        columns = emit + [name for name in positions if name not in emit]
        condition, values = within
        query = self._query(columns, order, version, condition)
        parameters = [*values, *order.parameters()]  # the markers' order in the WHERE clause
        return Scan(query, parameters, emit, positions, self.table.json_columns)

    def _query(
        self,
        columns: Sequence[str],
        order: OrderedRead | None,
        version: int | None,
        within: exp.Expression | None = None,
    ) -> str:
        query = exp.select(*(exp.column(c, quoted=True) for c in columns)).from_(self.ref(version))
        if order is not None:
            conditions = [c for c in (within, order.condition()) if c is not None]
            query = query.where(exp.and_(*conditions)) if conditions else query
            query = query.order_by(*order.order_by())
        return query.sql(sql.DIALECT)

    def ref(self, version: int | None) -> exp.Table:
        table = self.table
        return pinned(sql.table_ref(table.catalog, table.schema, table.name), version)

    def _warn_null_cursors(self, scanner: Scanner, cursor: Column, version: int | None) -> None:
        is_null = exp.column(cursor.name, quoted=True).is_(exp.null())
        query = exp.select(exp.func("count", exp.Star())).from_(self.ref(version)).where(is_null)
        (count,) = scanner.warehouse.query(query.sql(sql.DIALECT))[0]
        if count:
            scanner.logger.warning(
                f"{self.label}: {count:,} rows have a NULL {cursor.name}; incremental syncs "
                "after the first do not emit them (use Change Data Feed or a non-null cursor)"
            )

    def key_columns(self) -> tuple[Column, ...]:
        by_name = {c.name: c for c in self.table.columns}
        return tuple(by_name[name] for name in self.table.primary_key)

    def _cursor_column(self, cursor_field: list[str] | None) -> Column:
        by_name = {c.name: c for c in self.table.columns}
        if not cursor_field or cursor_field[0] not in by_name:
            raise AirbyteTracedException(
                message=f"Incremental sync of {self.label} needs a cursor field, one of its "
                f"columns; got {cursor_field!r}. Choose the cursor in the connection's settings.",
                failure_type=FailureType.config_error,
            )
        column = by_name[cursor_field[0]]
        if not is_orderable(column):
            raise AirbyteTracedException(
                message=f"The cursor field {column.name} of {self.label} has type "
                f"{column.full_data_type}, which cannot be ordered. Choose a numeric, string, "
                "date or timestamp column.",
                failure_type=FailureType.config_error,
            )
        return column

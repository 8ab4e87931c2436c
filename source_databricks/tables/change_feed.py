"""Incremental from Delta Change Data Feed: a snapshot at version v, then table_changes from v+1.

Every record carries `_ab_cdc_updated_at` (the commit time) and `_ab_cdc_cursor` (the commit
version); a delete also carries `_ab_cdc_deleted_at`, with the deleted row's values (key included).
Updates emit their post-image only. The state is the last version whose changes were all emitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airbyte_cdk.models import AirbyteStream, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import BaseModel, ConfigDict
from sqlglot import exp

from source_databricks.config import ChangeDataFeedReplication
from source_databricks.errors import error_class
from source_databricks.output import Output
from source_databricks.tables import sql
from source_databricks.tables.position import OrderedRead
from source_databricks.tables.row_count import verify_row_count
from source_databricks.tables.scan import Scan, Scanner
from source_databricks.tables.state import parse_model
from source_databricks.tables.table_info import TableInfo
from source_databricks.tables.types import TIMESTAMP_TZ
from source_databricks.tables.versions import commit_time, latest_commit, pinned

UPDATED_AT, DELETED_AT, CURSOR = "_ab_cdc_updated_at", "_ab_cdc_deleted_at", "_ab_cdc_cursor"
CDC_PROPERTIES = {
    UPDATED_AT: {**TIMESTAMP_TZ, "type": ["null", "string"]},
    DELETED_AT: {**TIMESTAMP_TZ, "type": ["null", "string"]},
    CURSOR: {"type": ["null", "integer"]},
}
ENABLED_PROPERTY = "delta.enableChangeDataFeed"
# Error classes meaning the saved version is no longer covered by the table's change data.
HISTORY_GONE = {
    "DELTA_MISSING_CHANGE_DATA",
    "DELTA_VERSION_NOT_FOUND",
    "DELTA_CHANGE_DATA_FILE_NOT_FOUND",
    "DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION",
}


class ChangeFeedState(BaseModel):
    """Changes up to `change_feed_version` are emitted (once the snapshot is complete)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    change_feed_version: int
    snapshot_complete: bool = True
    snapshot_position: tuple[str, ...] | None = None
    snapshot_records: int = 0  # emitted by the snapshot so far, across attempts


def has_change_feed(table: TableInfo) -> bool:
    """Whether the table can be read through Change Data Feed (Delta tables only)."""
    return table.is_delta


def as_change_feed_stream(stream: AirbyteStream) -> AirbyteStream:
    """The catalog entry with the CDC columns and the commit version as source-defined cursor."""
    stream.json_schema["properties"].update(CDC_PROPERTIES)
    stream.source_defined_cursor = True
    stream.default_cursor_field = [CURSOR]
    return stream


class ChangeFeedRead:
    def __init__(
        self, table: TableInfo, replication: ChangeDataFeedReplication, scanner: Scanner
    ) -> None:
        self.table, self.replication, self.scanner = table, replication, scanner
        self.label = f"{table.namespace}.{table.name}"
        self.ref = sql.table_ref(table.catalog, table.schema, table.name)

    def read(self, emit: list[str], state: Any) -> Iterator[Output]:
        saved = parse_model(ChangeFeedState, state, self.label) if state else None
        if saved is None or not saved.snapshot_complete:
            yield from self._snapshot(emit, saved)
            return
        version, _ = latest_commit(self.scanner.warehouse, self.ref)
        if version <= saved.change_feed_version:  # no new commit: table_changes would refuse
            yield self.scanner.state(saved.model_dump())
            return
        try:
            yield from self._changes(emit, saved.change_feed_version + 1, version)
        except AirbyteTracedException as error:
            if error_class(error.__cause__ or error) not in HISTORY_GONE:
                raise
            yield from self._history_gone(emit, saved, error)

    def _snapshot(self, emit: list[str], saved: ChangeFeedState | None) -> Iterator[Output]:
        self._require_change_feed()
        if saved is None:
            version, committed_at = latest_commit(self.scanner.warehouse, self.ref)
        else:
            version = saved.change_feed_version
            committed_at = commit_time(self.scanner.warehouse, self.ref, version)
            self.scanner.logger.info(f"{self.label}: resuming the snapshot at version {version}")
        key = self.table.primary_key
        by_name = {c.name: c for c in self.table.columns}
        start = saved.snapshot_position if saved else None
        order = OrderedRead(tuple(by_name[k] for k in key), start) if key else None
        before = saved.snapshot_records if saved else 0

        def checkpoint(position: tuple[str | None, ...]) -> dict:
            return ChangeFeedState(
                change_feed_version=version,
                snapshot_complete=False,
                snapshot_position=position,
                snapshot_records=before + self.scanner.records_read,
            ).model_dump()

        yield from self.scanner.run(
            self._snapshot_scan(emit, version, committed_at, order), checkpoint
        )
        emitted = before + self.scanner.records_read
        verify_row_count(self.scanner, pinned(self.ref, version), emitted, resumed=bool(saved))
        yield self.scanner.state(ChangeFeedState(change_feed_version=version).model_dump())

    def _snapshot_scan(
        self, emit: list[str], version: int, committed_at: str | None, order: OrderedRead | None
    ) -> Scan:
        commit_time = exp.cast(exp.Placeholder(), "TIMESTAMP")
        columns = [exp.column(c, quoted=True) for c in emit] + [
            exp.alias_(commit_time, UPDATED_AT),
            exp.alias_(exp.cast(exp.null(), "TIMESTAMP"), DELETED_AT),
            exp.alias_(exp.Literal.number(version), CURSOR),
        ]
        query = exp.select(*columns).from_(pinned(self.ref, version))
        parameters: list[Any] = [committed_at]
        positions: list[str] = []
        if order is not None:
            condition = order.condition()
            query = query.where(condition) if condition is not None else query
            query = query.order_by(*order.order_by())
            parameters += order.parameters()
            positions = [c.name for c in order.columns]
        select_extra = [n for n in positions if n not in emit]
        query = query.select(*(exp.column(n, quoted=True) for n in select_extra))
        emitted = [*emit, *CDC_PROPERTIES]
        return Scan(query.sql(sql.DIALECT), parameters, emitted, positions, self.table.json_columns)

    def _changes(self, emit: list[str], start: int, end: int) -> Iterator[Output]:
        self.scanner.logger.info(f"{self.label}: reading changes of versions {start} to {end}")
        change_type = exp.column("_change_type")
        commit_time = exp.column("_commit_timestamp")
        deleted_at = exp.If(this=change_type.eq(exp.Literal.string("delete")), true=commit_time)
        columns = [exp.column(c, quoted=True) for c in emit] + [
            exp.alias_(commit_time, UPDATED_AT),
            exp.alias_(exp.Case(ifs=[deleted_at]), DELETED_AT),
            exp.alias_(exp.column("_commit_version"), CURSOR),
        ]
        source = exp.func(
            "table_changes",
            exp.Literal.string(self.ref.sql(sql.DIALECT)),
            exp.Literal.number(start),
            exp.Literal.number(end),
        )
        query = (
            exp.select(*columns)
            .from_(source)
            .where(change_type.neq(exp.Literal.string("update_preimage")))
            .order_by("_commit_version")
        )
        emitted = [*emit, *CDC_PROPERTIES]
        scan = Scan(query.sql(sql.DIALECT), (), emitted, [CURSOR], self.table.json_columns)

        def checkpoint(position: tuple[str | None, ...]) -> dict:
            # The last row's version may continue in the next batch: only earlier ones are done.
            done = int(position[0] or start) - 1
            return ChangeFeedState(change_feed_version=max(done, start - 1)).model_dump()

        last = yield from self.scanner.run(scan, checkpoint)
        final = ChangeFeedState(change_feed_version=end).model_dump()
        if last != final:
            yield self.scanner.state(final)

    def _history_gone(
        self, emit: list[str], saved: ChangeFeedState, error: AirbyteTracedException
    ) -> Iterator[Output]:
        problem = (
            f"{self.label}: the table's change data no longer reaches version "
            f"{saved.change_feed_version + 1} (history vacuumed or expired, or Change Data Feed "
            "was off)"
        )
        if self.replication.when_history_is_gone == "fail":
            raise AirbyteTracedException(
                message=f"{problem}. Reset the stream to take a new snapshot, or set "
                "replication.when_history_is_gone to resnapshot.",
                internal_message=error.message,
                failure_type=FailureType.config_error,
            ) from error
        self.scanner.logger.warning(f"{problem}; taking a new snapshot")
        yield from self._snapshot(emit, None)

    def _require_change_feed(self) -> None:
        statement = f"SHOW TBLPROPERTIES {self.ref.sql(sql.DIALECT)}"
        properties = {
            row["key"]: row["value"] for row in self.scanner.warehouse.query_dicts(statement)
        }
        if str(properties.get(ENABLED_PROPERTY, "false")).lower() != "true":
            raise AirbyteTracedException(
                message=f"{self.label} does not record a Change Data Feed. Enable it with ALTER "
                f"TABLE … SET TBLPROPERTIES ({ENABLED_PROPERTY} = true), or sync the stream with "
                "a cursor or full refresh.",
                failure_type=FailureType.config_error,
            )

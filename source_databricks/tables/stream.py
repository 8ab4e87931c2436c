"""A table or view as an Airbyte stream: its catalog entry and its full-refresh read."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence

from airbyte_cdk.models import AirbyteStream, SyncMode

from source_databricks.output import RecordBlock
from source_databricks.tables import sql
from source_databricks.tables.discovery import TableInfo
from source_databricks.tables.records import RecordEncoder
from source_databricks.tables.types import json_schema
from source_databricks.tables.warehouse import Warehouse

PROGRESS_SECONDS = 30.0


class TableStream:
    """One Databricks table: stream name = table name, namespace = `catalog.schema`."""

    def __init__(self, table: TableInfo) -> None:
        self.table = table

    def as_airbyte_stream(self) -> AirbyteStream:
        properties = {c.name: json_schema(c.full_data_type, c.nullable) for c in self.table.columns}
        return AirbyteStream(
            name=self.table.name,
            namespace=self.table.namespace,
            json_schema={"type": "object", "properties": properties},
            supported_sync_modes=[SyncMode.full_refresh],
            source_defined_primary_key=[[c] for c in self.table.primary_key] or None,
            is_resumable=False,
        )

    def selected_columns(self, configured_schema: dict) -> list[str]:
        """The table's columns that the configured catalog selects, in table order."""
        wanted = configured_schema.get("properties")
        names = [c.name for c in self.table.columns]
        return names if not wanted else [name for name in names if name in wanted]

    def read_full_refresh(
        self, warehouse: Warehouse, columns: Sequence[str], logger: logging.Logger
    ) -> Iterator[RecordBlock]:
        """Every row of the table, streamed as record blocks, one per Arrow batch."""
        table = self.table
        query = sql.select_columns(sql.table_ref(table.catalog, table.schema, table.name), columns)
        encoder = RecordEncoder(table.name, table.namespace)
        progress = Progress(f"{table.namespace}.{table.name}", logger)
        try:
            for batch in warehouse.stream(query):
                lines = encoder.encode(batch)
                yield RecordBlock(table.name, table.namespace, batch.num_rows, lines)
                progress.add(batch.num_rows)
        finally:
            encoder.close()
        progress.finish()


class Progress:
    """Logs records read so far at most every PROGRESS_SECONDS, and a summary at the end."""

    def __init__(self, label: str, logger: logging.Logger) -> None:
        self._label, self._logger = label, logger
        self._started = self._last_log = time.monotonic()
        self.records = 0

    def add(self, count: int) -> None:
        self.records += count
        if time.monotonic() - self._last_log >= PROGRESS_SECONDS:
            self._last_log = time.monotonic()
            self._logger.info(f"{self._label}: {self.records:,} records read so far")

    def finish(self) -> None:
        seconds = max(time.monotonic() - self._started, 1e-9)
        rate = self.records / seconds
        self._logger.info(
            f"{self._label}: read {self.records:,} records in {seconds:.1f} s ({rate:,.0f}/s)"
        )

"""What discovery learns about a table: its identity, type, columns and primary key."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from source_databricks.tables.types import parse_type


@dataclass(frozen=True)
class Column:
    name: str
    full_data_type: str
    nullable: bool


@dataclass(frozen=True)
class TableInfo:
    catalog: str
    schema: str
    name: str
    table_type: str
    columns: tuple[Column, ...] = ()
    primary_key: tuple[str, ...] = field(default=())
    data_source_format: str | None = None

    @property
    def json_columns(self) -> frozenset[str]:
        """VARIANT columns: their values arrive as JSON text and are emitted as JSON values."""
        variant = exp.DataType.Type.VARIANT
        return frozenset(
            c.name for c in self.columns if parse_type(c.full_data_type).this == variant
        )

    @property
    def is_delta(self) -> bool:
        """A Delta table: its versions can be pinned and its Change Data Feed read.

        Views, materialized views, streaming tables, foreign tables and external tables in other
        formats have no history a reader may pin (Databricks refuses time travel on them).
        """
        delta_format = (self.data_source_format or "DELTA").upper() == "DELTA"
        return self.table_type.upper() in ("MANAGED", "EXTERNAL") and delta_format

    @property
    def namespace(self) -> str:
        """The stream namespace: `catalog.schema` (Unity Catalog names hold no dots)."""
        return f"{self.catalog}.{self.schema}"

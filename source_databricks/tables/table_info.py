"""What discovery learns about a table: its identity, type, columns and primary key."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def namespace(self) -> str:
        """The stream namespace: `catalog.schema` (Unity Catalog names hold no dots)."""
        return f"{self.catalog}.{self.schema}"

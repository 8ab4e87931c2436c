"""Discovery: every table and view in scope, from information_schema in one pass per view."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlglot import exp

from source_databricks.config import DatabricksConfig
from source_databricks.tables import sql
from source_databricks.tables.warehouse import Warehouse


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
        """The stream namespace: `catalog.schema`, unquoted (names may hold dots)."""
        return f"{self.catalog}.{self.schema}"


def discover_tables(warehouse: Warehouse, config: DatabricksConfig) -> list[TableInfo]:
    """All tables of the configured catalog and schemas, with columns and primary keys."""
    columns = _grouped(_column_rows(warehouse, config))
    keys = _grouped(_key_rows(warehouse, config))
    tables = []
    for schema, name, table_type in _table_rows(warehouse, config):
        table_columns = tuple(columns.get((schema, name), ()))
        if table_columns:
            pk = tuple(keys.get((schema, name), ()))
            tables.append(TableInfo(config.catalog, schema, name, table_type, table_columns, pk))
    return sorted(tables, key=lambda t: (t.schema, t.name))


def _table_rows(warehouse: Warehouse, config: DatabricksConfig) -> list[tuple[str, str, str]]:
    view = sql.information_schema(config.catalog, "tables")
    query = exp.select("table_schema", "table_name", "table_type").from_(view)
    return _run(warehouse, query.where(_in_scope(config)), config)


def _column_rows(warehouse: Warehouse, config: DatabricksConfig) -> Iterator[tuple]:
    view = sql.information_schema(config.catalog, "columns")
    query = (
        exp.select("table_schema", "table_name", "column_name", "full_data_type", "is_nullable")
        .from_(view)
        .where(_in_scope(config))
        .order_by("table_schema", "table_name", "ordinal_position")
    )
    for schema, table, name, full_type, nullable in _run(warehouse, query, config):
        yield (schema, table), Column(name, full_type, nullable != "NO")


def _key_rows(warehouse: Warehouse, config: DatabricksConfig) -> Iterator[tuple]:
    constraints = sql.information_schema(config.catalog, "table_constraints").as_("tc")
    usage = sql.information_schema(config.catalog, "key_column_usage").as_("kcu")
    same = " AND ".join(
        f"tc.{c} = kcu.{c}" for c in ("constraint_catalog", "constraint_schema", "constraint_name")
    )
    query = (
        exp.select("kcu.table_schema", "kcu.table_name", "kcu.column_name")
        .from_(constraints)
        .join(usage, on=same)
        .where(exp.column("constraint_type", "tc").eq(exp.Literal.string("PRIMARY KEY")))
        .where(_in_scope(config, "tc"))
        .order_by("kcu.table_schema", "kcu.table_name", "kcu.ordinal_position")
    )
    for schema, table, column in _run(warehouse, query, config):
        yield (schema, table), column


def _in_scope(config: DatabricksConfig, table: str | None = None) -> exp.Expression:
    return sql.in_placeholders(exp.column("table_schema", table), len(config.schemas))


def _run(warehouse: Warehouse, query: exp.Select, config: DatabricksConfig) -> list[tuple]:
    return warehouse.query(query.sql(sql.DIALECT), config.schemas)


def _grouped(pairs: Iterable[tuple]) -> dict[tuple[str, str], list]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups

"""Discovery: every table and view in scope, from information_schema in one pass per view.

`system.information_schema` lists the tables of every catalog the credentials may read, so three
queries (tables, columns, primary keys) cover the whole workspace however many tables it holds.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlglot import exp

from source_databricks.tables import hive_metastore, sql
from source_databricks.tables.scope import Scope
from source_databricks.tables.table_info import Column, TableInfo
from source_databricks.tables.types import parse_type
from source_databricks.tables.warehouse import Warehouse

TableKey = tuple[str, str, str]


def discover_tables(warehouse: Warehouse, scope: Scope, logger: logging.Logger) -> list[TableInfo]:
    """All tables and views in scope, with columns and primary keys, sorted by name."""
    columns = _grouped(_column_rows(warehouse, scope))
    keys = _grouped(_key_rows(warehouse, scope))
    tables = []
    for catalog, schema, name, table_type, source_format in _table_rows(warehouse, scope):
        table = TableInfo(catalog, schema, name, table_type)
        if scope.has_table(schema, name) and _readable(table, columns, logger):
            key = (catalog, schema, name)
            table_columns, pk = tuple(columns[key]), tuple(keys.get(key, ()))
            tables.append(
                TableInfo(catalog, schema, name, table_type, table_columns, pk, source_format)
            )
    if hive_metastore.wants_hive_metastore(warehouse, scope):
        for table in hive_metastore.discover_hive_metastore(warehouse, scope, logger):
            if _readable(table, {(table.catalog, table.schema, table.name): table.columns}, logger):
                tables.append(table)
    return sorted(tables, key=lambda t: (t.catalog, t.schema, t.name))


def _readable(table: TableInfo, columns: dict, logger: logging.Logger) -> bool:
    """Tables without visible columns, or with a type we cannot parse, are skipped, said aloud."""
    table_columns = columns.get((table.catalog, table.schema, table.name))
    label = f"{table.namespace}.{table.name}"
    if not table_columns:
        logger.warning(f"Skipping {label}: no columns are visible to these credentials")
        return False
    for column in table_columns:
        try:
            parse_type(column.full_data_type)
        except Exception as error:  # a type newer than this connector knows
            logger.warning(
                f"Skipping {label}: column {column.name} has type "
                f"{column.full_data_type!r}, which this connector cannot map ({error})"
            )
            return False
    return True


def _table_rows(warehouse: Warehouse, scope: Scope) -> list[tuple]:
    query = exp.select(
        "table_catalog", "table_schema", "table_name", "table_type", "data_source_format"
    )
    return _run(warehouse, query.from_(_view("tables")), scope)


def _column_rows(warehouse: Warehouse, scope: Scope) -> Iterator[tuple]:
    names = ("column_name", "full_data_type", "is_nullable")
    query = exp.select("table_catalog", "table_schema", "table_name", *names)
    query = query.from_(_view("columns")).order_by("ordinal_position")
    for catalog, schema, table, name, full_type, nullable in _run(warehouse, query, scope):
        yield (catalog, schema, table), Column(name, full_type, nullable != "NO")


def _key_rows(warehouse: Warehouse, scope: Scope) -> Iterator[tuple]:
    same = " AND ".join(
        f"tc.{c} = kcu.{c}" for c in ("constraint_catalog", "constraint_schema", "constraint_name")
    )
    query = (
        exp.select("kcu.table_catalog", "kcu.table_schema", "kcu.table_name", "kcu.column_name")
        .from_(_view("table_constraints").as_("tc"))
        .join(_view("key_column_usage").as_("kcu"), on=same)
        .where(exp.column("constraint_type", "tc").eq(exp.Literal.string("PRIMARY KEY")))
        .order_by("kcu.ordinal_position")
    )
    for catalog, schema, table, column in _run(warehouse, query, scope, table="tc"):
        yield (catalog, schema, table), column


def _view(name: str) -> exp.Table:
    return sql.information_schema("system", name)


def _run(warehouse: Warehouse, query: exp.Select, scope: Scope, table: str | None = None) -> list:
    catalog_column = "constraint_catalog" if table == "tc" else "table_catalog"
    schema_column = "constraint_schema" if table == "tc" else "table_schema"
    condition, parameters = scope.where(
        exp.column(catalog_column, table), exp.column(schema_column, table)
    )
    return warehouse.query(query.where(condition).sql(sql.DIALECT), parameters)


def _grouped(pairs: Iterable[tuple]) -> dict[TableKey, list]:
    groups: dict[TableKey, list] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups

"""Discovery in the legacy `hive_metastore` catalog, which has no information_schema.

It takes SHOW SCHEMAS, then SHOW TABLES and SHOW VIEWS per schema and one DESCRIBE TABLE per
table: the only way Databricks describes these tables. A table that cannot be described is
skipped with a warning naming it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.tables import sql
from source_databricks.tables.scope import Scope
from source_databricks.tables.table_info import Column, TableInfo
from source_databricks.tables.warehouse import Warehouse

CATALOG = "hive_metastore"


def wants_hive_metastore(warehouse: Warehouse, scope: Scope) -> bool:
    """Whether the scope names hive_metastore, or takes every catalog and the workspace has one."""
    if scope.catalogs:
        return CATALOG in scope.catalogs
    return any(row[0] == CATALOG for row in warehouse.query("SHOW CATALOGS"))


def discover_hive_metastore(
    warehouse: Warehouse, scope: Scope, logger: logging.Logger
) -> Iterator[TableInfo]:
    """Every table and view of hive_metastore in scope, with its columns."""
    for (schema,) in _rows(warehouse, f"SHOW SCHEMAS IN {_quoted(CATALOG)}"):
        if not scope.has_schema(schema):
            continue
        namespace = f"{_quoted(CATALOG)}.{_quoted(schema)}"
        views = {row[1] for row in _rows(warehouse, f"SHOW VIEWS IN {namespace}")}
        for _, name, is_temporary in _rows(warehouse, f"SHOW TABLES IN {namespace}"):
            if is_temporary or not scope.has_table(schema, name):
                continue
            table_type = "VIEW" if name in views else "MANAGED"
            table = _described(warehouse, TableInfo(CATALOG, schema, name, table_type), logger)
            if table is not None:
                yield table


def _described(warehouse: Warehouse, table: TableInfo, logger: logging.Logger) -> TableInfo | None:
    ref = sql.table_ref(table.catalog, table.schema, table.name).sql(sql.DIALECT)
    try:
        rows = _rows(warehouse, f"DESCRIBE TABLE {ref}")
    except AirbyteTracedException as error:
        if error.failure_type == FailureType.transient_error:
            raise
        logger.warning(f"Skipping {table.namespace}.{table.name}: {error.message}")
        return None
    columns = []
    for name, data_type, *_ in rows:
        if not name or name.startswith("#"):  # partition and detail sections follow a blank row
            break
        columns.append(Column(name, data_type, nullable=True))
    return TableInfo(table.catalog, table.schema, table.name, table.table_type, tuple(columns))


def _rows(warehouse: Warehouse, statement: str) -> list[tuple]:
    return warehouse.query(statement)


def _quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(sql.DIALECT)

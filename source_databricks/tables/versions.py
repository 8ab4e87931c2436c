"""Table versions: a sync reads one Delta version, so rows committed meanwhile are not half-seen."""

from __future__ import annotations

import logging

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.tables import sql
from source_databricks.tables.discovery import TableInfo
from source_databricks.tables.warehouse import Warehouse

# Table types whose versions can be pinned with VERSION AS OF (Delta tables).
VERSIONED_TYPES = {"MANAGED", "EXTERNAL"}


def current_version(warehouse: Warehouse, table: TableInfo, logger: logging.Logger) -> int | None:
    """The table's latest version, or None when it has no history to pin (views, non-Delta)."""
    if table.table_type.upper() not in VERSIONED_TYPES:
        return None
    ref = sql.table_ref(table.catalog, table.schema, table.name).sql(sql.DIALECT)
    try:
        history = warehouse.query_dicts(f"DESCRIBE HISTORY {ref} LIMIT 1")
    except AirbyteTracedException as error:
        if error.failure_type == FailureType.transient_error:
            raise
        logger.warning(
            f"{table.namespace}.{table.name}: no version to pin, reading the live "
            f"table ({error.message})"
        )
        return None
    return int(history[0]["version"]) if history else None


def pinned(table: exp.Table, version: int | None) -> exp.Table:
    """The table reference at `version` (VERSION AS OF), or as it is when version is None."""
    if version is None:
        return table
    at = exp.Version(this="VERSION", kind="AS OF", expression=exp.Literal.number(version))
    at_version = table.copy()
    at_version.set("version", at)
    return at_version

"""Table versions: a sync reads one Delta version, so rows committed meanwhile are not half-seen."""

from __future__ import annotations

import logging

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.tables import sql
from source_databricks.tables.table_info import TableInfo
from source_databricks.tables.warehouse import Warehouse


def current_version(warehouse: Warehouse, table: TableInfo, logger: logging.Logger) -> int | None:
    """The table's latest version, or None when it has no history to pin (views, non-Delta)."""
    if not table.is_delta:
        return None
    ref = sql.table_ref(table.catalog, table.schema, table.name)
    try:
        return latest_commit(warehouse, ref)[0]
    except AirbyteTracedException as error:
        if error.failure_type == FailureType.transient_error:
            raise
        logger.warning(
            f"{table.namespace}.{table.name}: no version to pin, reading the live table "
            f"({error.message})"
        )
        return None


def latest_commit(warehouse: Warehouse, table: exp.Table) -> tuple[int, str]:
    """The table's latest version and its commit time (RFC 3339)."""
    history = _history(warehouse, table, latest_only=True)
    if not history:
        raise AirbyteTracedException(
            message=f"{table.sql(sql.DIALECT)} has no history.",
            failure_type=FailureType.system_error,
        )
    return int(history[0]["version"]), history[0]["timestamp"].isoformat()


def commit_time(warehouse: Warehouse, table: exp.Table, version: int) -> str | None:
    """The commit time of one version, or None when history no longer holds it."""
    for commit in _history(warehouse, table, latest_only=False):
        if int(commit["version"]) == version:
            return commit["timestamp"].isoformat()
    return None


def _history(warehouse: Warehouse, table: exp.Table, latest_only: bool) -> list[dict]:
    limit = " LIMIT 1" if latest_only else ""
    return warehouse.query_dicts(f"DESCRIBE HISTORY {table.sql(sql.DIALECT)}{limit}")


def pinned(table: exp.Table, version: int | None) -> exp.Table:
    """The table reference at `version` (VERSION AS OF), or as it is when version is None."""
    if version is None:
        return table
    at = exp.Version(this="VERSION", kind="AS OF", expression=exp.Literal.number(version))
    at_version = table.copy()
    at_version.set("version", at)
    return at_version

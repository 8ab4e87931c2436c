"""The columns a read emits, checked against the table as it is now.

A configured catalog is a snapshot of an earlier discover. When the table changed since:
- a column added is not read (the catalog did not ask for it); the log names it;
- a selected column that was dropped cannot be read: a config error names it;
- a selected column whose type maps to a different JSON schema is read as it is now, with a
  warning naming the old and new schema, since the destination's column may not take the values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.tables.table_info import Column, TableInfo
from source_databricks.tables.types import json_schema

# What the type mapping decides; anything else a platform adds to a property is not compared.
_MAPPED_KEYWORDS = ("type", "format", "airbyte_type", "contentEncoding", "items", "properties")


def selected_columns(
    table: TableInfo,
    configured_schema: dict[str, Any],
    logger: logging.Logger,
    source_properties: Collection[str] = (),
) -> list[str]:
    """The table's columns the configured catalog selects, in table order (all if it names none).

    `source_properties` are fields the connector adds to records (Change Data Feed metadata): not
    columns of the table, so never missing from it.
    """
    names = [c.name for c in table.columns]
    wanted = {
        name: schema
        for name, schema in (configured_schema.get("properties") or {}).items()
        if name not in source_properties
    }
    if not wanted:
        return names
    label = f"{table.namespace}.{table.name}"
    dropped = [name for name in wanted if name not in names]
    if dropped:
        raise AirbyteTracedException(
            message=f"{label} no longer has the selected column(s) {_listed(dropped)}. Refresh "
            "the source schema and update the connection's selected fields.",
            failure_type=FailureType.config_error,
        )
    added = [name for name in names if name not in wanted]
    if added:
        logger.info(
            f"{label} has column(s) the configured catalog does not select, not read: "
            f"{_listed(added)}. Refresh the source schema to sync them."
        )
    for column in table.columns:
        if column.name in wanted:
            _report_type_change(label, column.name, wanted[column.name], column, logger)
    return [name for name in names if name in wanted]


def _report_type_change(
    label: str, name: str, configured: Any, column: Column, logger: logging.Logger
) -> None:
    current = json_schema(column.full_data_type, column.nullable)
    if not isinstance(configured, dict) or _shape(configured) == _shape(current):
        return
    logger.warning(
        f"{label}: column {name!r} changed type since the catalog was configured; it is now "
        f"{column.full_data_type} and is synced as {_json(current)} (configured: "
        f"{_json(configured)}). Refresh the source schema so the destination expects it."
    )


def _shape(schema: dict[str, Any]) -> dict[str, Any]:
    """The mapped part of a property's schema, nullability aside."""
    shape = {key: schema[key] for key in _MAPPED_KEYWORDS if key in schema}
    kinds = shape.get("type")
    if isinstance(kinds, list):
        non_null = sorted(kind for kind in kinds if kind != "null")
        shape["type"] = non_null[0] if len(non_null) == 1 else non_null
    return shape


def _json(schema: Any) -> str:
    return json.dumps(schema, sort_keys=True)


def _listed(names: list[str]) -> str:
    return ", ".join(repr(name) for name in names)

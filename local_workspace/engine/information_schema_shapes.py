"""The column lists of Unity Catalog's information_schema views, and their constant columns."""

from __future__ import annotations

import pyarrow as pa

S, INT, TS = pa.string(), pa.int32(), pa.timestamp("us", tz="Etc/UTC")

_WHO = [("created", TS), ("created_by", S), ("last_altered", TS), ("last_altered_by", S)]

SHAPES: dict[str, pa.Schema] = {
    "catalogs": pa.schema([("catalog_name", S), ("catalog_owner", S), ("comment", S), *_WHO]),
    "schemata": pa.schema(
        [("catalog_name", S), ("schema_name", S), ("schema_owner", S), ("comment", S), *_WHO]
    ),
    "tables": pa.schema(
        [
            *[(n, S) for n in ("table_catalog", "table_schema", "table_name", "table_type")],
            ("is_insertable_into", S),
            ("commit_action", S),
            ("table_owner", S),
            ("comment", S),
            *_WHO,
            ("data_source_format", S),
            ("storage_sub_directory", S),
        ]
    ),
    "columns": pa.schema(
        [
            *[(n, S) for n in ("table_catalog", "table_schema", "table_name", "column_name")],
            ("ordinal_position", INT),
            ("column_default", S),
            ("is_nullable", S),
            ("full_data_type", S),
            ("data_type", S),
            ("character_maximum_length", INT),
            ("character_octet_length", INT),
            ("numeric_precision", INT),
            ("numeric_precision_radix", INT),
            ("numeric_scale", INT),
            ("datetime_precision", INT),
            ("interval_type", S),
            ("interval_precision", INT),
            ("maximum_cardinality", INT),
            ("is_identity", S),
            ("identity_generation", S),
            ("identity_start", S),
            ("identity_increment", S),
            ("identity_maximum", S),
            ("identity_minimum", S),
            ("identity_cycle", S),
            ("is_generated", S),
            ("generation_expression", S),
            ("is_system_time_period_start", S),
            ("is_system_time_period_end", S),
            ("system_time_period_timestamp_generation", S),
            ("is_updatable", S),
            ("comment", S),
            ("partition_index", INT),
        ]
    ),
    "table_constraints": pa.schema(
        [
            *[(n, S) for n in ("constraint_catalog", "constraint_schema", "constraint_name")],
            *[(n, S) for n in ("table_catalog", "table_schema", "table_name", "constraint_type")],
            ("is_deferrable", S),
            ("initially_deferred", S),
            ("enforced", S),
            ("comment", S),
        ]
    ),
    "views": pa.schema(
        [
            *[(n, S) for n in ("table_catalog", "table_schema", "table_name", "view_definition")],
            *[(n, S) for n in ("check_option", "is_updatable", "is_insertable_into", "sql_path")],
        ]
    ),
    "key_column_usage": pa.schema(
        [
            *[(n, S) for n in ("constraint_catalog", "constraint_schema", "constraint_name")],
            *[(n, S) for n in ("table_catalog", "table_schema", "table_name", "column_name")],
            ("ordinal_position", INT),
            ("position_in_unique_constraint", INT),
        ]
    ),
}

# Columns whose value is the same on every row (Databricks' documented constants).
_CONSTANTS: dict[str, object] = {
    "commit_action": "PRESERVE",
    "is_identity": "NO",
    "is_generated": "NO",
    "is_system_time_period_start": "NO",
    "is_system_time_period_end": "NO",
    "is_updatable": "YES",
    "is_deferrable": "YES",
    "initially_deferred": "YES",
    "enforced": "NO",
}


def assemble(view: str, values: dict[str, object]) -> pa.Table:
    """A table of ``view``'s shape: arrays from ``values``, scalars repeated, the rest NULL."""
    schema = SHAPES[view]
    rows = _row_count(values)
    arrays = [_column(field, values, rows) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _row_count(values: dict[str, object]) -> int:
    for value in values.values():
        if isinstance(value, list | pa.Array | pa.ChunkedArray):
            return len(value)
    return 0


def _column(field: pa.Field, values: dict[str, object], rows: int) -> pa.Array:
    value = values.get(field.name, _CONSTANTS.get(field.name) if rows else None)
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        return value.cast(field.type)
    if isinstance(value, list):
        return pa.array(value, field.type)
    if value is None:
        return pa.nulls(rows, field.type)
    return pa.array([value] * rows, field.type)

"""Arrow data → API 1.2 ``table`` results (schema as JSON Spark types, rows as JSON values).

Used by both sides: the server for SQL commands, the worker for ``display(df)``. Limits follow
what a Databricks notebook shows of a result: the first 10,000 rows and at most 2 MiB of row
data; ``truncated`` says when rows were dropped.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
from typing import Any

import pyarrow as pa

MAX_TABLE_ROWS = 10_000
MAX_TABLE_BYTES = 2 * 1024 * 1024

_SIMPLE_TYPES = {
    pa.int8(): "byte",
    pa.int16(): "short",
    pa.int32(): "integer",
    pa.int64(): "long",
    pa.float32(): "float",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.string(): "string",
    pa.large_string(): "string",
    pa.binary(): "binary",
    pa.large_binary(): "binary",
    pa.date32(): "date",
    pa.null(): "void",
}


def spark_type(arrow_type: pa.DataType) -> Any:
    """The Spark JSON type of an Arrow type ("long", {"type": "array", ...}, ...)."""
    if arrow_type in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        return "timestamp" if arrow_type.tz else "timestamp_ntz"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        element = spark_type(arrow_type.value_type)
        return {"type": "array", "elementType": element, "containsNull": True}
    if pa.types.is_map(arrow_type):
        key, value = spark_type(arrow_type.key_type), spark_type(arrow_type.item_type)
        return {"type": "map", "keyType": key, "valueType": value, "valueContainsNull": True}
    if pa.types.is_struct(arrow_type):
        return {"type": "struct", "fields": [_field(f) for f in arrow_type]}
    return "string"  # anything else is shown as text


def _field(field: pa.Field) -> dict[str, Any]:
    return {"name": field.name, "type": spark_type(field.type), "nullable": True, "metadata": {}}


def schema_of(schema: pa.Schema) -> list[dict[str, str]]:
    """The ``schema`` of a table result: name, JSON-encoded type, JSON metadata."""
    return [
        {"name": f.name, "type": json.dumps(spark_type(f.type)), "metadata": "{}"} for f in schema
    ]


def table_result(reader: pa.RecordBatchReader) -> dict[str, Any]:
    """A ``table`` result of the first rows of ``reader`` (stops reading at the limits)."""
    rows, size, truncated = [], 0, False
    for batch in reader:
        for row in batch.to_pylist():
            values = [json_value(v) for v in row.values()]
            size += len(json.dumps(values, default=str))
            if len(rows) >= MAX_TABLE_ROWS or size > MAX_TABLE_BYTES:
                truncated = True
                break
            rows.append(values)
        if truncated:
            break
    return {
        "resultType": "table",
        "data": rows,
        "schema": schema_of(reader.schema),
        "truncated": truncated,
        "isJsonSchema": True,
    }


def json_value(value: Any) -> Any:
    """A Python value from Arrow as Databricks puts it in a table result."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value

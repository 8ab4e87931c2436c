"""Databricks column types as Airbyte JSON schema.

The declared type is parsed from information_schema's `full_data_type` with sqlglot, so nested
types (ARRAY<STRUCT<…>>) map recursively. See the README's type table for the contract.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from sqlglot import exp

T = exp.DataType.Type
INTEGERS = {T.TINYINT, T.SMALLINT, T.INT, T.BIGINT}
FLOATS = {T.FLOAT, T.DOUBLE}
TIMESTAMP_TZ = {"type": "string", "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
TIMESTAMP_NTZ = {
    "type": "string",
    "format": "date-time",
    "airbyte_type": "timestamp_without_timezone",
}


@cache
def parse_type(full_data_type: str) -> exp.DataType:
    """Parse a Databricks type name such as `decimal(38,18)` or `array<struct<a:int>>`.

    Cached: a workspace has thousands of columns but few distinct types. Callers must not
    modify the returned tree.
    """
    return exp.DataType.build(full_data_type, dialect="databricks")


@cache
def _cached_schema(full_data_type: str) -> tuple[tuple[str, Any], ...]:
    return tuple(_schema(parse_type(full_data_type)).items())


def json_schema(full_data_type: str, nullable: bool = True) -> dict[str, Any]:
    """The JSON schema of a column of this Databricks type."""
    return _nullable(copy.deepcopy(dict(_cached_schema(full_data_type))), nullable)


def _schema(data_type: exp.DataType) -> dict[str, Any]:
    kind = data_type.this
    if kind in INTEGERS:
        return {"type": "integer"}
    if kind in FLOATS or kind == T.DECIMAL:
        return {"type": "number"}
    if kind == T.BOOLEAN:
        return {"type": "boolean"}
    if kind == T.DATE:
        return {"type": "string", "format": "date"}
    if kind == T.TIMESTAMPTZ:
        return dict(TIMESTAMP_TZ)
    if kind == T.TIMESTAMPNTZ:
        return dict(TIMESTAMP_NTZ)
    if kind == T.BINARY:
        return {"type": "string", "contentEncoding": "base64"}
    return _nested_schema(data_type)


def _nested_schema(data_type: exp.DataType) -> dict[str, Any]:
    kind = data_type.this
    if kind == T.ARRAY:
        return {"type": "array", "items": _nullable(_schema(data_type.expressions[0]), True)}
    if kind == T.STRUCT:
        fields = {f.name: _nullable(_schema(f.args["kind"]), True) for f in data_type.expressions}
        return {"type": "object", "properties": fields}
    if kind == T.MAP:
        return {"type": "object"}
    if kind == T.VARIANT:
        return {}
    # STRING, CHAR, VARCHAR, INTERVAL and anything newer travel as text.
    return {"type": "string"}


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    if not nullable or "type" not in schema:
        return schema
    return {**schema, "type": ["null", schema["type"]]}

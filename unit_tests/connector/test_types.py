from __future__ import annotations

import pytest

from source_databricks.tables.types import json_schema

TS_TZ = {"format": "date-time", "airbyte_type": "timestamp_with_timezone"}
TS_NTZ = {"format": "date-time", "airbyte_type": "timestamp_without_timezone"}


@pytest.mark.parametrize(
    ("databricks_type", "expected"),
    [
        ("tinyint", {"type": "integer"}),
        ("smallint", {"type": "integer"}),
        ("int", {"type": "integer"}),
        ("bigint", {"type": "integer"}),
        ("float", {"type": "number"}),
        ("double", {"type": "number"}),
        ("decimal(38,18)", {"type": "number"}),
        ("boolean", {"type": "boolean"}),
        ("string", {"type": "string"}),
        ("varchar(10)", {"type": "string"}),
        ("binary", {"type": "string", "contentEncoding": "base64"}),
        ("date", {"type": "string", "format": "date"}),
        ("timestamp", {"type": "string", **TS_TZ}),
        ("timestamp_ntz", {"type": "string", **TS_NTZ}),
        ("interval day to second", {"type": "string"}),
        ("map<string,int>", {"type": "object"}),
    ],
)
def test_given_a_scalar_type_when_mapped_then_json_schema_is_exact(databricks_type, expected):
    assert json_schema(databricks_type, nullable=False) == expected


def test_given_a_nullable_column_then_null_is_allowed():
    assert json_schema("bigint") == {"type": ["null", "integer"]}


def test_given_nested_types_then_schema_recurses_with_nullable_members():
    schema = json_schema("array<struct<a:int,`b c`:timestamp>>", nullable=False)
    assert schema == {
        "type": "array",
        "items": {
            "type": ["null", "object"],
            "properties": {
                "a": {"type": ["null", "integer"]},
                "b c": {"type": ["null", "string"], **TS_TZ},
            },
        },
    }


def test_given_variant_then_any_json_value_is_allowed():
    assert json_schema("variant") == {}

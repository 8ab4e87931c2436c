"""Type names both ways: Databricks DDL -> DuckDB -> the Databricks spelling in every output."""

from __future__ import annotations

import pyarrow as pa
import pytest

from local_workspace.engine.arrow_types import databricks_schema
from local_workspace.engine.types import from_duckdb
from unit_tests.local_workspace.engine.conftest import rows


@pytest.mark.parametrize(
    ("duckdb", "data_type", "full"),
    [
        ("TINYINT", "TINYINT", "tinyint"),
        ("SMALLINT", "SMALLINT", "smallint"),
        ("INTEGER", "INT", "int"),
        ("BIGINT", "BIGINT", "bigint"),
        ("FLOAT", "FLOAT", "float"),
        ("DOUBLE", "DOUBLE", "double"),
        ("DECIMAL(38,18)", "DECIMAL", "decimal(38,18)"),
        ("VARCHAR", "STRING", "string"),
        ("BLOB", "BINARY", "binary"),
        ("BOOLEAN", "BOOLEAN", "boolean"),
        ("DATE", "DATE", "date"),
        ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "timestamp"),
        ("TIMESTAMP", "TIMESTAMP_NTZ", "timestamp_ntz"),
        ("INTEGER[]", "ARRAY", "array<int>"),
        ("MAP(VARCHAR, DOUBLE[])", "MAP", "map<string,array<double>>"),
        ('STRUCT(a INTEGER, "b c" VARCHAR)', "STRUCT", "struct<a:int,`b c`:string>"),
        ("HUGEINT", "DECIMAL", "decimal(38,0)"),
    ],
)
def test_duckdb_type_to_databricks(duckdb: str, data_type: str, full: str) -> None:
    mapped = from_duckdb(duckdb)
    assert (mapped.data_type, mapped.full_data_type) == (data_type, full)


def test_decimal_precision_and_scale() -> None:
    mapped = from_duckdb("DECIMAL(10,2)")
    assert (mapped.numeric_precision, mapped.numeric_scale) == (10, 2)


DDL_TYPES = [
    ("TINYINT", "TINYINT", "tinyint"),
    ("SMALLINT", "SMALLINT", "smallint"),
    ("INT", "INT", "int"),
    ("BIGINT", "BIGINT", "bigint"),
    ("FLOAT", "FLOAT", "float"),
    ("DOUBLE", "DOUBLE", "double"),
    ("DECIMAL(38,18)", "DECIMAL", "decimal(38,18)"),
    ("DECIMAL(5,0)", "DECIMAL", "decimal(5,0)"),
    ("STRING", "STRING", "string"),
    ("BINARY", "BINARY", "binary"),
    ("BOOLEAN", "BOOLEAN", "boolean"),
    ("DATE", "DATE", "date"),
    ("TIMESTAMP", "TIMESTAMP", "timestamp"),
    ("TIMESTAMP_NTZ", "TIMESTAMP_NTZ", "timestamp_ntz"),
    ("ARRAY<INT>", "ARRAY", "array<int>"),
    ("MAP<STRING, BIGINT>", "MAP", "map<string,bigint>"),
    ("STRUCT<a: INT, b: STRING>", "STRUCT", "struct<a:int,b:string>"),
]


@pytest.mark.parametrize(("ddl", "data_type", "full"), DDL_TYPES)
def test_databricks_ddl_round_trips_through_information_schema(session, ddl, data_type, full):
    session.execute(f"CREATE TABLE main.default.t (c {ddl})")
    [column] = rows(session, "SELECT data_type, full_data_type FROM information_schema.columns")
    assert column == {"data_type": data_type, "full_data_type": full}


def test_result_arrow_types_are_databricks(session) -> None:
    result = session.execute(
        "SELECT CAST(1 AS TINYINT) a, 1.5D b, CAST(1 AS DECIMAL(38,18)) c, 'x' d, X'00' e,"
        " DATE'2024-01-01' f, TIMESTAMP'2024-01-01 00:00:00' g, TIMESTAMP_NTZ'2024-01-01' h,"
        " array(1, 2) i, CAST(1 AS FLOAT) j"
    )
    assert result.schema.types == [
        pa.int8(), pa.float64(), pa.decimal128(38, 18), pa.string(), pa.binary(), pa.date32(),
        pa.timestamp("us", tz="Etc/UTC"), pa.timestamp("us"), pa.list_(pa.int32()), pa.float32(),
    ]  # fmt: skip


def test_arrow_schema_mapping_normalises_duckdb_exports() -> None:
    schema = pa.schema(
        [("s", pa.string_view()), ("b", pa.large_binary()), ("t", pa.timestamp("ns", "UTC")),
         ("n", pa.timestamp("ms")), ("l", pa.large_list(pa.large_string()))]
    )  # fmt: skip
    assert databricks_schema(schema, "Etc/UTC").types == [
        pa.string(), pa.binary(), pa.timestamp("us", "Etc/UTC"), pa.timestamp("us"),
        pa.list_(pa.string()),
    ]  # fmt: skip

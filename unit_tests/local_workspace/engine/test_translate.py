"""One-line round trips: Databricks SQL in, the DuckDB SQL the engine runs out."""

from __future__ import annotations

import pytest
import sqlglot

from local_workspace.engine.parameters import name_positional_markers
from local_workspace.engine.result import Parameter
from local_workspace.engine.translate import Context, to_duckdb_sql


def duckdb_sql(sql: str, *parameters: Parameter, catalog: str = "main") -> str:
    ctx = Context(catalog, "demo", parameters, lambda cat, view: f"is_{cat}_{view}")
    sql = name_positional_markers(sql)
    return to_duckdb_sql(sqlglot.parse_one(sql, read="databricks"), ctx)


@pytest.mark.parametrize(
    ("databricks", "duckdb"),
    [
        ("SELECT * FROM main.demo.t", 'SELECT * FROM "uc_main".demo.t'),
        ("SELECT * FROM demo.t", 'SELECT * FROM "uc_main".demo.t'),
        ("SELECT * FROM t", "SELECT * FROM t"),
        ("SELECT * FROM sales.demo.t", 'SELECT * FROM "sales".demo.t'),
        ("SELECT * FROM uc_x.s.t", 'SELECT * FROM "uc_uc_x".s.t'),
        ("SELECT * FROM Main.Demo.T", 'SELECT * FROM "uc_main".demo.t'),
        (
            "SELECT `a b`, `x``y` FROM `main`.`de mo`.`t.1`",
            'SELECT "a b", "x`y" FROM "uc_main"."de mo"."t.1"',
        ),
        ("SELECT id FROM range(3)", "SELECT id FROM (SELECT range AS id FROM RANGE(3)) AS range"),
        (
            "SELECT x FROM range(1, 9, 2) AS r(x)",
            "SELECT x FROM (SELECT range AS id FROM RANGE(1, 9, 2)) AS r(x)",
        ),
        ("SELECT current_catalog()", """SELECT 'main' AS "current_catalog()\""""),
        ("SELECT current_schema() = 'demo'", "SELECT 'demo' = 'demo'"),
        (
            "SELECT * FROM information_schema.columns",
            'SELECT * FROM "is_main_columns" AS "columns"',
        ),
        (
            "SELECT * FROM system.information_schema.tables t",
            'SELECT * FROM "is_system_tables" AS t',
        ),
        ("CREATE SCHEMA IF NOT EXISTS main.demo", 'CREATE SCHEMA IF NOT EXISTS "uc_main".demo'),
        ("CREATE SCHEMA s", 'CREATE SCHEMA "uc_main".s'),
        ("DROP TABLE IF EXISTS main.demo.t", 'DROP TABLE IF EXISTS "uc_main".demo.t'),
        (
            "SELECT CAST(x AS TIMESTAMP), CAST(x AS TIMESTAMP_NTZ)",
            "SELECT CAST(x AS TIMESTAMPTZ), CAST(x AS TIMESTAMP)",
        ),
    ],
)
def test_round_trip(databricks: str, duckdb: str) -> None:
    assert duckdb_sql(databricks) == duckdb


@pytest.mark.parametrize(
    ("parameter", "literal"),
    [
        (Parameter(None, "INT", "7"), "CAST('7' AS INT)"),
        (
            Parameter(None, "BIGINT", "-9223372036854775808"),
            "CAST('-9223372036854775808' AS BIGINT)",
        ),
        (Parameter(None, "STRING", "it's"), "'it''s'"),
        (Parameter(None, "BOOLEAN", "True"), "TRUE"),
        (Parameter(None, "BOOLEAN", "False"), "FALSE"),
        (Parameter(None, "DOUBLE", "1.5"), "CAST('1.5' AS DOUBLE)"),
        (
            Parameter(None, "DECIMAL(38,18)", "1.000000000000000001"),
            "CAST('1.000000000000000001' AS DECIMAL(38, 18))",
        ),
        (Parameter(None, "DATE", "2024-02-29"), "CAST('2024-02-29' AS DATE)"),
        (
            Parameter(None, "TIMESTAMP", "2024-01-01 00:00:00.000001+00:00"),
            "CAST('2024-01-01 00:00:00.000001+00:00' AS TIMESTAMPTZ)",
        ),
        (
            Parameter(None, "TIMESTAMP_NTZ", "2024-01-01 00:00:00"),
            "CAST('2024-01-01 00:00:00' AS TIMESTAMP)",
        ),
        (Parameter(None, "VOID", None), "NULL"),
    ],
)
def test_parameter_literals(parameter: Parameter, literal: str) -> None:
    assert duckdb_sql("SELECT ?", parameter) == f"SELECT {literal}"


def test_positional_parameters_bind_in_text_order() -> None:
    params = [Parameter(None, "INT", str(i)) for i in range(3)]
    sql = duckdb_sql("SELECT ? FROM t WHERE a = ? ORDER BY a LIMIT ?", *params)
    expected = "SELECT CAST('0' AS INT) FROM t WHERE a = CAST('1' AS INT) ORDER BY a NULLS FIRST"
    assert sql == f"{expected} LIMIT CAST('2' AS INT)"


def test_question_marks_in_strings_are_not_markers() -> None:
    assert (
        duckdb_sql("SELECT '?', ?", Parameter(None, "INT", "1")) == "SELECT '?', CAST('1' AS INT)"
    )


def test_named_parameters_bind_by_name() -> None:
    params = [Parameter("b", "STRING", "x"), Parameter("a", "INT", "1")]
    assert (
        duckdb_sql("SELECT :a, :b, :a", *params) == "SELECT CAST('1' AS INT), 'x', CAST('1' AS INT)"
    )


def test_pivot_on_a_temp_view_keeps_the_pivot_and_names_columns_like_spark(session) -> None:
    session.execute(
        "CREATE TEMP VIEW s(y, q, v) AS VALUES (2018, 1, 10), (2018, 2, 20), (2019, 1, 30)"
    )
    result = session.execute(
        "SELECT * FROM s PIVOT (sum(v) AS total FOR q IN (1 AS q1, 2 AS q2)) ORDER BY y"
    )
    assert result.schema.names == ["y", "q1", "q2"]
    assert result.reader.read_all().to_pylist() == [
        {"y": 2018, "q1": 10, "q2": 20},
        {"y": 2019, "q1": 30, "q2": None},
    ]

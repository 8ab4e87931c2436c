"""Databricks (ANSI) semantics where DuckDB differs: one-line round trips per function family."""

from __future__ import annotations

import datetime as dt

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT CAST(3.99 AS INT)", 3),
        ("SELECT CAST(-3.99 AS BIGINT)", -3),
        ("SELECT CAST(7 / 2 AS INT)", 3),
        ("SELECT CAST(CAST(2.7 AS DOUBLE) AS SMALLINT)", 2),
        ("SELECT dayofweek(DATE'2024-01-07')", 1),  # Sunday
        ("SELECT dayofweek(DATE'2024-01-13')", 7),  # Saturday
        ("SELECT date_add(DATE'2024-01-01', 3)", dt.date(2024, 1, 4)),
        ("SELECT date_sub(DATE'2024-01-01', 3)", dt.date(2023, 12, 29)),
        ("SELECT format_string('%05d-%s', 42, 'x')", "00042-x"),
        ("SELECT unix_timestamp(TIMESTAMP'2024-01-01 00:00:00')", 1704067200),
        ("SELECT unix_timestamp('2024-01-01 00:00:00')", 1704067200),
        ("SELECT unix_timestamp('01/02/2024', 'MM/dd/yyyy')", 1704153600),
        ("SELECT pmod(-7, 3)", 2),
        ("SELECT pmod(7, -3)", 1),
        ("SELECT INTERVAL '1-2' YEAR TO MONTH", "1-2"),
        ("SELECT INTERVAL '-1-2' YEAR TO MONTH", "-1-2"),
        ("SELECT INTERVAL '3 04:05:06' DAY TO SECOND", "3 04:05:06.000000000"),
        ("SELECT INTERVAL '10:30' HOUR TO MINUTE", "0 10:30:00.000000000"),
        ("SELECT 4 / 2", 2.0),
    ],
)
def test_function_semantics(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


def test_fractional_columns_truncate_when_cast_to_integers(session) -> None:
    session.execute("CREATE SCHEMA main.casts")
    session.execute("USE SCHEMA main.casts")
    session.execute("CREATE TABLE t (d DECIMAL(10, 2), f DOUBLE, r FLOAT, s STRING, i BIGINT)")
    session.execute(
        "INSERT INTO t VALUES (2.70, 2.7, -2.7, '-2', 9223372036854775807), "
        "(-9.99, -0.5, 0.5, ' +7 ', -9223372036854775808)"
    )
    sql = (
        "SELECT CAST(d AS INT) AS d, CAST(f AS BIGINT) AS f, r::SMALLINT AS r, "
        "CAST(s AS TINYINT) AS s, CAST(i AS BIGINT) AS i, try_cast(f AS INT) AS t FROM t"
    )
    assert rows(session, sql) == [
        {"d": 2, "f": 2, "r": -2, "s": -2, "i": 9223372036854775807, "t": 2},
        {"d": -9, "f": 0, "r": 0, "s": 7, "i": -9223372036854775808, "t": 0},
    ]
    session.execute("CREATE VIEW v AS SELECT CAST(f AS INT) AS f FROM t")
    assert [r["f"] for r in rows(session, "SELECT f FROM main.casts.v")] == [2, 0]


@pytest.mark.parametrize("text", ["abc", "123.0", "1e3"])
def test_text_that_is_not_a_whole_number_is_malformed(session, text: str) -> None:
    sql = f"SELECT try_cast(s AS INT) FROM VALUES ('{text}') AS t(s)"
    assert one(session, sql) is None
    with pytest.raises(SqlError) as error:
        session.execute(f"SELECT CAST('{text}' AS INT)").reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == ("CAST_INVALID_INPUT", "22018")
    assert f'The value \'{text}\' of the type "STRING" cannot be cast to "INT"' in str(error.value)


def test_to_timestamp_with_format_is_a_timestamp_in_the_session_zone(session) -> None:
    session.execute("SET TIME ZONE 'America/New_York'")
    result = session.execute("SELECT to_timestamp('2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')")
    assert str(result.schema.types[0]) == "timestamp[us, tz=America/New_York]"
    [value] = result.reader.read_all().column(0).to_pylist()
    assert value.isoformat() == "2024-01-02T03:04:05-05:00"


def test_rewritten_projections_keep_their_names(session) -> None:
    result = session.execute("SELECT CAST(3.99 AS INT), pmod(-7, 3) AS m")
    assert result.schema.names == ["CAST(3.99 AS INT)", "m"]


@pytest.mark.parametrize(
    ("sql", "error_class", "sqlstate"),
    [
        ("SELECT 1 / 0", "DIVIDE_BY_ZERO", "22012"),
        ("SELECT 1.5 / 0", "DIVIDE_BY_ZERO", "22012"),
        ("SELECT id / (id - id) FROM range(3)", "DIVIDE_BY_ZERO", "22012"),
        ("SELECT 5 % 0", "DIVIDE_BY_ZERO", "22012"),
        ("SELECT CAST('abc' AS INT)", "CAST_INVALID_INPUT", "22018"),
        ("SELECT CAST(300 AS TINYINT)", "CAST_OVERFLOW", "22003"),
    ],
)
def test_ansi_errors(session, sql: str, error_class: str, sqlstate: str) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == (error_class, sqlstate)


def test_timestamps_read_as_databricks_writes_them_in_strings(session) -> None:
    session.execute("SET TIME ZONE 'America/New_York'")
    sql = (
        "SELECT CAST(TIMESTAMP'2024-01-01 10:00:00.500' AS STRING) AS a, "
        "'at ' || TIMESTAMP_NTZ'2024-01-01 10:00:00' AS b, "
        "concat_ws('/', 'x', TIMESTAMP'2024-01-01 10:00:00') AS c, "
        "concat(array(1), array(2)) AS d"
    )
    assert rows(session, sql) == [
        {
            "a": "2024-01-01 10:00:00.5",
            "b": "at 2024-01-01 10:00:00",
            "c": "x/2024-01-01 10:00:00",
            "d": [1, 2],
        }
    ]


def test_function_style_casts(session) -> None:
    sql = (
        "SELECT bigint(2.7) AS b, tinyint(-2.9) AS t, decimal('1.5') AS d, long(3) AS l, "
        "typeof(timestamp('2024-01-01 10:00:00')) AS ts, cardinality(array(1, 2)) AS c"
    )
    assert rows(session, sql) == [
        {"b": 2, "t": -2, "d": 2, "l": 3, "ts": "TIMESTAMP WITH TIME ZONE", "c": 2}
    ]


def test_a_date_out_of_range_is_a_field_out_of_bounds(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("SELECT make_date(2024, 2, 30)").reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == (
        "DATETIME_FIELD_OUT_OF_BOUNDS",
        "22023",
    )


def test_a_timestamp_cast_to_double_is_epoch_seconds(session) -> None:
    sql = (
        "SELECT CAST(TIMESTAMP'1970-01-01 00:00:01.5' AS DOUBLE) AS d, "
        "try_cast(s AS DOUBLE) AS t FROM VALUES ('x') AS v(s)"
    )
    assert rows(session, sql) == [{"d": 1.5, "t": None}]


def test_a_date_minus_a_date_is_an_interval_of_days(session) -> None:
    sql = (
        "SELECT d - e AS days, x - y AS n, d - 1 AS earlier "
        "FROM VALUES (DATE'2024-01-10', DATE'2024-01-01', 5, 3) AS t(d, e, x, y)"
    )
    assert rows(session, sql) == [
        {"days": "9 00:00:00.000000000", "n": 2, "earlier": dt.date(2024, 1, 9)}
    ]

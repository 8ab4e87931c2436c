"""Function rules in semantics/translate found by the fidelity suite (Databricks' documented
results)."""

from __future__ import annotations

import datetime as dt

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT transform(array(1, 2, 3), (x, i) -> x + i)", [1, 3, 5]),
        ("SELECT filter(array(0, 2, 3), (x, i) -> x > i)", [2, 3]),
        ("SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)", 60),
        ("SELECT exists(array(1, NULL, 3), x -> x % 2 == 0)", None),
        ("SELECT forall(array(2, 4, 8), x -> x % 2 == 0)", True),
        ("SELECT zip_with(array(1, 2), array(3, 4), (x, y) -> x + y)", [4, 6]),
        ("SELECT array_distinct(array(1, 2, 3, NULL, 3))", [1, 2, 3, None]),
        ("SELECT array_remove(array(1, 2, 3, NULL, 3), 3)", [1, 2, None]),
        ("SELECT array_union(array(1, 2, 3), array(1, 3, 5))", [1, 2, 3, 5]),
        ("SELECT sequence(5, 1)", [5, 4, 3, 2, 1]),
        ("SELECT sequence(1, 10, 3)", [1, 4, 7, 10]),
        (
            "SELECT sequence(DATE'2018-01-01', DATE'2018-01-02')",
            [dt.date(2018, 1, 1), dt.date(2018, 1, 2)],
        ),
        ("SELECT octet_length('ß')", 2),
        ("SELECT m[1] FROM VALUES (map(1, 'Hello', 2, 'World')) AS T(m)", "Hello"),
        ("SELECT a[2] FROM VALUES (array(10, 20, 30)) AS T(a)", 30),
        ("SELECT map_contains_key(map(1, 'a', 2, 'b'), 1)", True),
        ("SELECT timestampdiff(YEAR, DATE'2021-01-01', DATE'1900-03-28')", -120),
        ("SELECT percentile(col, 0.3) FROM VALUES (0), (10) AS tab(col)", 3.0),
        ("SELECT isnull(1)", False),
        ("SELECT json_array_length('[1,2')", None),
        ("SELECT regexp_substr('Mary had a little lamb', 'Ste(v|ph)en')", None),
        ("SELECT bround(2.5, 0)", 2),
        ("SELECT weekday('2009-07-30')", 3),
        ("SELECT hour('2009-07-30 12:58:59')", 12),
        ("SELECT months_between('1996-10-30', '1997-02-28 10:30:00')", -3.94959677),
        ("SELECT next_day(DATE'2015-01-14', 'wednesday')", dt.date(2015, 1, 21)),
        ("SELECT next_day('2015-01-18', 'SU')", dt.date(2015, 1, 25)),
        ("SELECT next_day('2015-01-14', NULL)", None),
        ("SELECT width_bucket(5, 0, 10, 0)", None),
        ("SELECT width_bucket(5, 3, 3, 2)", None),
        ("SELECT width_bucket(10, 0, 10, 5)", 6),
        ("SELECT try_subtract(2147483647, -1)", None),
        ("SELECT try_multiply(3, 2)", 6),
        ("SELECT rint(2.5)", 2.0),
        ("SELECT DATE'2024-03-31' - INTERVAL '1' MONTH", dt.date(2024, 2, 29)),
        ("SELECT DATE'2024-01-31' + INTERVAL '1-1' YEAR TO MONTH", dt.date(2025, 2, 28)),
        ("SELECT months_between(DATE'2024-02-29', DATE'2024-01-31')", 1.0),
        ("SELECT months_between(DATE'2024-03-15', DATE'2024-01-15')", 2.0),
        (
            "SELECT months_between(TIMESTAMP'2024-03-16 12:00:00', DATE'2024-03-15', false)",
            1.5 / 31,
        ),
    ],
)
def test_documented_results(session, sql: str, expected) -> None:
    value = one(session, sql)
    assert (float(value) if isinstance(expected, float) else value) == expected


def test_map_functions_and_json(session) -> None:
    assert one(session, "SELECT map_filter(map(1, 0, 2, 2, 3, -1), (k, v) -> k > v)") == [
        (1, 0),
        (3, -1),
    ]
    got = one(session, """SELECT from_json('{"a":1, "b":0.8}', 'a INT, b DOUBLE')""")
    assert got == {"a": 1, "b": 0.8}


def test_dates_from_strings_and_time_zones(session) -> None:
    assert str(one(session, "SELECT trunc('2009-02-12', 'MM')")) == "2009-02-01"
    assert str(one(session, "SELECT add_months('2016-08-31', 1)")) == "2016-09-30"
    got = one(session, "SELECT from_utc_timestamp('2016-08-31', 'Asia/Seoul')")
    assert got.strftime("%Y-%m-%d %H:%M") == "2016-08-31 09:00"


def test_view_column_list_names_the_columns(session) -> None:
    session.execute("CREATE TEMPORARY VIEW number1(c) AS VALUES (3), (1)")
    assert rows(session, "SELECT c FROM number1 ORDER BY c") == [{"c": 1}, {"c": 3}]


def test_next_day_of_an_unknown_name_is_illegal(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("SELECT next_day('2015-01-14', 'xx')").reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == ("ILLEGAL_DAY_OF_WEEK", "22009")


def test_explode_of_a_map_yields_keys_and_values(session) -> None:
    result = session.execute("SELECT explode(map(1, 'a', 2, 'b'))")
    assert result.schema.names == ["key", "value"]
    assert result.reader.read_all().to_pylist() == [
        {"key": 1, "value": "a"},
        {"key": 2, "value": "b"},
    ]
    sql = "SELECT explode(map_from_arrays(array('x'), array(1))) AS (k, v)"
    assert rows(session, sql) == [{"k": "x", "v": 1}]
    assert rows(session, "SELECT explode(array(1, 2)) AS (n)") == [{"n": 1}, {"n": 2}]


def test_arrays_zip_names_fields_like_spark(session) -> None:
    sql = "SELECT arrays_zip(a, b) AS z FROM VALUES (array(1), array('x', 'y')) AS t(a, b)"
    assert rows(session, sql) == [{"z": [{"a": 1, "b": "x"}, {"a": None, "b": "y"}]}]
    assert one(session, "SELECT arrays_zip(array(1), array(2))") == [{"0": 1, "1": 2}]


def test_inline_expands_struct_fields_into_columns(session) -> None:
    result = session.execute("SELECT inline(array(struct(1, 'a'), struct(2, 'b')))")
    assert result.schema.names == ["col1", "col2"]
    sql = (
        "SELECT x, inline(arr) FROM VALUES (5, array(named_struct('a', 1, 'b', "
        "named_struct('c', 2))), 1), (6, array(named_struct('a', 3, 'b', named_struct('c', 4))), "
        "0) AS t(x, arr, k) WHERE k = 1 ORDER BY a DESC"
    )
    assert rows(session, sql) == [{"x": 5, "a": 1, "b": {"c": 2}}]

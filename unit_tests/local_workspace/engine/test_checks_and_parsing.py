"""assert_true/raise_error, try_to_timestamp/try_to_date, to_char with a datetime pattern, day of
week fields, current_timezone and the aggregates every/try_sum/try_avg."""

from __future__ import annotations

import datetime as dt

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT assert_true(0 < 1)", None),
        ("SELECT CASE WHEN x > 1 THEN raise_error('bad') ELSE x END FROM VALUES (1) AS t(x)", 1),
        ("SELECT try_to_date('foo')", None),
        ("SELECT try_to_date('12/31/2016', 'MM/dd/yyyy')", dt.date(2016, 12, 31)),
        ("SELECT to_char(DATE'2016-04-08', 'yyyy-MM')", "2016-04"),
        ("SELECT to_varchar(DATE'2016-04-08', 'yyyy')", "2016"),
        ("SELECT extract(DOW FROM TIMESTAMP'2019-08-17 10:00:00')", 7),
        ("SELECT extract(DAYOFWEEK_ISO FROM DATE'2019-08-11')", 7),
        ("SELECT every(c) FROM VALUES (true), (false) AS t(c)", False),
        ("SELECT try_sum(c) FROM VALUES (5), (10) AS t(c)", 15),
        ("SELECT try_avg(c) FROM VALUES (5), (10) AS t(c)", 7.5),
        ("SELECT mask('Ab1', NULL)", "Axn"),
    ],
)
def test_documented_semantics(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


def test_current_timezone_is_the_session_zone(session) -> None:
    assert one(session, "SELECT current_timezone()") == "Etc/UTC"
    session.execute("SET TIME ZONE 'America/Los_Angeles'")
    assert one(session, "SELECT current_timezone()") == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("sql", "error_class", "message"),
    [
        ("SELECT assert_true(0 > 1)", "USER_RAISED_EXCEPTION", "'0 > 1' is not true!"),
        ("SELECT assert_true(NULL)", "USER_RAISED_EXCEPTION", "is not true!"),
        ("SELECT raise_error('custom')", "USER_RAISED_EXCEPTION", "custom"),
        ("SELECT to_timestamp('2016-12-32', 'yyyy-MM-dd')", "CANNOT_PARSE_TIMESTAMP", "2016-12-32"),
        ("SELECT to_char(454, '999')", "UNSUPPORTED_FEATURE", "number formats"),
        ("SELECT to_number('78.12', '99.99')", "UNSUPPORTED_FEATURE", "to_number"),
    ],
)
def test_errors(session, sql: str, error_class: str, message: str) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert error.value.error_class == error_class
    assert message in error.value.message


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT kurtosis(c) FROM VALUES (-10), (-20), (100), (1000) AS t(c)", -0.70143680475296),
        ("SELECT skewness(c) FROM VALUES (-1000), (-100), (10), (20) AS t(c)", -1.11356574690220),
        ("SELECT std(c) FROM VALUES (1), (2), (3) AS t(c)", 1.0),
    ],
)
def test_population_moments(session, sql: str, expected: float) -> None:
    assert one(session, sql) == pytest.approx(expected, rel=1e-12)


def test_any_and_some_are_bool_or_but_any_subqueries_stay(session) -> None:
    sql = "SELECT any(c) AS a, some(c) AS s FROM VALUES (false), (true) AS t(c)"
    assert rows(session, sql) == [{"a": True, "s": True}]
    assert one(session, "SELECT 2 = ANY (SELECT 1)") is False


def test_skewness_over_a_window_is_refused_plainly(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("SELECT skewness(c) OVER () FROM VALUES (1), (2), (9) AS t(c)")
    assert error.value.error_class == "UNSUPPORTED_FEATURE"

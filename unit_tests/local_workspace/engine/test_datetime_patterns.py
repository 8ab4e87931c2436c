"""Spark datetime patterns as the engine reads them (quoted text, fractions, refused letters) and
Java-style regexp_replace replacements."""

from __future__ import annotations

import datetime as dt

import pytest

from local_workspace.engine import SqlError
from local_workspace.engine.dialect import LocalDatabricks
from unit_tests.local_workspace.engine.conftest import one


@pytest.mark.parametrize(
    ("pattern", "strftime"),
    [
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "%Y-%mstrict-%dstrictT%Hstrict:%Mstrict:%Sstrict.%g"),
        ("hh 'o''clock' a", "%Istrict o'clock %p"),
        ("100% yyyy", "100%% %Y"),
        ("''", "'"),
    ],
)
def test_patterns(pattern: str, strftime: str) -> None:
    assert LocalDatabricks.strftime(pattern) == strftime


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT date_format(TIMESTAMP'2024-03-05 14:07:09.123', 'HH:mm:ss.SSS')", "14:07:09.123"),
        (
            "SELECT to_timestamp('2024-03-05T14:07:09.5', \"yyyy-MM-dd'T'HH:mm:ss.SSS\")",
            dt.datetime(2024, 3, 5, 14, 7, 9, 500000, tzinfo=dt.UTC),
        ),
        ("SELECT from_unixtime(0, \"yyyy-MM-dd'T'HH:mm\")", "1970-01-01T00:00"),
        ("SELECT regexp_replace('ab', '(a)(b)', '$2$1')", "ba"),
        ("SELECT regexp_replace('a.b', '\\\\.', '\\\\$')", "a$b"),
        (
            "SELECT regexp_replace(s, '(\\\\w+) (\\\\w+)', r) FROM VALUES ('x y', '$2 $1') t(s, r)",
            "y x",
        ),
    ],
)
def test_results(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


@pytest.mark.parametrize(
    ("sql", "error_class"),
    [
        ("SELECT date_format(current_date(), 'QQQQQ')", "INVALID_DATETIME_PATTERN"),
        ("SELECT date_format(current_date(), 'yyyy ww')", "INVALID_DATETIME_PATTERN"),
        ("SELECT date_format(current_date(), 'QQ')", "UNSUPPORTED_FEATURE"),
        ("SELECT regexp_extract_all('a1', '\\\\d+')", "INVALID_PARAMETER_VALUE"),
    ],
)
def test_refused(session, sql: str, error_class: str) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert error.value.error_class.split(".")[0] == error_class

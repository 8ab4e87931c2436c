"""String functions rebuilt from DuckDB templates, against Spark's semantics."""

from __future__ import annotations

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT substring_index('www.apache.org', '.', -2)", "apache.org"),
        ("SELECT substring_index('www.apache.org', '.', 0)", ""),
        ("SELECT substring_index('www.apache.org', '.', 9)", "www.apache.org"),
        ("SELECT substring_index(NULL, '.', 1)", None),
        ("SELECT find_in_set('x', 'a,b')", 0),
        ("SELECT find_in_set('a,b', 'a,b')", 0),
        ("SELECT find_in_set(NULL, 'a')", None),
        ("SELECT format_number(-1234567.891, 0)", "-1,234,568"),
        ("SELECT format_number(5, 2)", "5.00"),
        ("SELECT format_number(123, 0)", "123"),
        ("SELECT format_number(1234.5, -1)", None),
        ("SELECT split('a1b22c', '[0-9]+', 2)", ["a", "b22c"]),
        ("SELECT split('abc', ',', 5)", ["abc"]),
        ("SELECT str_to_map('a=1;b', ';', '=')", [("a", "1"), ("b", None)]),
        ("SELECT parse_url('http://u:p@h.com:80/a/b?x=1&y=2#frag', 'HOST')", "h.com"),
        ("SELECT parse_url('http://u:p@h.com:80/a/b?x=1&y=2#frag', 'USERINFO')", "u:p"),
        ("SELECT parse_url('http://u:p@h.com:80/a/b?x=1&y=2#frag', 'FILE')", "/a/b?x=1&y=2"),
        ("SELECT parse_url('http://u:p@h.com:80/a/b?x=1&y=2#frag', 'REF')", "frag"),
        ("SELECT parse_url('http://u:p@h.com:80/a/b?x=1&y=2#frag', 'QUERY', 'y')", "2"),
        ("SELECT parse_url('http://h.com', 'QUERY', 'x')", None),
        ("SELECT parse_url('http://h.com', 'NOPE')", None),
        ("SELECT parse_url('mailto:a@b.c', 'PATH')", None),
        ("SELECT size(map('a', 1, 'b', 2))", 2),
        ("SELECT reverse(array(2, 1, 4, 3))", [3, 4, 1, 2]),
        ("SELECT reverse('abc')", "cba"),
        ("SELECT soundex('Ashcraft')", "A261"),
        ("SELECT soundex('Pfister')", "P236"),
        ("SELECT soundex('Tymczak')", "T522"),
        ("SELECT soundex('1abc')", "1abc"),
        ("SELECT soundex('a')", "A000"),
        ("SELECT crc32('')", 0),
        ("SELECT conv(-10, 16, -10)", "-16"),
        ("SELECT conv('-10', 16, 10)", "18446744073709551600"),
        ("SELECT conv('12z', 10, 16)", "C"),
        ("SELECT conv('1', 1, 10)", None),
        ("SELECT conv('5', -10, 10)", None),
        ("SELECT conv('18446744073709551615', 10, 16)", "FFFFFFFFFFFFFFFF"),
        ("SELECT crc32(CAST('Spark' AS BINARY))", 1557323817),
        ("SELECT crc32(x) FROM VALUES ('ä€') AS t(x)", 3593337472),
    ],
)
def test_documented_semantics(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


@pytest.mark.parametrize(
    ("sql", "error_class"),
    [
        ("SELECT parse_url('http://h.com/%zz', 'PATH')", "CANNOT_DECODE_URL"),
        ("SELECT str_to_map('a:1,a:2')", "DUPLICATED_MAP_KEY"),
        ("SELECT conv('18446744073709551616', 10, 16)", "ARITHMETIC_OVERFLOW"),
        ("SELECT format_number(1.5, '#.#')", "UNSUPPORTED_FEATURE"),
    ],
)
def test_errors(session, sql: str, error_class: str) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert error.value.error_class == error_class


def test_json_tuple_projects_one_column_per_key(session) -> None:
    result = session.execute(
        """SELECT 1 AS n, json_tuple('{"a":1, "b":{"c":[1]}}', 'a', 'b', 'z') AS (x, y)"""
    )
    assert result.schema.names == ["n", "x", "y", "c2"]
    assert result.reader.read_all().to_pylist() == [
        {"n": 1, "x": "1", "y": '{"c":[1]}', "c2": None}
    ]
    assert one(session, "SELECT json_tuple('not json', 'a')") is None


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        ('[{"col":0}]', "ARRAY<STRUCT<col: BIGINT>>"),
        (
            '{"b": [1, 2.5], "a": {"x": null}, "c": []}',
            "STRUCT<a: STRUCT<x: STRING>, b: ARRAY<DOUBLE>, c: ARRAY<STRING>>",
        ),
        ('[1, "a"]', "ARRAY<STRING>"),
        ('{"d e": 1}', "STRUCT<`d e`: BIGINT>"),
    ],
)
def test_schema_of_json(session, document: str, schema: str) -> None:
    assert one(session, f"SELECT schema_of_json('{document}')") == schema


def test_schema_of_json_of_a_column_is_refused_plainly(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("SELECT schema_of_json(x) FROM VALUES ('{}') AS t(x)")
    assert error.value.error_class == "UNSUPPORTED_FEATURE"

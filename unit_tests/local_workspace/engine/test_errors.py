"""Failures surface as SqlError with Databricks' error classes and display messages."""

from __future__ import annotations

import re

import pytest

from local_workspace.engine import Parameter, SqlError
from local_workspace.engine.error_map import to_sql_error


@pytest.fixture
def table(session):
    session.execute("CREATE TABLE main.default.t (id INT NOT NULL, name STRING)")
    return session


@pytest.mark.parametrize(
    ("sql", "error_class", "sqlstate"),
    [
        ("SELECT * FROM nope", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        ("SELECT * FROM main.nope.t", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        ("SELECT * FROM nope.default.t", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),  # as Databricks
        ("SELECT * FROM nope.information_schema.tables", "NO_SUCH_CATALOG_EXCEPTION", "42704"),
        ("SELECT * FROM information_schema.nope", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        ("SELECT nope FROM t", "UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703"),
        ("SELEC 1", "PARSE_SYNTAX_ERROR", "42601"),
        ("SELECT (1", "PARSE_SYNTAX_ERROR", "42601"),
        ("USE CATALOG nope", "NO_SUCH_CATALOG_EXCEPTION", "42704"),
        ("USE SCHEMA nope", "SCHEMA_NOT_FOUND", "42704"),
        ("CREATE SCHEMA nope.s", "NO_SUCH_CATALOG_EXCEPTION", "42704"),
        ("CREATE SCHEMA main.default", "SCHEMA_ALREADY_EXISTS", "42P06"),
        ("CREATE TABLE t (x INT)", "TABLE_OR_VIEW_ALREADY_EXISTS", "42P07"),
        ("CREATE CATALOG main", "CATALOG_ALREADY_EXISTS", "42P04"),
        ("DROP TABLE nope", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        ("SELECT CAST('x' AS INT)", "CAST_INVALID_INPUT", "22018"),
        ("SELECT nope_function(1)", "UNRESOLVED_ROUTINE", "42883"),
        ("INSERT INTO t VALUES (NULL, 'x')", "DELTA_NOT_NULL_CONSTRAINT_VIOLATED", "23502"),
        ("SET TIME ZONE 'Mars/Olympus'", "INVALID_CONF_VALUE.TIME_ZONE", "22022"),
        ("SELECT ?", "UNBOUND_SQL_PARAMETER", "42P02"),
    ],
)
def test_error_classes(table, sql: str, error_class: str, sqlstate: str) -> None:
    with pytest.raises(SqlError) as raised:
        table.execute(sql)
    assert (raised.value.error_class, raised.value.sqlstate) == (error_class, sqlstate)
    assert re.fullmatch(r"\[[A-Z_.]+\] .+ SQLSTATE: \w{5}", raised.value.display_message, re.S)


def test_messages_use_databricks_catalog_names(table) -> None:
    with pytest.raises(SqlError) as raised:
        table.execute("SELECT * FROM main.default.nope")
    assert "uc_main" not in raised.value.message


def test_messages_carry_no_duckdb_context_lines(table) -> None:
    with pytest.raises(SqlError) as raised:
        table.execute("SELECT CAST('x' AS INT)")
    assert "LINE 1" not in raised.value.message


def test_unknown_failures_are_internal_errors() -> None:
    error = to_sql_error(RuntimeError("boom"))
    assert error.display_message == "[INTERNAL_ERROR] boom SQLSTATE: XX000"


def test_missing_named_parameter(session) -> None:
    with pytest.raises(SqlError) as raised:
        session.execute("SELECT :a", [Parameter("b", "INT", "1")])
    assert ":a" in raised.value.message

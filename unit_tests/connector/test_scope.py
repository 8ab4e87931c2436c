from __future__ import annotations

import pytest

from source_databricks.tables.scope import Scope


@pytest.mark.parametrize(
    ("scope", "schema", "table", "expected"),
    [
        (Scope(), "demo", "events", True),
        (Scope(), "information_schema", "tables", False),
        (Scope(include_schemas=("sales_*",)), "sales_eu", "orders", True),
        (Scope(include_schemas=("sales_*",)), "marketing", "orders", False),
        (Scope(exclude_schemas=("tmp*",)), "tmp_1", "orders", False),
        (Scope(include_schemas=("s*",), exclude_schemas=("staging",)), "staging", "x", False),
        (Scope(include_tables=("events_??",)), "demo", "events_01", True),
        (Scope(include_tables=("events_??",)), "demo", "events_001", False),
        (Scope(include_tables=("raw.*",)), "raw", "anything", True),
        (Scope(include_tables=("raw.*",)), "clean", "anything", False),
        (Scope(exclude_tables=("demo.events",)), "demo", "events", False),
        (Scope(exclude_tables=("demo.events",)), "other", "events", True),
        (Scope(include_tables=("Events",)), "demo", "events", False),  # case-sensitive
    ],
)
def test_given_patterns_then_tables_are_in_or_out_of_scope(scope, schema, table, expected):
    assert scope.has_table(schema, table) is expected


def test_given_plain_schema_names_then_they_can_be_pushed_into_the_query():
    assert Scope(include_schemas=("a", "b")).exact_schemas() == ("a", "b")
    assert Scope(include_schemas=("a", "b*")).exact_schemas() == ()


def test_given_catalogs_and_schemas_then_the_filter_binds_them_in_marker_order():
    from sqlglot import exp

    condition, parameters = Scope(catalogs=("main", "dev"), include_schemas=("demo",)).where(
        exp.column("table_catalog"), exp.column("table_schema")
    )
    text = condition.sql("databricks")
    assert text.count("?") == 3
    assert parameters == ["main", "dev", "demo"]
    assert "information_schema" in text and "system" in text

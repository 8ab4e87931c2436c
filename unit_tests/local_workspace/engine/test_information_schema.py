"""Unity Catalog information_schema: shapes, values, ordinal positions, keys."""

from __future__ import annotations

import time

import pytest

from local_workspace.engine.information_schema_shapes import SHAPES
from unit_tests.local_workspace.engine.conftest import rows

DDL = [
    "CREATE SCHEMA main.demo",
    "CREATE TABLE main.demo.customers (customer_id INT NOT NULL COMMENT 'the key',"
    " name STRING, CONSTRAINT customers_pk PRIMARY KEY (customer_id)) COMMENT 'people'",
    "CREATE TABLE main.demo.items (order_id BIGINT NOT NULL, line_no INT NOT NULL,"
    " d DECIMAL(38,18), CONSTRAINT items_pk PRIMARY KEY (order_id, line_no))",
    "CREATE VIEW main.demo.v AS SELECT customer_id FROM main.demo.customers",
]


@pytest.fixture
def demo(session):
    for statement in DDL:
        session.execute(statement)
    return session


@pytest.mark.parametrize("view", sorted(SHAPES))
@pytest.mark.parametrize("catalog", ["main", "system"])
def test_every_view_has_databricks_columns(demo, catalog: str, view: str) -> None:
    result = demo.execute(f"SELECT * FROM {catalog}.information_schema.{view}")
    assert result.schema.names == SHAPES[view].names


def test_columns_of_all_tables_in_one_query(demo) -> None:
    got = rows(
        demo,
        "SELECT table_name, column_name, ordinal_position, is_nullable, data_type,"
        " full_data_type, numeric_precision, numeric_scale, comment"
        " FROM main.information_schema.columns WHERE table_schema = 'demo'"
        " ORDER BY table_name, ordinal_position",
    )
    assert [tuple(r.values()) for r in got] == [
        ("customers", "customer_id", 1, "NO", "INT", "int", 32, 0, "the key"),
        ("customers", "name", 2, "YES", "STRING", "string", None, None, None),
        ("items", "order_id", 1, "NO", "BIGINT", "bigint", 64, 0, None),
        ("items", "line_no", 2, "NO", "INT", "int", 32, 0, None),
        ("items", "d", 3, "YES", "DECIMAL", "decimal(38,18)", 38, 18, None),
        ("v", "customer_id", 1, "YES", "INT", "int", 32, 0, None),
    ]


def test_tables_types_and_comments(demo) -> None:
    got = rows(
        demo,
        "SELECT table_catalog, table_schema, table_name, table_type, comment"
        " FROM information_schema.tables WHERE table_schema = 'demo' ORDER BY table_name",
    )
    assert [tuple(r.values()) for r in got] == [
        ("main", "demo", "customers", "MANAGED", "people"),
        ("main", "demo", "items", "MANAGED", None),
        ("main", "demo", "v", "VIEW", None),
    ]


def test_schemata_hide_duckdb_internals(demo) -> None:
    got = rows(demo, "SELECT catalog_name, schema_name FROM main.information_schema.schemata")
    assert sorted(r["schema_name"] for r in got) == ["default", "demo", "information_schema"]
    assert {r["catalog_name"] for r in got} == {"main"}


def test_primary_keys(demo) -> None:
    constraints = rows(
        demo,
        "SELECT constraint_name, table_name, constraint_type, enforced"
        " FROM main.information_schema.table_constraints ORDER BY constraint_name",
    )
    assert [tuple(r.values()) for r in constraints] == [
        ("customers_pk", "customers", "PRIMARY KEY", "NO"),
        ("items_pk", "items", "PRIMARY KEY", "NO"),
    ]
    keys = rows(
        demo,
        "SELECT table_name, column_name, ordinal_position FROM system.information_schema"
        ".key_column_usage ORDER BY table_name, ordinal_position",
    )
    assert [tuple(r.values()) for r in keys] == [
        ("customers", "customer_id", 1),
        ("items", "order_id", 1),
        ("items", "line_no", 2),
    ]


def test_primary_keys_are_not_enforced(demo) -> None:
    demo.execute("INSERT INTO main.demo.customers VALUES (1, 'a'), (1, 'b')")
    assert len(rows(demo, "SELECT * FROM main.demo.customers")) == 2


def test_replace_and_drop_update_constraints(demo) -> None:
    demo.execute("CREATE OR REPLACE TABLE main.demo.customers (customer_id INT, x INT)")
    demo.execute("DROP TABLE main.demo.items")
    assert rows(demo, "SELECT * FROM main.information_schema.table_constraints") == []


def test_column_level_primary_key(session) -> None:
    session.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v STRING)")
    got = rows(
        session, "SELECT constraint_name, column_name FROM information_schema.key_column_usage"
    )
    assert got == [{"constraint_name": "t_pk", "column_name": "id"}]


def test_names_with_spaces_dots_and_unicode(session) -> None:
    session.execute("CREATE SCHEMA `s p.ä`")
    session.execute("CREATE TABLE `s p.ä`.`t``1 ü` (`col.1 ✓` INT)")
    got = rows(
        session, "SELECT table_schema, table_name, column_name FROM information_schema.columns"
    )
    assert got == [{"table_schema": "s p.ä", "table_name": "t`1 ü", "column_name": "col.1 ✓"}]
    session.execute("INSERT INTO `s p.ä`.`t``1 ü` VALUES (7)")
    assert rows(session, "SELECT `col.1 ✓` FROM `s p.ä`.`t``1 ü`") == [{"col.1 ✓": 7}]


def test_catalogs_are_kept_apart(demo) -> None:
    demo.execute("CREATE CATALOG other")
    demo.execute("CREATE TABLE other.default.t (x INT)")
    main = rows(demo, "SELECT DISTINCT table_catalog FROM main.information_schema.columns")
    assert main == [{"table_catalog": "main"}]
    everything = rows(
        demo, "SELECT DISTINCT table_catalog c FROM system.information_schema.columns"
    )
    assert sorted(r["c"] for r in everything) == ["main", "other"]


def test_discovery_query_over_many_tables_is_fast(session) -> None:
    for i in range(500):
        session.execute(f"CREATE TABLE t{i} (a INT, b STRING, c DECIMAL(10,2), d TIMESTAMP)")
    started = time.monotonic()
    got = rows(session, "SELECT table_name, column_name FROM main.information_schema.columns")
    assert len(got) == 2000
    assert time.monotonic() - started < 2.0


def test_discovery_of_5000_tables_in_one_query(engine, session) -> None:
    # Set-up straight on DuckDB in one transaction (5,000 engine DDL statements would each
    # commit to disk); the discovery query itself goes through the engine.
    setup = engine.connection.cursor()
    setup.execute('CREATE SCHEMA "uc_main".wide')
    setup.execute("BEGIN TRANSACTION")
    for i in range(5000):
        setup.execute(
            f'CREATE TABLE "uc_main".wide.t{i} (id BIGINT NOT NULL, name VARCHAR,'
            " amount DECIMAL(18,2), updated_at TIMESTAMPTZ, payload VARCHAR)"
        )
    setup.execute("COMMIT")
    setup.close()
    started = time.monotonic()
    result = session.execute(
        "SELECT table_schema, table_name, column_name, ordinal_position, data_type,"
        " full_data_type, is_nullable FROM main.information_schema.columns"
        " WHERE table_schema = 'wide'"
    )
    count = sum(batch.num_rows for batch in result.reader)
    seconds = time.monotonic() - started
    assert count == 25_000
    assert seconds < 10, f"discovery took {seconds:.1f}s"

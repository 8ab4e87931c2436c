"""SHOW / DESCRIBE / ALTER / temp views in Databricks' output layouts."""

from __future__ import annotations

import pyarrow as pa
import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.fixture
def demo(session):
    session.execute("CREATE SCHEMA main.demo")
    session.execute(
        "CREATE TABLE main.demo.orders (id BIGINT NOT NULL COMMENT 'key', amount DECIMAL(10,2),"
        " tags ARRAY<STRING>, at TIMESTAMP) COMMENT 'Orders' TBLPROPERTIES ('owner.team' = 'x')"
    )
    session.execute("CREATE VIEW main.demo.big AS SELECT * FROM main.demo.orders WHERE amount > 1")
    return session


def test_show_catalogs_schemas_tables(demo) -> None:
    demo.execute("CREATE CATALOG other")
    assert rows(demo, "SHOW CATALOGS LIKE 'ma*|oth*'") == [
        {"catalog": "main"},
        {"catalog": "other"},
    ]
    assert {"databaseName": "demo"} in rows(demo, "SHOW SCHEMAS IN main")
    assert rows(demo, "SHOW TABLES IN main.demo") == [
        {"database": "demo", "tableName": "big", "isTemporary": False},
        {"database": "demo", "tableName": "orders", "isTemporary": False},
    ]
    assert rows(demo, "SHOW TABLES IN demo LIKE 'ord*'")[0]["tableName"] == "orders"


def test_show_views_and_columns(demo) -> None:
    assert rows(demo, "SHOW VIEWS IN main.demo") == [
        {"namespace": "demo", "viewName": "big", "isTemporary": False, "isMaterialized": False}
    ]
    got = rows(demo, "SHOW COLUMNS IN main.demo.orders")
    assert [r["col_name"] for r in got] == ["id", "amount", "tags", "at"]


def test_describe_table_uses_databricks_type_names(demo) -> None:
    assert rows(demo, "DESCRIBE TABLE main.demo.orders") == [
        {"col_name": "id", "data_type": "bigint", "comment": "key"},
        {"col_name": "amount", "data_type": "decimal(10,2)", "comment": None},
        {"col_name": "tags", "data_type": "array<string>", "comment": None},
        {"col_name": "at", "data_type": "timestamp", "comment": None},
    ]


def test_describe_extended_and_detail(demo) -> None:
    got = {r["col_name"]: r["data_type"] for r in rows(demo, "DESCRIBE EXTENDED demo.orders")}
    assert got["Type"] == "MANAGED" and got["Provider"] == "delta"
    assert got["Comment"] == "Orders" and got["Table Properties"] == "[owner.team=x]"
    [detail] = rows(demo, "DESCRIBE DETAIL main.demo.orders")
    assert detail["format"] == "delta" and detail["name"] == "main.demo.orders"
    assert detail["properties"] == [("owner.team", "x")]


def test_show_tblproperties_and_alter(demo) -> None:
    demo.execute(
        "ALTER TABLE main.demo.orders SET TBLPROPERTIES (delta.enableChangeDataFeed = true)"
    )
    props = {r["key"]: r["value"] for r in rows(demo, "SHOW TBLPROPERTIES main.demo.orders")}
    assert props["delta.enableChangeDataFeed"] == "true" and props["owner.team"] == "x"
    demo.execute("ALTER TABLE main.demo.orders UNSET TBLPROPERTIES ('owner.team')")
    props = {r["key"]: r["value"] for r in rows(demo, "SHOW TBLPROPERTIES main.demo.orders")}
    assert "owner.team" not in props


def test_show_create_table(demo) -> None:
    text = one(demo, "SHOW CREATE TABLE main.demo.orders")
    assert text.startswith("CREATE TABLE main.demo.orders (\n  id BIGINT NOT NULL COMMENT 'key'")
    assert "USING delta" in text and "'owner.team' = 'x'" in text


def test_alter_add_constraint_is_recorded(demo) -> None:
    demo.execute("ALTER TABLE main.demo.orders ADD CONSTRAINT orders_pk PRIMARY KEY (id)")
    got = rows(demo, "SELECT constraint_name FROM main.information_schema.table_constraints")
    assert got == [{"constraint_name": "orders_pk"}]


def test_identifier_clause(demo) -> None:
    demo.execute("INSERT INTO main.demo.orders VALUES (1, 2.50, array('a'), NULL)")
    assert one(demo, "SELECT count(*) FROM IDENTIFIER('main.demo.orders')") == 1


def test_temp_views_persist_across_statements(session) -> None:
    session.execute("CREATE TEMP VIEW nums AS SELECT id FROM range(5)")
    assert one(session, "SELECT sum(id) FROM nums") == 10
    session.execute("CREATE OR REPLACE TEMPORARY VIEW nums AS SELECT id FROM range(3)")
    assert one(session, "SELECT count(*) FROM nums") == 3
    session.execute("CREATE TABLE t AS SELECT * FROM nums")
    assert one(session, "SELECT count(*) FROM t") == 3
    assert {"database": "", "tableName": "nums", "isTemporary": True} in rows(
        session, "SHOW TABLES"
    )
    session.execute("DROP VIEW nums")
    with pytest.raises(SqlError) as error:
        session.execute("SELECT * FROM nums")
    assert error.value.error_class == "TABLE_OR_VIEW_NOT_FOUND"


def test_temp_views_belong_to_their_session(engine, session) -> None:
    session.execute("CREATE TEMP VIEW mine AS SELECT 1 AS x")
    other = engine.open_session()
    with pytest.raises(SqlError):
        other.execute("SELECT * FROM mine")


def test_temp_view_body_keeps_its_namespace(session) -> None:
    session.execute("CREATE SCHEMA s1")
    session.execute("CREATE TABLE s1.t AS SELECT 7 AS x")
    session.execute("USE s1")
    session.execute("CREATE TEMP VIEW v AS SELECT x FROM t")
    session.execute("USE default")
    assert one(session, "SELECT x FROM v") == 7


def test_arrow_temp_view_for_python_contexts(session) -> None:
    session.create_temp_view("df", pa.table({"a": [1, 2, 3]}))
    assert one(session, "SELECT sum(a) FROM df") == 6


def test_insert_overwrite_and_merge_with_qualified_targets(session) -> None:
    session.execute("CREATE TABLE t (id INT, v STRING)")
    session.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    session.execute("INSERT OVERWRITE TABLE t VALUES (3, 'c')")
    assert rows(session, "SELECT * FROM t") == [{"id": 3, "v": "c"}]
    session.execute(
        "MERGE INTO t AS x USING (SELECT 3 AS id, 'cc' AS v) s ON x.id = s.id"
        " WHEN MATCHED THEN UPDATE SET x.v = s.v"
    )
    assert rows(session, "SELECT * FROM t") == [{"id": 3, "v": "cc"}]


def test_unsupported_statements_say_so(session) -> None:
    for sql in ("SHOW FUNCTIONS", "DROP CATALOG main", "DESCRIBE FUNCTION abs"):
        with pytest.raises(SqlError) as error:
            session.execute(sql)
        assert error.value.error_class == "UNSUPPORTED_FEATURE", sql


def test_closing_a_session_drops_its_temp_views(engine) -> None:
    session = engine.open_session()
    session.create_temp_view("df", pa.table({"a": [1]}))
    session.close()
    assert session.temp_views == {}


def test_writes_from_many_sessions_get_distinct_versions(engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    setup = engine.open_session()
    setup.execute("CREATE TABLE t (id INT)")

    def write(i: int) -> None:
        session = engine.open_session()
        try:
            session.execute(f"INSERT INTO t VALUES ({i})")
        finally:
            session.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(16)))
    versions = [r["version"] for r in rows(setup, "DESCRIBE HISTORY t")]
    assert versions == list(range(16, -1, -1))
    assert one(setup, "SELECT count(*) FROM t VERSION AS OF 8") == 8

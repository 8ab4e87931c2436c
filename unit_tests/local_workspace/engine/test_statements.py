"""Statement families the v0 engine supports, end to end through a session."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize(
    ("use", "namespace"),
    [
        ("USE demo", ("main", "demo")),
        ("USE SCHEMA demo", ("main", "demo")),
        ("USE DATABASE demo", ("main", "demo")),
        ("USE main.demo", ("main", "demo")),
        ("USE SCHEMA other.s", ("other", "s")),
        ("USE CATALOG other", ("other", "default")),
        ("USE CATALOG 'other'", ("other", "default")),
    ],
)
def test_use(session, use: str, namespace: tuple[str, str]) -> None:
    session.execute("CREATE SCHEMA main.demo")
    session.execute("CREATE CATALOG other")
    session.execute("CREATE SCHEMA other.s")
    session.execute(use)
    got = rows(session, "SELECT current_catalog() c, current_schema() s")
    assert got == [{"c": namespace[0], "s": namespace[1]}]


def test_unqualified_names_follow_use(session) -> None:
    session.execute("CREATE SCHEMA main.demo")
    session.execute("USE main.demo")
    session.execute("CREATE TABLE t (x INT)")
    session.execute("INSERT INTO t VALUES (1)")
    assert one(session, "SELECT x FROM main.demo.t") == 1
    assert one(session, "SELECT count(*) FROM demo.t") == 1


def test_create_or_replace_and_if_not_exists(session) -> None:
    session.execute("CREATE TABLE t (x INT, CONSTRAINT t_key PRIMARY KEY (x))")
    session.execute("CREATE TABLE IF NOT EXISTS t (y INT)")
    assert rows(session, "SELECT constraint_name FROM information_schema.table_constraints") == [
        {"constraint_name": "t_key"}
    ]
    session.execute("CREATE OR REPLACE TABLE t (y STRING)")
    assert rows(session, "SELECT column_name FROM information_schema.columns") == [
        {"column_name": "y"}
    ]


def test_insert_select_from_range_and_ctas(session) -> None:
    session.execute("CREATE TABLE t (id BIGINT, half DOUBLE)")
    session.execute("INSERT INTO t SELECT id, id / 2 FROM range(10)")
    session.execute("CREATE TABLE u AS SELECT * FROM t WHERE id >= 5")
    assert one(session, "SELECT sum(id) FROM u") == 35


def test_where_order_by_limit(session) -> None:
    got = rows(session, "SELECT id FROM range(100) WHERE id % 7 = 0 ORDER BY id DESC LIMIT 3")
    assert got == [{"id": 98}, {"id": 91}, {"id": 84}]


def test_range_with_start_end_step(session) -> None:
    assert rows(session, "SELECT id FROM range(2, 8, 3)") == [{"id": 2}, {"id": 5}]


def test_drop_schema_cascade(session) -> None:
    session.execute("CREATE SCHEMA s")
    session.execute("CREATE TABLE s.t (id INT, CONSTRAINT pk PRIMARY KEY (id))")
    session.execute("DROP SCHEMA s CASCADE")
    assert rows(session, "SELECT * FROM information_schema.table_constraints") == []
    got = rows(session, "SELECT schema_name FROM information_schema.schemata")
    assert "s" not in [r["schema_name"] for r in got]


def test_set_returns_key_and_value(session) -> None:
    assert rows(session, "SET spark.sql.ansi.enabled = true") == [
        {"key": "spark.sql.ansi.enabled", "value": "true"}
    ]


def test_several_statements_return_the_last_result(session) -> None:
    assert rows(session, "CREATE TABLE t (x INT); INSERT INTO t VALUES (3); SELECT x FROM t") == [
        {"x": 3}
    ]


def test_comments_are_kept(session) -> None:
    session.execute("CREATE TABLE t (x INT COMMENT 'it\\'s x') COMMENT 'a table'")
    assert one(session, "SELECT comment FROM information_schema.tables") == "a table"
    assert one(session, "SELECT comment FROM information_schema.columns") == "it's x"


def test_sessions_have_their_own_namespace(engine) -> None:
    first, second = engine.open_session(), engine.open_session()
    first.execute("CREATE SCHEMA s")
    first.execute("USE s")
    assert one(second, "SELECT current_schema()") == "default"


def test_sessions_work_from_several_threads(engine) -> None:
    def work(index: int) -> int:
        session = engine.open_session()
        session.execute(f"CREATE TABLE t{index} AS SELECT id FROM range({index * 1000})")
        session.execute(f"INSERT INTO t{index} SELECT id FROM range(10)")
        return one(session, f"SELECT count(*) FROM t{index}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(work, range(1, 9)))
    assert counts == [i * 1000 + 10 for i in range(1, 9)]

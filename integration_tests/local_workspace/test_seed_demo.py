"""seed-demo into a fresh data dir, in process and through a running server; values exact."""

from __future__ import annotations

import time

import pytest
from databricks import sql

from integration_tests.local_workspace_process import running_workspace
from local_workspace import demo_data as d
from local_workspace import seed_demo
from local_workspace.engine import Engine

EVENT_SAMPLE = (0, 1, 99, 100, 123_457, d.EVENTS_ROWS - 1)


def _columns(columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [name for name, _ in columns]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("seed") / "ws"
    started = time.monotonic()
    seed_demo.main(data_dir)
    seconds = time.monotonic() - started
    engine = Engine(data_dir)
    try:
        yield engine.open_session(), seconds
    finally:
        engine.close()


def _rows(session, statement: str) -> list[dict]:
    return session.execute(statement).reader.read_all().to_pylist()


def test_seed_is_fast(seeded) -> None:
    _, seconds = seeded
    assert seconds < 20


def test_all_types_values_are_exact(seeded) -> None:
    session, _ = seeded
    got = _rows(session, "SELECT * FROM main.demo.all_types ORDER BY id")
    assert got == list(d.ALL_TYPES_ROWS)
    # Equal is not enough for floats and decimals: the exact Python types must come back too.
    for row, expected in zip(got, d.ALL_TYPES_ROWS, strict=True):
        assert {k: type(v) for k, v in row.items()} == {k: type(v) for k, v in expected.items()}


def test_tables_with_primary_keys(seeded) -> None:
    session, _ = seeded
    assert _rows(session, "SELECT * FROM main.demo.customers ORDER BY 1") == list(d.CUSTOMERS_ROWS)
    assert _rows(session, "SELECT * FROM main.demo.order_items ORDER BY 1, 2") == list(
        d.ORDER_ITEMS_ROWS
    )
    keys = _rows(
        session,
        "SELECT table_name, column_name, ordinal_position FROM main.information_schema"
        ".key_column_usage WHERE table_schema = 'demo' ORDER BY table_name, ordinal_position",
    )
    assert [tuple(k.values()) for k in keys] == [
        ("customers", "customer_id", 1),
        ("events", "event_id", 1),
        ("order_items", "order_id", 1),
        ("order_items", "line_no", 2),
    ]


def test_information_schema_types(seeded) -> None:
    session, _ = seeded
    got = _rows(
        session,
        "SELECT column_name, data_type FROM main.information_schema.columns"
        " WHERE table_name = 'all_types' ORDER BY ordinal_position",
    )
    declared = [(name, kind.split("(")[0]) for name, kind in d.ALL_TYPES_COLUMNS]
    assert [(r["column_name"], r["data_type"]) for r in got] == declared


def test_events_are_generated_deterministically(seeded) -> None:
    session, _ = seeded
    [stats] = _rows(
        session,
        "SELECT count(*) n, count(DISTINCT updated_at) stamps, count(DISTINCT event_id) ids"
        " FROM main.demo.events",
    )
    assert stats == {
        "n": d.EVENTS_ROWS,
        "stamps": d.EVENTS_ROWS // d.EVENTS_ROWS_PER_TIMESTAMP,
        "ids": d.EVENTS_ROWS,
    }
    ids = ", ".join(str(i) for i in EVENT_SAMPLE)
    sample = _rows(session, f"SELECT * FROM main.demo.events WHERE event_id IN ({ids}) ORDER BY 1")
    assert sample == [d.expected_event(i) for i in EVENT_SAMPLE]


def test_seed_is_idempotent(tmp_path) -> None:
    seed_demo.main(tmp_path)
    seed_demo.main(tmp_path)
    engine = Engine(tmp_path)
    try:
        session = engine.open_session()
        assert _rows(session, "SELECT count(*) n FROM main.demo.customers") == [
            {"n": len(d.CUSTOMERS_ROWS)}
        ]
    finally:
        engine.close()


def test_seed_through_a_running_server(tmp_path) -> None:
    with running_workspace(tmp_path / "ws") as workspace:
        seed_demo.main(workspace.data_dir)
        connection = sql.connect(**workspace.sql_connect_kwargs())
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT * FROM main.demo.all_types ORDER BY id")
            table = cursor.fetchall_arrow()
            cursor.execute("SELECT count(*) FROM main.demo.events")
            [(events,)] = cursor.fetchall()
    assert table.to_pylist() == list(d.ALL_TYPES_ROWS)
    assert table.column_names == _columns(d.ALL_TYPES_COLUMNS)
    assert events == d.EVENTS_ROWS

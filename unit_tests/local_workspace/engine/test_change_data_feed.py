"""Change Data Feed: table_changes() rows, ranges and Databricks' errors."""

from __future__ import annotations

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import rows

CHANGES = "SELECT id, v, _change_type, _commit_version FROM table_changes({args})"


@pytest.fixture
def cdf(session):
    session.execute(
        "CREATE TABLE t (id INT, v STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)"
    )
    session.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")  # 1
    session.execute("UPDATE t SET v = 'bb' WHERE id = 2")  # 2
    session.execute("DELETE FROM t WHERE id = 1")  # 3
    return session


def _changes(session, args: str) -> list[tuple]:
    got = rows(session, CHANGES.format(args=args))
    return sorted((r["_commit_version"], r["_change_type"], r["id"], r["v"]) for r in got)


def test_all_change_types_with_versions(cdf) -> None:
    assert _changes(cdf, "'t', 1") == [
        (1, "insert", 1, "a"),
        (1, "insert", 2, "b"),
        (2, "update_postimage", 2, "bb"),
        (2, "update_preimage", 2, "b"),
        (3, "delete", 1, "a"),
    ]


def test_a_closed_range_and_a_qualified_name(cdf) -> None:
    assert _changes(cdf, "'main.default.t', 2, 2") == [
        (2, "update_postimage", 2, "bb"),
        (2, "update_preimage", 2, "b"),
    ]


def test_output_columns_are_the_tables_then_the_change_columns(cdf) -> None:
    result = cdf.execute("SELECT * FROM table_changes('t', 0)")
    assert result.schema.names == [
        "id",
        "v",
        "_change_type",
        "_commit_version",
        "_commit_timestamp",
    ]
    assert str(result.schema.field("_commit_version").type) == "int64"
    assert str(result.schema.field("_commit_timestamp").type).startswith("timestamp[us, tz=")


def test_timestamp_bounds(cdf) -> None:
    stamps = {r["version"]: r["timestamp"] for r in rows(cdf, "DESCRIBE HISTORY t")}
    start = stamps[2].strftime("%Y-%m-%d %H:%M:%S.%f")
    cdf.execute("SET TIME ZONE 'UTC'")
    assert {c[0] for c in _changes(cdf, f"'t', '{start}'")} == {2, 3}


def test_start_after_the_latest_version(cdf) -> None:
    with pytest.raises(SqlError) as error:
        cdf.execute("SELECT * FROM table_changes('t', 4)")
    assert error.value.error_class == "DELTA_CDC_START_VERSION_AFTER_LATEST"


def test_end_before_start(cdf) -> None:
    with pytest.raises(SqlError) as error:
        cdf.execute("SELECT * FROM table_changes('t', 3, 1)")
    assert error.value.error_class == "DELTA_INVALID_CDC_RANGE"


def test_before_retained_history(cdf) -> None:
    cdf.execute("VACUUM t RETAIN 0 HOURS")
    with pytest.raises(SqlError) as error:
        cdf.execute("SELECT * FROM table_changes('t', 1)")
    assert error.value.error_class == "DELTA_VERSION_NOT_FOUND"


def test_cdf_off_for_part_of_the_range(session) -> None:
    session.execute("CREATE TABLE t (id INT, v STRING)")
    session.execute("INSERT INTO t VALUES (1, 'a')")  # 1: CDF off
    session.execute("ALTER TABLE t SET TBLPROPERTIES (delta.enableChangeDataFeed = true)")  # 2
    session.execute("INSERT INTO t VALUES (2, 'b')")  # 3
    with pytest.raises(SqlError) as error:
        session.execute("SELECT * FROM table_changes('t', 0)")
    assert error.value.error_class == "DELTA_MISSING_CHANGE_DATA"
    assert "[0 , 3]" in error.value.message
    assert _changes(session, "'t', 2") == [(3, "insert", 2, "b")]


def test_merge_changes(cdf) -> None:
    cdf.execute(
        "MERGE INTO t USING (SELECT 2 AS id, 'B' AS v UNION ALL SELECT 5, 'e') s ON t.id = s.id"
        " WHEN MATCHED THEN UPDATE SET v = s.v"
        " WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)"
    )
    assert _changes(cdf, "'t', 4") == [
        (4, "insert", 5, "e"),
        (4, "update_postimage", 2, "B"),
        (4, "update_preimage", 2, "bb"),
    ]


def test_non_delta_tables_refuse_table_changes(session) -> None:
    session.execute("CREATE VIEW v AS SELECT 1 AS id")
    with pytest.raises(SqlError) as error:
        session.execute("SELECT * FROM table_changes('v', 0)")
    assert error.value.error_class == "EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE"


def test_session_default_enables_cdf_on_new_tables(session) -> None:
    session.execute("SET spark.databricks.delta.properties.defaults.enableChangeDataFeed = true")
    session.execute("CREATE TABLE t AS SELECT 1 AS id, 'a' AS v")
    assert _changes(session, "'t', 0") == [(0, "insert", 1, "a")]

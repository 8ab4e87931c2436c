"""Table versions: every write is a commit; DESCRIBE HISTORY; VERSION / TIMESTAMP AS OF."""

from __future__ import annotations

import pytest

from local_workspace.engine import Parameter, SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.fixture
def history_table(session):
    """t at versions 0 (create) .. 5 (merge)."""
    for sql in [
        "CREATE TABLE t (id INT, v STRING)",
        "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        "UPDATE t SET v = 'bb' WHERE id = 2",
        "DELETE FROM t WHERE id = 3",
        "INSERT INTO t VALUES (2, 'bb')",  # a duplicate row: versions are multisets
        "MERGE INTO t USING (SELECT 1 AS id, 'aa' AS v UNION ALL SELECT 4, 'd') s"
        " ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.v = s.v WHEN NOT MATCHED THEN INSERT *",
    ]:
        session.execute(sql)
    return session


EXPECTED = {
    0: [],
    1: [(1, "a"), (2, "b"), (3, "c")],
    2: [(1, "a"), (2, "bb"), (3, "c")],
    3: [(1, "a"), (2, "bb")],
    4: [(1, "a"), (2, "bb"), (2, "bb")],
    5: [(1, "aa"), (2, "bb"), (2, "bb"), (4, "d")],
}


def _rows(session, sql: str, *parameters: Parameter) -> list[tuple]:
    return sorted(tuple(r.values()) for r in rows(session, sql, *parameters))


@pytest.mark.parametrize("version", sorted(EXPECTED))
def test_version_as_of_every_version(history_table, version: int) -> None:
    got = _rows(history_table, f"SELECT id, v FROM t VERSION AS OF {version}")
    assert got == EXPECTED[version]


def test_the_connectors_pinned_read_with_positional_parameters(history_table) -> None:
    sql = (
        "SELECT `id`, `v` FROM `main`.`default`.`t` VERSION AS OF 2"
        " WHERE `id` >= CAST(? AS INT) ORDER BY `id`"
    )
    got = rows(history_table, sql, Parameter(None, "INT", "2"))
    assert got == [{"id": 2, "v": "bb"}, {"id": 3, "v": "c"}]


def test_describe_history_newest_first_in_databricks_layout(history_table) -> None:
    result = history_table.execute("DESCRIBE HISTORY `main`.`default`.`t`")
    assert result.schema.names[:6] == [
        "version",
        "timestamp",
        "userId",
        "userName",
        "operation",
        "operationParameters",
    ]
    assert result.schema.names[-3:] == ["operationMetrics", "userMetadata", "engineInfo"]
    got = [(r["version"], r["operation"]) for r in result.reader.read_all().to_pylist()]
    assert got == [
        (5, "MERGE"),
        (4, "WRITE"),
        (3, "DELETE"),
        (2, "UPDATE"),
        (1, "WRITE"),
        (0, "CREATE TABLE"),
    ]


def test_describe_history_limit(history_table) -> None:
    assert [r["version"] for r in rows(history_table, "DESCRIBE HISTORY t LIMIT 1")] == [5]


def test_timestamps_increase_and_timestamp_as_of_picks_the_version(history_table) -> None:
    stamps = {r["version"]: r["timestamp"] for r in rows(history_table, "DESCRIBE HISTORY t")}
    assert all(stamps[v] < stamps[v + 1] for v in range(5))
    at = stamps[2].strftime("%Y-%m-%d %H:%M:%S.%f")
    history_table.execute("SET TIME ZONE 'UTC'")
    got = _rows(history_table, f"SELECT id, v FROM t TIMESTAMP AS OF '{at}'")
    assert got == EXPECTED[2]


def test_version_that_does_not_exist(history_table) -> None:
    with pytest.raises(SqlError) as error:
        history_table.execute("SELECT * FROM t VERSION AS OF 9")
    assert error.value.error_class == "DELTA_VERSION_NOT_FOUND"
    assert "Available versions: [0, 5]" in error.value.message


def test_timestamp_after_the_latest_commit(history_table) -> None:
    with pytest.raises(SqlError) as error:
        history_table.execute("SELECT * FROM t TIMESTAMP AS OF '2999-01-01'")
    assert error.value.error_class == "DELTA_TIMESTAMP_GREATER_THAN_COMMIT"


def test_vacuum_forgets_old_versions(history_table) -> None:
    history_table.execute("VACUUM t RETAIN 0 HOURS")
    assert [r["version"] for r in rows(history_table, "DESCRIBE HISTORY t")] == [5]
    assert _rows(history_table, "SELECT id, v FROM t VERSION AS OF 5") == EXPECTED[5]
    with pytest.raises(SqlError) as error:
        history_table.execute("SELECT * FROM t VERSION AS OF 4")
    assert error.value.error_class == "DELTA_VERSION_NOT_FOUND"
    assert "Available versions: [5, 5]" in error.value.message


def test_views_refuse_time_travel_and_history(session) -> None:
    session.execute("CREATE TABLE t (id INT)")
    session.execute("CREATE VIEW v AS SELECT * FROM t")
    with pytest.raises(SqlError) as error:
        session.execute("SELECT * FROM v VERSION AS OF 0")
    assert error.value.error_class == "UNSUPPORTED_FEATURE.TIME_TRAVEL"
    with pytest.raises(SqlError) as error:
        session.execute("DESCRIBE HISTORY v")
    assert error.value.error_class == "EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE"


def test_ctas_overwrite_truncate_and_add_columns_are_commits(session) -> None:
    session.execute("CREATE TABLE t AS SELECT id FROM range(3)")
    session.execute("INSERT OVERWRITE t SELECT id + 10 FROM range(2)")
    session.execute("ALTER TABLE t ADD COLUMNS (note STRING, score DOUBLE)")
    session.execute("INSERT INTO t VALUES (20, 'x', 1.5)")
    session.execute("TRUNCATE TABLE t")
    operations = [r["operation"] for r in rows(session, "DESCRIBE HISTORY t")]
    assert operations == ["TRUNCATE", "WRITE", "ADD COLUMNS", "WRITE", "CREATE TABLE AS SELECT"]
    assert _rows(session, "SELECT * FROM t VERSION AS OF 0") == [(0,), (1,), (2,)]
    assert _rows(session, "SELECT * FROM t VERSION AS OF 1") == [(10,), (11,)]
    assert _rows(session, "SELECT * FROM t VERSION AS OF 2") == [(10, None, None), (11, None, None)]
    assert _rows(session, "SELECT * FROM t VERSION AS OF 3")[-1] == (20, "x", 1.5)
    assert one(session, "SELECT count(*) FROM t") == 0


def test_latest_version_reads_the_live_table(history_table) -> None:
    from local_workspace.engine.translate import translate

    tree = __import__("sqlglot").parse_one("SELECT * FROM t VERSION AS OF 5", read="databricks")
    sql = translate(tree, history_table.context((), history_table.cursor)).sql("duckdb")
    assert "__uc_changes" not in sql and "VERSION" not in sql.upper()


def test_tables_created_before_versions_get_version_zero(engine, session) -> None:
    engine.connection.execute('CREATE TABLE "uc_main"."default".old AS SELECT 1 AS x')
    assert [r["version"] for r in rows(session, "DESCRIBE HISTORY old")] == [0]
    session.execute("INSERT INTO old VALUES (2)")
    assert _rows(session, "SELECT x FROM old VERSION AS OF 0") == [(1,)]


def test_create_or_replace_continues_the_version_numbers(session) -> None:
    session.execute("CREATE TABLE t (x INT)")
    session.execute("INSERT INTO t VALUES (1)")
    session.execute("CREATE OR REPLACE TABLE t (y STRING)")
    assert rows(session, "DESCRIBE HISTORY t LIMIT 1")[0]["version"] == 2
    assert [r["version"] for r in rows(session, "DESCRIBE HISTORY t")] == [2, 1, 0]

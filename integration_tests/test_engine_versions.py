"""Table versions, Change Data Feed and metadata through the real databricks-sql-connector."""

from __future__ import annotations

import pytest
from databricks import sql

from integration_tests.local_workspace_process import running_workspace


@pytest.fixture(scope="module")
def cursor(tmp_path_factory):
    with (
        running_workspace(tmp_path_factory.mktemp("engine-ws")) as workspace,
        sql.connect(**workspace.sql_connect_kwargs()) as connection,
        connection.cursor() as cursor,
    ):
        yield cursor


def test_history_pin_and_read_as_the_connector_does(cursor) -> None:
    cursor.execute(
        "CREATE OR REPLACE TABLE main.default.pinned (id INT, v STRING)"
        " TBLPROPERTIES (delta.enableChangeDataFeed = true)"
    )
    cursor.execute("INSERT INTO main.default.pinned VALUES (1, 'a'), (2, 'b')")
    cursor.execute("DESCRIBE HISTORY `main`.`default`.`pinned` LIMIT 1")
    [latest] = cursor.fetchall()
    assert latest.version == 1 and latest.operation == "WRITE"
    cursor.execute("UPDATE main.default.pinned SET v = 'B' WHERE id = 2")
    cursor.execute(
        "SELECT `id`, `v` FROM `main`.`default`.`pinned` VERSION AS OF 1"
        " WHERE `id` >= CAST(? AS INT) ORDER BY `id`",
        [1],
    )
    assert [tuple(r) for r in cursor.fetchall()] == [(1, "a"), (2, "b")]
    cursor.execute(
        "SELECT id, v, _change_type, _commit_version FROM table_changes('main.default.pinned', 2)"
        " ORDER BY _change_type"
    )
    got = [tuple(r) for r in cursor.fetchall()]
    assert got == [(2, "B", "update_postimage", 2), (2, "b", "update_preimage", 2)]


def test_errors_carry_databricks_classes(cursor) -> None:
    cursor.execute("CREATE OR REPLACE TABLE main.default.small (id INT)")
    for statement, error_class in [
        ("SELECT * FROM main.default.small VERSION AS OF 7", "DELTA_VERSION_NOT_FOUND"),
        (
            "SELECT * FROM table_changes('main.default.small', 5)",
            "DELTA_CDC_START_VERSION_AFTER_LATEST",
        ),
        ("SELECT 1 / 0", "DIVIDE_BY_ZERO"),
    ]:
        with pytest.raises(sql.exc.ServerOperationError) as error:
            cursor.execute(statement)
            cursor.fetchall()
        assert f"[{error_class}]" in str(error.value), statement


def test_show_and_describe_layouts(cursor) -> None:
    cursor.execute("SHOW TABLES IN main.default LIKE 'small'")
    assert [d[0] for d in cursor.description] == ["database", "tableName", "isTemporary"]
    cursor.execute("DESCRIBE TABLE main.default.small")
    assert [tuple(r) for r in cursor.fetchall()] == [("id", "int", None)]


def test_temp_views_live_for_the_session(cursor) -> None:
    cursor.execute("CREATE OR REPLACE TEMP VIEW squares AS SELECT id * id AS sq FROM range(4)")
    cursor.execute("SELECT sum(sq) FROM squares")
    assert cursor.fetchone()[0] == 14

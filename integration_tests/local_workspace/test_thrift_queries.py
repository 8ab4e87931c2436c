"""The real SQL client against the real local workspace: queries, paging, types, errors."""

from __future__ import annotations

import datetime as dt
import decimal
import re

import pytest
from databricks import sql
from databricks.sql.exc import ServerOperationError

from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

DISPLAY_MESSAGE = re.compile(r"^\[[A-Z_.]+\] .+ SQLSTATE: [0-9A-Z]{5}$", re.DOTALL)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("thrift") / "ws") as ws:
        yield ws


@pytest.fixture(params=[True, False], ids=["lz4", "plain"])
def cursor(request, workspace):
    kwargs = workspace.sql_connect_kwargs(enable_query_result_lz4_compression=request.param)
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        yield cursor


def test_select_literals_with_their_types(cursor):
    cursor.execute(
        "SELECT 1 AS i, 'x' AS s, CAST(1.5 AS DECIMAL(10,2)) AS d, DATE'2024-01-02' AS day, "
        "TIMESTAMP'2024-01-02 03:04:05' AS ts, true AS b, CAST(NULL AS STRING) AS n"
    )
    assert [(c[0], c[1]) for c in cursor.description] == [
        ("i", "int"),
        ("s", "string"),
        ("d", "decimal"),
        ("day", "date"),
        ("ts", "timestamp"),
        ("b", "boolean"),
        ("n", "string"),
    ]
    (row,) = cursor.fetchall()
    assert row.asDict() == {
        "i": 1,
        "s": "x",
        "d": decimal.Decimal("1.50"),
        "day": dt.date(2024, 1, 2),
        "ts": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "b": True,
        "n": None,
    }


def test_fetchmany_arrow_pages_through_a_large_result(cursor):
    cursor.execute("SELECT id FROM range(250000)")
    sizes, total, expected_next = [], 0, 0
    while (table := cursor.fetchmany_arrow(100_000)).num_rows:
        ids = table.column("id").to_pylist()
        assert ids[0] == expected_next and ids == list(range(ids[0], ids[0] + len(ids)))
        expected_next = ids[-1] + 1
        sizes.append(table.num_rows)
        total += table.num_rows
    assert total == 250_000 and sizes == [100_000, 100_000, 50_000]


def test_small_arraysize_makes_many_fetch_round_trips(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as connection:
        cursor = connection.cursor(arraysize=1_000)
        cursor.execute("SELECT id FROM range(10500)")
        assert cursor.fetchall_arrow().column("id").to_pylist() == list(range(10_500))


def test_positional_parameters(cursor):
    cursor.execute("SELECT ? AS a, ? AS b, ? AS c", [1, "x", None])
    assert cursor.fetchall()[0].asDict() == {"a": 1, "b": "x", "c": None}


def test_named_parameters(cursor):
    cursor.execute("SELECT :n + 1 AS n1, :s AS s", {"n": 41, "s": "hello"})
    assert cursor.fetchall()[0].asDict() == {"n1": 42, "s": "hello"}


def test_sql_error_surfaces_with_class_and_sqlstate(cursor):
    with pytest.raises(ServerOperationError) as raised:
        cursor.execute("SELECT * FROM no_such_table_anywhere")
    message = str(raised.value)
    assert DISPLAY_MESSAGE.match(message), message
    assert message.startswith("[TABLE_OR_VIEW_NOT_FOUND]")
    cursor.execute("SELECT 2 AS ok")  # the session survives the error
    assert cursor.fetchall()[0].ok == 2


def test_dml_rowcount(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE thrift_dml (id INT)")
        cursor.execute("INSERT INTO thrift_dml VALUES (1), (2), (3)")
        assert cursor.rowcount == 3
        cursor.execute("SELECT count(*) AS n FROM thrift_dml")
        assert cursor.fetchall()[0].n == 3


def test_two_connections_interleave_their_results(workspace):
    kwargs = workspace.sql_connect_kwargs()
    with sql.connect(**kwargs) as first, sql.connect(**kwargs) as second:
        a, b = first.cursor(arraysize=1_000), second.cursor(arraysize=1_000)
        a.execute("SELECT id FROM range(5000)")
        b.execute("SELECT id * 2 AS id FROM range(5000)")
        got_a = a.fetchmany_arrow(1_000).column("id").to_pylist()
        got_b = b.fetchmany_arrow(1_000).column("id").to_pylist()
        got_a += a.fetchall_arrow().column("id").to_pylist()
        got_b += b.fetchall_arrow().column("id").to_pylist()
    assert got_a == list(range(5_000)) and got_b == [2 * i for i in range(5_000)]


def test_non_native_arrow_types_still_read_back(workspace):
    kwargs = workspace.sql_connect_kwargs(
        _use_arrow_native_decimals=False,
        _use_arrow_native_timestamps=False,
        _use_arrow_native_complex_types=False,
    )
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT CAST(2.25 AS DECIMAL(5,2)) AS d, array(1, 2) AS a")
        row = cursor.fetchall()[0]
    assert row.d == decimal.Decimal("2.25")
    assert row.a == "[1,2]"

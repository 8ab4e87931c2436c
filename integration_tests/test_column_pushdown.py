"""Column pushdown, proven by what the warehouse sent: `main.py read` of a 50-column table with one
column selected makes the local workspace send that one column (plus a key or cursor column only
when the read needs it to resume), as its own record of each result's Arrow schema says.

The data read of a run is found without the SQL text: it is the one statement that sent every row
of the table; the assertions are on the Arrow schema and the bytes the server recorded sending.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    configured_catalog,
    discovered_stream,
    run_connector,
)
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.sent_results import column_names, sent_results
from integration_tests.workspace_sql import tables_in

SCHEMA = "pushdown"
ROWS = {"wide": 20_000, "wide_keyed": 12_000}  # distinct: a table's data read sent all its rows
COLUMNS = [f"c{i:02d}" for i in range(1, 51)]
KINDS = ["BIGINT", "STRING", "DOUBLE", "DATE", "DECIMAL(18,2)"]
VALUES = ["id", "concat('v', id)", "id / 3.0", "date_add(DATE'2024-01-01', CAST(id % 300 AS INT))"]
VALUES.append("CAST(id / 7 AS DECIMAL(18,2))")


def _columns_sql() -> str:
    return ", ".join(f"{name} {KINDS[i % len(KINDS)]}" for i, name in enumerate(COLUMNS))


def _values_sql() -> str:
    return ", ".join(VALUES[i % len(VALUES)] for i in range(len(COLUMNS)))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[RunningWorkspace]:
    with running_workspace(tmp_path_factory.mktemp("pushdown") / "ws") as ws:
        with tables_in(ws, SCHEMA) as tables:
            tables.run(f"CREATE TABLE main.{SCHEMA}.wide ({_columns_sql()})")
            tables.run(
                f"CREATE TABLE main.{SCHEMA}.wide_keyed ({_columns_sql()}, "
                "CONSTRAINT wide_keyed_pk PRIMARY KEY (c01))"
            )
            for table, rows in ROWS.items():
                tables.run(
                    f"INSERT INTO main.{SCHEMA}.{table} SELECT {_values_sql()} FROM range({rows})"
                )
        yield ws


@pytest.fixture(scope="module")
def sent(workspace) -> dict[str, dict[str, dict]]:
    """Two reads of both tables; per read, each table's data read as the server sent it."""
    config = config_for(workspace, include_schemas=[SCHEMA])
    streams = {table: discovered_stream(config, f"main.{SCHEMA}", table) for table in ROWS}
    reads = {
        # wide: every column (empty properties); wide_keyed: c07 of a resumable full refresh
        "all, keyed": [
            _configured(streams["wide"], []),
            _configured(streams["wide_keyed"], ["c07"]),
        ],
        # wide: c07 of a full refresh; wide_keyed: c07 of an incremental read by c04 (a DATE)
        "one, incremental": [
            _configured(streams["wide"], ["c07"]),
            _configured(streams["wide_keyed"], ["c07"], "incremental", cursor_field=["c04"]),
        ],
    }
    return {name: _read(workspace, config, configured) for name, configured in reads.items()}


def _configured(stream: dict, selected: list[str], mode: str = "full_refresh", **extra) -> dict:
    """`stream` configured with only `selected` among its properties (all if empty)."""
    properties = stream["json_schema"]["properties"]
    json_schema = {**stream["json_schema"], "properties": {n: properties[n] for n in selected}}
    configured = configured_catalog([{**stream, "json_schema": json_schema}], mode)["streams"][0]
    return {**configured, **extra}


def _read(ws: RunningWorkspace, config: dict, streams: list[dict]) -> dict[str, dict]:
    """Run `main.py read`; each table's data read: the statement that sent all its rows."""
    before = {record["statement_id"] for record in sent_results(ws)}
    run = run_connector("read", config=config, catalog={"streams": streams})
    assert run.returncode == 0, run.stderr[-2000:]
    for configured in streams:
        stream = configured["stream"]
        records = [r["data"] for r in run.records if r["stream"] == stream["name"]]
        assert len(records) == ROWS[stream["name"]]
        selected = set(stream["json_schema"]["properties"]) or set(COLUMNS)
        assert {key for record in records for key in record} == selected
    new = [record for record in sent_results(ws) if record["statement_id"] not in before]
    by_table = {}
    for table, rows in ROWS.items():
        (by_table[table],) = [record for record in new if record["rows_sent"] == rows]
    return by_table


def test_one_selected_column_of_fifty_is_the_only_column_sent(sent):
    everything, one = sent["all, keyed"]["wide"], sent["one, incremental"]["wide"]
    assert column_names(everything) == COLUMNS
    assert column_names(one) == ["c07"]
    assert one["bytes_sent"] * 20 < everything["bytes_sent"]


def test_a_key_column_is_sent_only_because_a_resumable_read_needs_it(sent):
    keyed = sent["all, keyed"]["wide_keyed"]
    assert sorted(column_names(keyed)) == ["c01", "c07"]  # c01 orders the read and checkpoints it


def test_an_incremental_read_adds_only_its_cursor_column(sent):
    incremental = sent["one, incremental"]["wide_keyed"]
    assert sorted(column_names(incremental)) == ["c04", "c07"]  # no key: the cursor resumes it

"""Hostile names and data: identifiers and values that break naive SQL, read exactly as stored.

Catalog, schema, table and column names hold backticks, double quotes, spaces, unicode and SQL
keywords (columns also dots; the local workspace, like Unity Catalog, refuses none of these when
quoted); values hold control characters; cursor and key positions in the state look like SQL.
Discover and read (full refresh, incremental from such a cursor, resumed full refresh from such a
key) must return the rows as stored, and the canary tables (checked when the session ends, see
conftest.py) must survive.
"""

from __future__ import annotations

from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ConnectorRun, configured_catalog
from integration_tests.reliability.conftest import run

CATALOG = 'cat `tick "q" é'
SCHEMA = 'select "from" ü'
NAMESPACE = f"{CATALOG}.{SCHEMA}"
VALUES_TABLE = 'ta`ble "order" 名'
KEYED_TABLE = 'key`s "tbl" drop'
COLUMNS = ["id", "col.dot", "sp ace", "bk`tick", 'q"uote', "select", "名前", "cur"]
INJECTION = "'; DROP TABLE canary; --"
CURSORS = [
    "",
    INJECTION,
    "a' OR '1'='1",
    "\\'); DROP TABLE main.default.canary; --",
    "`; DROP TABLE canary; --",
    '"); DELETE FROM main.rel.canary; --',
    "zz ordinary",
]
CONTROL = [
    "\x00nul",
    "\x01\x02\x03",
    "line\nbreak\r\n\ttab",
    "\x1b[31mred\x1b[0m",
    "\u2028\x7f",
    "é名",
]
KEYS = ["", "'", "' OR 1=1 --", "`", '"', "; DROP TABLE canary", "\\", "\x01", "é", "名"]


def quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def table(name: str) -> str:
    return ".".join(map(quoted, (CATALOG, SCHEMA, name)))


def value_rows() -> list[dict[str, Any]]:
    rows = []
    for index, cursor in enumerate(CURSORS):
        text = CONTROL[index % len(CONTROL)]
        values = [index, text, f"{text} sp", "b`t", 'q"t', "select * from x", "名前", cursor]
        rows.append(dict(zip(COLUMNS, values, strict=True)))
    return rows


KEY_COLUMN = 'k`ey "1"'


@pytest.fixture(scope="module")
def hostile_config(sql, workspace) -> dict[str, Any]:
    """The hostile catalog, its canary and two tables; the config reading it."""
    sql.run(f"CREATE CATALOG IF NOT EXISTS {quoted(CATALOG)}")
    sql.run(f"CREATE SCHEMA IF NOT EXISTS {quoted(CATALOG)}.{quoted(SCHEMA)}")
    # An unqualified DROP run in this schema would land on this canary.
    sql.run(f"CREATE TABLE {table('canary')} (id INT, label STRING)")
    sql.run(f"INSERT INTO {table('canary')} VALUES (1, 'first'), (2, 'second'), (3, 'third')")
    columns = ", ".join(f"{quoted(c)} {'INT' if c == 'id' else 'STRING'}" for c in COLUMNS)
    sql.run(f"CREATE TABLE {table(VALUES_TABLE)} ({columns})")
    markers = ", ".join("?" for _ in COLUMNS)
    for row in value_rows():
        sql.run(f"INSERT INTO {table(VALUES_TABLE)} VALUES ({markers})", list(row.values()))
    key = quoted(KEY_COLUMN)
    sql.run(
        f"CREATE TABLE {table(KEYED_TABLE)} ({key} STRING NOT NULL, n INT, "
        f"CONSTRAINT pk PRIMARY KEY ({key}))"
    )
    for index, value in enumerate(KEYS):
        sql.run(f"INSERT INTO {table(KEYED_TABLE)} VALUES (?, ?)", [value, index])
    yield config_for(workspace, catalogs=[CATALOG], include_schemas=[SCHEMA], checkpoint_interval=1)
    assert sql.rows(f"SELECT id, label FROM {table('canary')} ORDER BY id") == [
        (1, "first"),
        (2, "second"),
        (3, "third"),
    ]


@pytest.fixture(scope="module")
def discovered(hostile_config) -> dict[str, dict]:
    result = run("discover", config=hostile_config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.non_json_lines == []
    found = result.of_type("CATALOG")[0]["catalog"]["streams"]
    return {s["name"]: s for s in found if s["namespace"] == NAMESPACE}


@pytest.fixture(scope="module")
def full_read(hostile_config, discovered) -> ConnectorRun:
    """Both tables in full refresh, one checkpoint per record (key positions in the state)."""
    catalog = configured_catalog([discovered[VALUES_TABLE], discovered[KEYED_TABLE]])
    result = run("read", config=hostile_config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.non_json_lines == []
    return result


def records_of(result: ConnectorRun, name: str) -> list[dict]:
    return [
        r["data"] for r in result.records if r["stream"] == name and r["namespace"] == NAMESPACE
    ]


def test_discover_names_every_hostile_identifier_exactly(discovered) -> None:
    assert set(discovered) == {VALUES_TABLE, KEYED_TABLE, "canary"}
    assert list(discovered[VALUES_TABLE]["json_schema"]["properties"]) == COLUMNS
    assert discovered[KEYED_TABLE]["source_defined_primary_key"] == [[KEY_COLUMN]]


def test_full_refresh_reads_control_characters_and_quotes_as_stored(full_read) -> None:
    by_id = sorted(records_of(full_read, VALUES_TABLE), key=lambda r: r["id"])
    assert by_id == value_rows()
    keys = sorted(r[KEY_COLUMN] for r in records_of(full_read, KEYED_TABLE))
    assert keys == sorted(KEYS)


def test_incremental_from_a_cursor_that_looks_like_sql(hostile_config, discovered) -> None:
    stream = discovered[VALUES_TABLE]
    catalog = configured_catalog([stream], sync_mode="incremental")
    catalog["streams"][0]["cursor_field"] = ["cur"]
    catalog["streams"][0]["destination_sync_mode"] = "append"
    descriptor = {"name": VALUES_TABLE, "namespace": NAMESPACE}
    blob = {"cursor_field": "cur", "cursor": INJECTION}
    state = [{"type": "STREAM", "stream": {"stream_descriptor": descriptor, "stream_state": blob}}]
    result = run("read", config=hostile_config, catalog=catalog, state=state)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.non_json_lines == []
    expected = [row for row in value_rows() if row["cur"] >= INJECTION]
    assert sorted(records_of(result, VALUES_TABLE), key=lambda r: r["cur"]) == sorted(
        expected, key=lambda r: r["cur"]
    )
    assert result.states[-1]["stream"]["stream_state"] == {
        "cursor_field": "cur",
        "cursor": "zz ordinary",
    }


def test_a_full_refresh_resumes_from_a_key_that_looks_like_sql(
    hostile_config, discovered, full_read
) -> None:
    # The checkpoint a sync interrupted after the key `' OR 1=1 --` would have left.
    emitted = next(
        s["stream"]
        for s in full_read.states
        if s["stream"]["stream_descriptor"]["name"] == KEYED_TABLE
        and "position" in s["stream"]["stream_state"]
    )
    before = sum(key < "' OR 1=1 --" for key in KEYS)  # emitted before it (the row count check)
    blob = {**emitted["stream_state"], "position": ["' OR 1=1 --"], "records": before}
    resume_at = {**emitted, "stream_state": blob}
    catalog = configured_catalog([discovered[KEYED_TABLE]])
    state = [{"type": "STREAM", "stream": resume_at}]
    result = run("read", config=hostile_config, catalog=catalog, state=state)
    assert result.returncode == 0, [e["message"] for e in result.errors]
    keys = sorted(r[KEY_COLUMN] for r in records_of(result, KEYED_TABLE))
    assert keys == sorted(k for k in KEYS if k >= "' OR 1=1 --")

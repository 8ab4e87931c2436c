"""Hostile names and data: identifiers and values that break naive SQL, read exactly as stored.

Catalog, schema, table and column names hold backticks, double quotes, spaces, unicode and SQL
keywords (columns also dots; the local workspace, like Unity Catalog, refuses none of these when
quoted); values hold control characters; cursor and key positions in the state look like SQL.
Discover and read (full refresh, incremental from such a cursor, resumed full refresh from such a
key) must return the rows as stored, and the canary tables (checked when the session ends, see
conftest.py) must survive.

Surrogates: a STRING stores a lone surrogate escape as '?' (as Spark does); a command's output
can hold lone surrogates (Python's stand-in for undecodable bytes), which the connector emits as
U+FFFD, so every protocol line stays valid UTF-8 JSON.
"""

from __future__ import annotations

from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ConnectorRun, configured_catalog
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import run
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID
from source_databricks.code.records import RECORD_SCHEMA

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
    figures.record(
        "hostile_names", "identifiers and control characters, full refresh", survived=True
    )


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
    figures.record("hostile_names", "cursor that looks like SQL, incremental", survived=True)


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
    figures.record("hostile_names", "key that looks like SQL, resumed full refresh", survived=True)


# Lone surrogates reach a command's output as Python strings hold them: bytes decoded with
# surrogateescape (os.fsdecode of a non-UTF-8 file name), or escapes written in the code.
SURROGATE_COMMANDS = [
    {"language": "python", "code": 'print("lone \\ud800 high, \\udfff low")'},
    {"language": "python", "code": 'print(b"name-\\xff\\xfe".decode("utf-8", "surrogateescape"))'},
    {"language": "python", "code": 'raise ValueError("bad byte \\udcff")'},
]


def test_lone_surrogates_in_command_output_are_emitted_as_valid_json(
    config, workspace, tmp_path
) -> None:
    (tmp_path / "main.py").write_text("print('hello')\n")
    code = {
        "cluster_id": ALL_PURPOSE_ID,
        "project_dir": str(tmp_path),
        "remote_dir": "/Users/local.user@example.com/hostile-surrogates",
        "commands": SURROGATE_COMMANDS,
        "on_error": "continue",
    }
    stream = {"name": "command_results", "json_schema": RECORD_SCHEMA}
    catalog = configured_catalog([{**stream, "supported_sync_modes": ["full_refresh"]}])
    result = run("read", config={**config, "code_execution": code}, catalog=catalog)
    assert result.returncode == 0, result.errors or result.stderr[-3000:]
    assert result.non_json_lines == []
    records = [r["data"] for r in result.records]
    assert [r["status"] for r in records] == ["finished", "finished", "error"]
    assert records[0]["text"] == "lone \ufffd high, \ufffd low\n"
    assert records[1]["text"] == "name-\ufffd\ufffd\n"
    assert records[2]["error"]["summary"] == "ValueError: bad byte \ufffd"
    assert "\ufffd" in records[2]["error"]["traceback"]
    figures.record(
        "hostile_names", "lone surrogates in command output", emitted="U+FFFD", survived=True
    )


def test_surrogate_escapes_in_a_string_column_are_read_as_spark_stores_them(sql, config) -> None:
    """A STRING cannot hold a lone surrogate: Spark (Java) writes '?' for one written as an
    escape, and the pair of a character outside the BMP is that character."""
    sql.run("CREATE OR REPLACE TABLE main.rel.surrogates (id INT, s STRING)")
    sql.run(
        "INSERT INTO main.rel.surrogates VALUES "
        "(1, '\\uD800x'), (2, 'y\\uDFFF'), (3, '\\uD83D\\uDE00'), (4, '\\u0000\\uFFFD')"
    )
    stream = {
        "name": "surrogates",
        "namespace": "main.rel",
        "json_schema": {"type": "object", "properties": {}},
        "supported_sync_modes": ["full_refresh"],
    }
    settings = {**config, "include_tables": ["surrogates"]}
    result = run("read", config=settings, catalog=configured_catalog([stream]))
    assert result.returncode == 0, result.errors
    assert result.non_json_lines == []
    rows = sorted((r["data"]["id"], r["data"]["s"]) for r in result.records)
    assert rows == [(1, "?x"), (2, "y?"), (3, "\U0001f600"), (4, "\x00\ufffd")]
    figures.record(
        "hostile_names", "surrogate escapes in a STRING column", emitted="?", survived=True
    )

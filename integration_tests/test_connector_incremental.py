"""Incremental (cursor) and resumable full refresh syncs through the real main.py.

Each test builds its own small table through the real SQL client, so ties, NULLs, microseconds
and exact decimals are under the test's control.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from integration_tests.connector_process import (
    configured_catalog,
    discovered_stream,
    final_state,
    run_connector,
    state_input,
)
from integration_tests.workspace_sql import Tables, tables_in

SCHEMA = "sync_tests"
NAMESPACE = f"main.{SCHEMA}"


@pytest.fixture(scope="module")
def tables(demo_workspace) -> Tables:
    with tables_in(demo_workspace, SCHEMA) as tables:
        yield tables


@pytest.fixture(scope="module")
def config(connector_config) -> dict:
    return {**connector_config, "include_schemas": [SCHEMA], "checkpoint_interval": 1}


def discover(config: dict, name: str) -> dict:
    return discovered_stream(config, NAMESPACE, name)


def read(config: dict, stream: dict, mode: str, cursor: str | None = None, state: Any = None):
    catalog = configured_catalog([stream], mode)
    if cursor:
        catalog["streams"][0]["cursor_field"] = [cursor]
    run = run_connector("read", config=config, catalog=catalog, state=state)
    assert run.returncode == 0, run.stdout[-3000:]
    return run


def test_incremental_keeps_exact_cursor_values_and_re_emits_ties(tables, config):
    tables.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.ties (id INT, ts TIMESTAMP, amount DECIMAL(38,18))"
    )
    tables.run(
        f"INSERT INTO main.{SCHEMA}.ties VALUES "
        "(1, TIMESTAMP'2024-03-10 06:59:59.999999', 1.000000000000000001), "
        "(2, TIMESTAMP'2024-03-10 06:59:59.999999', 2.5), "
        "(3, NULL, 3.5), "
        "(4, TIMESTAMP'2024-03-10 07:00:00.000001', 99999999999999999999.999999999999999999)"
    )
    stream = discover(config, "ties")
    assert "incremental" in stream["supported_sync_modes"]
    assert stream["source_defined_cursor"] is False

    first = read(config, stream, "incremental", "ts")
    assert sorted(r["data"]["id"] for r in first.records) == [1, 2, 3, 4]
    assert final_state(first) == {
        "cursor_field": "ts",
        "cursor": "2024-03-10T07:00:00.000001+00:00",
    }

    tables.run(
        f"INSERT INTO main.{SCHEMA}.ties VALUES "
        "(5, TIMESTAMP'2024-03-10 07:00:00.000001', 5), (6, TIMESTAMP'2024-03-10 07:00:00', 6), "
        "(7, TIMESTAMP'2025-01-01 00:00:00', 7), (8, NULL, 8)"
    )
    second = read(config, stream, "incremental", "ts", state_input(first.states[-1]))
    # >= the saved value: the tie (4) comes again with the new tie (5); 6 is below, NULLs never.
    assert sorted(r["data"]["id"] for r in second.records) == [4, 5, 7]
    assert final_state(second) == {
        "cursor_field": "ts",
        "cursor": "2025-01-01T00:00:00.000000+00:00",
    }
    warnings = [m["log"]["message"] for m in second.of_type("LOG") if m["log"]["level"] == "WARN"]
    assert any("2 rows have a NULL ts" in w for w in warnings), warnings


def test_incremental_decimal_cursor_state_keeps_every_digit(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.by_amount (id INT, amount DECIMAL(38,18))")
    tables.run(
        f"INSERT INTO main.{SCHEMA}.by_amount VALUES "
        "(1, 0.000000000000000001), (2, 99999999999999999999.999999999999999998), "
        "(3, 99999999999999999999.999999999999999999)"
    )
    stream = discover(config, "by_amount")
    first = read(config, stream, "incremental", "amount")
    assert final_state(first)["cursor"] == "99999999999999999999.999999999999999999"
    second = read(config, stream, "incremental", "amount", state_input(first.states[-1]))
    assert [r["data"]["id"] for r in second.records] == [3]


def test_incremental_with_no_new_rows_emits_the_saved_state_and_nothing_else(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.quiet (id INT, n BIGINT)")
    tables.run(f"INSERT INTO main.{SCHEMA}.quiet VALUES (1, 9007199254740993)")
    stream = discover(config, "quiet")
    first = read(config, stream, "incremental", "n")
    assert first.records[0]["data"]["n"] == 9007199254740993  # beyond 2^53, exact
    saved = {"cursor_field": "n", "cursor": "9007199254740994"}
    state = [
        {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": "quiet", "namespace": NAMESPACE},
                "stream_state": saved,
            },
        }
    ]
    second = read(config, stream, "incremental", "n", state)
    assert second.records == []
    assert [s["stream"]["stream_state"] for s in second.states] == [saved]


def test_every_intermediate_incremental_state_resumes_without_loss(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.many (id INT, k INT)")
    # More rows than one fetch (50,000), so the read checkpoints between batches.
    rows = 120_000
    tables.run(
        f"INSERT INTO main.{SCHEMA}.many SELECT id, CAST(id / 3 AS INT) FROM range({rows}) AS t(id)"
    )
    stream = discover(config, "many")
    full = read(config, stream, "incremental", "k")
    assert len(full.records) == rows
    assert len(full.states) >= 3
    for state in full.states:
        resumed = read(config, stream, "incremental", "k", state_input(state))
        before = _records_before(full, state)
        assert {r["data"]["id"] for r in before} | {
            r["data"]["id"] for r in resumed.records
        } == set(range(rows))


def test_resumable_full_refresh_resumes_at_the_key_and_keeps_duplicate_keys(tables, config):
    tables.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.dup_keys "
        "(id INT NOT NULL, line INT NOT NULL, v STRING, CONSTRAINT dup_pk PRIMARY KEY (id, line))"
    )
    # Databricks keys are informational: (2, 1) appears twice and both rows must arrive.
    tables.run(
        f"INSERT INTO main.{SCHEMA}.dup_keys VALUES "
        "(1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c'), (2, 1, 'd'), (2, 2, 'e'), (3, 1, 'f')"
    )
    stream = discover(config, "dup_keys")
    assert stream["source_defined_primary_key"] == [["id"], ["line"]]
    assert stream["is_resumable"] is True
    complete = read(config, stream, "full_refresh")
    assert Counter(r["data"]["v"] for r in complete.records) == Counter("abcdef")
    assert final_state(complete) == {"__ab_full_refresh_sync_complete": True}

    position = {"primary_key": ["id", "line"], "position": ["2", "1"], "version": None}
    state = [
        {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": "dup_keys", "namespace": NAMESPACE},
                "stream_state": position,
            },
        }
    ]
    resumed = read(config, stream, "full_refresh", state=state)
    assert sorted(r["data"]["v"] for r in resumed.records) == ["c", "d", "e", "f"]


def test_a_completed_full_refresh_state_starts_the_next_sync_over(tables, config):
    stream = discover(config, "dup_keys")
    done = {"__ab_full_refresh_sync_complete": True}
    state = [
        {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": "dup_keys", "namespace": NAMESPACE},
                "stream_state": done,
            },
        }
    ]
    assert len(read(config, stream, "full_refresh", state=state).records) == 6


def test_a_cursor_that_cannot_be_ordered_is_a_config_error(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.unordered (id INT, tags ARRAY<STRING>)")
    stream = discover(config, "unordered")
    catalog = configured_catalog([stream], "incremental")
    catalog["streams"][0]["cursor_field"] = ["tags"]
    run = run_connector("read", config=config, catalog=catalog)
    assert run.returncode != 0
    assert run.errors[0]["failure_type"] == "config_error"
    assert "tags" in run.errors[0]["message"] and "cannot be ordered" in run.errors[0]["message"]


def test_state_this_connector_did_not_write_is_a_config_error(tables, config):
    stream = discover(config, "dup_keys")
    foreign = {"ctid": "(0,1)"}
    state = [
        {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": "dup_keys", "namespace": NAMESPACE},
                "stream_state": foreign,
            },
        }
    ]
    catalog = configured_catalog([stream], "full_refresh")
    run = run_connector("read", config=config, catalog=catalog, state=state)
    assert run.returncode != 0
    assert run.errors[0]["failure_type"] == "config_error"
    assert "Reset the stream" in run.errors[0]["message"]


def _records_before(run, state: dict) -> list[dict]:
    """The records a run emitted before the given state message."""
    records = []
    for message in run.messages:
        if message["type"] == "STATE" and message["state"] == state:
            return records
        if message["type"] == "RECORD":
            records.append(message["record"])
    raise AssertionError("state not found")


def test_variant_values_arrive_as_json_values(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.docs (id INT, doc VARIANT)")
    document = '{"a": [1, 2.5, null], "b": "é"}'
    tables.run(f"INSERT INTO main.{SCHEMA}.docs SELECT 1, parse_json(?)", [document])
    tables.run(f"INSERT INTO main.{SCHEMA}.docs SELECT 2, NULL")
    stream = discover(config, "docs")
    assert stream["json_schema"]["properties"]["doc"] == {}
    run = read(config, stream, "full_refresh")
    assert {r["data"]["id"]: r["data"]["doc"] for r in run.records} == {
        1: {"a": [1, 2.5, None], "b": "é"},
        2: None,
    }

"""A table that changes between discover and read (README: "Schema changes").

Each test discovers a table, changes it with real DDL on the local workspace, then reads with the
catalog discovered before the change, as a connection whose schema was not refreshed does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    ConnectorRun,
    configured_catalog,
    discovered_stream,
    run_connector,
)
from integration_tests.workspace_sql import Tables, tables_in

SCHEMA = "schema_changes"
NAMESPACE = f"main.{SCHEMA}"


@pytest.fixture(scope="module")
def tables(demo_workspace) -> Iterator[Tables]:
    with tables_in(demo_workspace, SCHEMA) as found:
        yield found


@pytest.fixture(scope="module")
def config(demo_workspace) -> dict:
    return config_for(demo_workspace, include_schemas=[SCHEMA])


def create(tables: Tables, name: str, columns: str, values: str) -> None:
    tables.run(f"CREATE OR REPLACE TABLE {NAMESPACE}.{name} ({columns})")
    tables.run(f"INSERT INTO {NAMESPACE}.{name} VALUES {values}")


def read_with(config: dict, stream: dict) -> ConnectorRun:
    return run_connector("read", config=config, catalog=configured_catalog([stream]))


def logs(run: ConnectorRun, level: str) -> list[str]:
    return [m["log"]["message"] for m in run.of_type("LOG") if m["log"]["level"] == level]


def test_an_added_column_is_discovered_and_not_read_by_an_older_catalog(tables, config):
    create(tables, "added", "id INT, name STRING", "(1, 'a'), (2, 'b')")
    before = discovered_stream(config, NAMESPACE, "added")
    tables.run(f"ALTER TABLE {NAMESPACE}.added ADD COLUMNS (score DOUBLE)")

    after = discovered_stream(config, NAMESPACE, "added")
    assert set(after["json_schema"]["properties"]) == {"id", "name", "score"}

    run = read_with(config, before)
    assert run.returncode == 0, run.errors
    assert sorted((r["data"]["id"], r["data"]["name"]) for r in run.records) == [
        (1, "a"),
        (2, "b"),
    ]
    assert all(set(r["data"]) == {"id", "name"} for r in run.records)
    assert any("'score'" in message and "not read" in message for message in logs(run, "INFO"))


def test_a_dropped_selected_column_is_a_config_error_naming_it(tables, config):
    create(tables, "dropped", "id INT, legacy_code STRING", "(1, 'x')")
    before = discovered_stream(config, NAMESPACE, "dropped")
    create(tables, "dropped", "id INT", "(1)")

    run = read_with(config, before)
    assert run.returncode != 0
    stream_errors = [e for e in run.errors if e.get("stream_descriptor")]
    assert [e["failure_type"] for e in stream_errors] == ["config_error"]
    assert "'legacy_code'" in stream_errors[0]["message"]
    assert "Traceback" not in stream_errors[0]["message"]
    assert run.records == []


def test_a_column_whose_type_changed_is_read_as_it_is_now_and_reported(tables, config):
    create(tables, "retyped", "id INT, amount INT", "(1, 10)")
    before = discovered_stream(config, NAMESPACE, "retyped")
    create(tables, "retyped", "id INT, amount STRING", "(1, 'ten')")

    run = read_with(config, before)
    assert run.returncode == 0, run.errors
    assert [r["data"] for r in run.records] == [{"id": 1, "amount": "ten"}]
    warnings = [w for w in logs(run, "WARN") if "'amount' changed type" in w]
    assert len(warnings) == 1, logs(run, "WARN")
    assert "string" in warnings[0] and '"integer"' in warnings[0]

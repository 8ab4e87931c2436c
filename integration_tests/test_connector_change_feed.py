"""Incremental from Delta Change Data Feed through the real main.py against the local workspace."""

from __future__ import annotations

import pytest

from integration_tests.connector_process import (
    configured_catalog,
    discovered_stream,
    final_state,
    run_connector,
    state_input,
)
from integration_tests.workspace_sql import Tables, tables_in

SCHEMA = "cdf_tests"
NAMESPACE = f"main.{SCHEMA}"
TABLE = f"main.{SCHEMA}.accounts"


@pytest.fixture(scope="module")
def tables(demo_workspace) -> Tables:
    with tables_in(demo_workspace, SCHEMA) as tables:
        yield tables


@pytest.fixture(scope="module")
def config(connector_config) -> dict:
    replication = {"method": "change_data_feed", "when_history_is_gone": "fail"}
    return {**connector_config, "include_schemas": [SCHEMA], "replication": replication}


def stream_of(config: dict, name: str) -> dict:
    return discovered_stream(config, NAMESPACE, name)


def sync(config: dict, stream: dict, state=None, expect_ok: bool = True):
    run = run_connector(
        "read", config=config, catalog=configured_catalog([stream], "incremental"), state=state
    )
    if expect_ok:
        assert run.returncode == 0, run.stdout[-3000:]
    return run


def by_id(run) -> dict[int, dict]:
    return {r["data"]["id"]: r["data"] for r in run.records}


def test_snapshot_then_inserts_updates_and_deletes(tables, config):
    tables.run(
        f"CREATE OR REPLACE TABLE {TABLE} (id INT NOT NULL, balance DECIMAL(18,2), "
        "CONSTRAINT accounts_pk PRIMARY KEY (id)) TBLPROPERTIES (delta.enableChangeDataFeed = true)"
    )
    tables.run(f"INSERT INTO {TABLE} VALUES (1, 10.00), (2, 20.00), (3, 30.00)")
    stream = stream_of(config, "accounts")
    assert stream["source_defined_cursor"] is True
    assert stream["default_cursor_field"] == ["_ab_cdc_cursor"]
    assert {"_ab_cdc_updated_at", "_ab_cdc_deleted_at", "_ab_cdc_cursor"} <= set(
        stream["json_schema"]["properties"]
    )

    snapshot = sync(config, stream)
    assert sorted(by_id(snapshot)) == [1, 2, 3]
    version = final_state(snapshot)["change_feed_version"]
    assert final_state(snapshot) == {
        "change_feed_version": version,
        "snapshot_complete": True,
        "snapshot_position": None,
        "snapshot_records": 0,
    }
    assert {r["_ab_cdc_cursor"] for r in by_id(snapshot).values()} == {version}
    assert all(r["_ab_cdc_deleted_at"] is None for r in by_id(snapshot).values())

    quiet = sync(config, stream, state_input(snapshot.states[-1]))
    assert quiet.records == []
    assert final_state(quiet)["change_feed_version"] == version

    tables.run(f"UPDATE {TABLE} SET balance = 25.50 WHERE id = 2")
    tables.run(f"DELETE FROM {TABLE} WHERE id = 3")
    tables.run(f"INSERT INTO {TABLE} VALUES (4, 40.00)")
    changes = sync(config, stream, state_input(quiet.states[-1]))
    records = by_id(changes)
    assert sorted(records) == [2, 3, 4]  # the update's post-image only, the delete, the insert
    assert len(changes.records) == 3
    assert records[2]["balance"] == 25.5 and records[2]["_ab_cdc_deleted_at"] is None
    assert records[3]["_ab_cdc_deleted_at"] == records[3]["_ab_cdc_updated_at"] is not None
    assert [records[i]["_ab_cdc_cursor"] for i in (2, 3, 4)] == [
        version + 1,
        version + 2,
        version + 3,
    ]
    assert final_state(changes)["change_feed_version"] == version + 3


def test_a_table_without_change_data_feed_is_a_config_error_saying_how_to_enable_it(tables, config):
    tables.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.plain (id INT)")
    run = sync(config, stream_of(config, "plain"), expect_ok=False)
    assert run.returncode != 0
    assert run.errors[0]["failure_type"] == "config_error"
    assert "delta.enableChangeDataFeed" in run.errors[0]["message"]


@pytest.mark.parametrize("when_gone", ["fail", "resnapshot"])
def test_when_history_no_longer_reaches_the_saved_version(tables, config, when_gone):
    name = f"gone_{when_gone}"
    tables.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.{name} (id INT) "
        "TBLPROPERTIES (delta.enableChangeDataFeed = true)"
    )
    tables.run(f"INSERT INTO main.{SCHEMA}.{name} VALUES (1)")
    settings = {
        **config,
        "replication": {"method": "change_data_feed", "when_history_is_gone": when_gone},
    }
    stream = stream_of(settings, name)
    first = sync(settings, stream)
    tables.run(f"INSERT INTO main.{SCHEMA}.{name} VALUES (2)")
    tables.run(f"INSERT INTO main.{SCHEMA}.{name} VALUES (3)")
    tables.run(f"VACUUM main.{SCHEMA}.{name} RETAIN 0 HOURS")
    later = sync(
        settings, stream, state_input(first.states[-1]), expect_ok=when_gone == "resnapshot"
    )
    if when_gone == "fail":
        assert later.returncode != 0
        assert later.errors[0]["failure_type"] == "config_error"
        assert "Reset the stream" in later.errors[0]["message"]
    else:
        assert sorted(by_id(later)) == [1, 2, 3]
        assert final_state(later)["snapshot_complete"] is True

"""Each kind of table the warehouse lists has a stated behaviour (README: "Kinds of tables")."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import configured_catalog, run_connector

DELTA = {"managed_table", "external_table"}
NOT_DELTA = {"view", "materialized_view", "streaming_table", "foreign_table"}


@pytest.fixture(scope="module")
def config(demo_workspace) -> dict:
    replication = {"method": "change_data_feed"}
    return config_for(demo_workspace, include_schemas=["table_kinds"], replication=replication)


@pytest.fixture(scope="module")
def streams(config) -> dict[str, dict]:
    run = run_connector("discover", config=config)
    return {s["name"]: s for s in run.of_type("CATALOG")[0]["catalog"]["streams"]}


def test_every_kind_is_discovered(streams):
    assert set(streams) == DELTA | NOT_DELTA


def test_only_delta_tables_offer_change_data_feed(streams):
    for name, stream in streams.items():
        has_feed = stream.get("source_defined_cursor") is True
        assert has_feed is (name in DELTA), name
        assert ("_ab_cdc_cursor" in stream["json_schema"]["properties"]) is (name in DELTA)


def test_every_kind_reads_in_full_refresh_and_only_delta_tables_pin_a_version(config, streams):
    run = run_connector("read", config=config, catalog=configured_catalog(list(streams.values())))
    assert run.returncode == 0, run.stdout[-3000:]
    for name in streams:
        assert run.statuses(name, "main.table_kinds")[-1] == "COMPLETE"
    warnings = [m["log"]["message"] for m in run.of_type("LOG") if m["log"]["level"] == "WARN"]
    assert not [w for w in warnings if "no version to pin" in w], warnings
    assert len([r for r in run.records if r["stream"] == "managed_table"]) == 5


def test_a_view_reads_incrementally_by_cursor(config, streams):
    view = streams["view"]
    catalog = configured_catalog([view], "incremental")
    catalog["streams"][0]["cursor_field"] = ["id"]
    run = run_connector("read", config=config, catalog=catalog)
    assert run.returncode == 0, run.stdout[-3000:]
    assert sorted(r["data"]["id"] for r in run.records) == [2, 3, 4]
    assert run.states[-1]["stream"]["stream_state"] == {"cursor_field": "id", "cursor": "4"}

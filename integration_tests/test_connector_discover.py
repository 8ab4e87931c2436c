"""discover through the real main.py: namespaced streams, exact JSON schemas, primary keys."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import configured_catalog, run_connector
from integration_tests.workspace_sql import Tables
from local_workspace import demo_data

NAMESPACE = f"{demo_data.CATALOG}.{demo_data.SCHEMA}"
TS_TZ = {"format": "date-time", "airbyte_type": "timestamp_with_timezone"}
TS_NTZ = {"format": "date-time", "airbyte_type": "timestamp_without_timezone"}
EXPECTED_SCHEMA = {
    "INT": {"type": ["null", "integer"]},
    "TINYINT": {"type": ["null", "integer"]},
    "SMALLINT": {"type": ["null", "integer"]},
    "BIGINT": {"type": ["null", "integer"]},
    "FLOAT": {"type": ["null", "number"]},
    "DOUBLE": {"type": ["null", "number"]},
    "DECIMAL(38,18)": {"type": ["null", "number"]},
    "STRING": {"type": ["null", "string"]},
    "BINARY": {"type": ["null", "string"], "contentEncoding": "base64"},
    "BOOLEAN": {"type": ["null", "boolean"]},
    "DATE": {"type": ["null", "string"], "format": "date"},
    "TIMESTAMP": {"type": ["null", "string"], **TS_TZ},
    "TIMESTAMP_NTZ": {"type": ["null", "string"], **TS_NTZ},
}


@pytest.fixture(scope="module")
def catalog(connector_config) -> dict[tuple[str, str], dict]:
    run = run_connector("discover", config=connector_config)
    assert run.returncode == 0, run.stderr
    (message,) = run.of_type("CATALOG")
    return {(s["namespace"], s["name"]): s for s in message["catalog"]["streams"]}


def test_every_demo_table_is_a_stream_named_by_table_in_a_catalog_schema_namespace(catalog):
    assert {(NAMESPACE, "all_types"), (NAMESPACE, "customers"), (NAMESPACE, "events")} <= set(
        catalog
    )


def test_all_types_columns_map_to_exact_json_schemas(catalog):
    properties = catalog[(NAMESPACE, "all_types")]["json_schema"]["properties"]
    expected = {name: EXPECTED_SCHEMA[kind] for name, kind in demo_data.ALL_TYPES_COLUMNS}
    assert properties == expected


@pytest.mark.parametrize(
    ("table", "declared"),
    [
        ("customers", demo_data.CUSTOMERS_PRIMARY_KEY),
        ("order_items", demo_data.ORDER_ITEMS_PRIMARY_KEY),
        ("events", demo_data.EVENTS_PRIMARY_KEY),
    ],
)
def test_declared_primary_keys_are_source_defined_in_key_order(catalog, table, declared):
    _, columns = declared
    assert catalog[(NAMESPACE, table)]["source_defined_primary_key"] == [[c] for c in columns]


def test_a_table_without_a_key_declares_none(catalog):
    assert not catalog[(NAMESPACE, "all_types")].get("source_defined_primary_key")


def test_not_null_columns_are_not_nullable(catalog):
    properties = catalog[(NAMESPACE, "customers")]["json_schema"]["properties"]
    assert properties["customer_id"] == {"type": "integer"}


def test_streams_offer_full_refresh(catalog):
    for stream in catalog.values():
        assert "full_refresh" in stream["supported_sync_modes"]


def test_hive_metastore_tables_are_discovered_through_show_and_describe(demo_workspace):
    tables = Tables(demo_workspace)
    tables.run("CREATE SCHEMA IF NOT EXISTS hive_metastore.legacy")
    tables.run(
        "CREATE OR REPLACE TABLE hive_metastore.legacy.orders "
        "(id BIGINT, amount DECIMAL(10,2), placed_at TIMESTAMP)"
    )
    tables.run("INSERT INTO hive_metastore.legacy.orders VALUES (7, 12.50, NULL)")
    tables.run(
        "CREATE OR REPLACE VIEW hive_metastore.legacy.big_orders AS "
        "SELECT id FROM hive_metastore.legacy.orders WHERE amount > 10"
    )
    tables.close()
    config = config_for(demo_workspace, catalogs=["hive_metastore"], include_schemas=["legacy"])
    run = run_connector("discover", config=config)
    streams = {s["name"]: s for s in run.of_type("CATALOG")[0]["catalog"]["streams"]}
    assert set(streams) == {"orders", "big_orders"}
    assert streams["orders"]["namespace"] == "hive_metastore.legacy"
    assert streams["orders"]["json_schema"]["properties"]["amount"] == {"type": ["null", "number"]}
    read = run_connector(
        "read",
        config=config,
        catalog=configured_catalog([streams["orders"], streams["big_orders"]]),
    )
    assert read.returncode == 0, read.stdout[-2000:]
    assert sorted((r["stream"], r["data"]["id"]) for r in read.records) == [
        ("big_orders", 7),
        ("orders", 7),
    ]

"""read through the real main.py: exact values, every row, statuses, state and counts."""

from __future__ import annotations

import base64
import json
import re
import struct
from datetime import date, datetime
from decimal import Decimal

import pytest

from integration_tests.connector_process import configured_catalog, run_connector
from local_workspace import demo_data

NAMESPACE = f"{demo_data.CATALOG}.{demo_data.SCHEMA}"
RFC3339_UTC_MICROS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
FULL_REFRESH_COMPLETE = {"__ab_full_refresh_sync_complete": True}
NO_CURSOR = {"__ab_no_cursor_state_message": True}
ISO_NAIVE_MICROS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


@pytest.fixture(scope="module")
def discovered(connector_config) -> dict[str, dict]:
    run = run_connector("discover", config=connector_config)
    streams = run.of_type("CATALOG")[0]["catalog"]["streams"]
    return {s["name"]: s for s in streams if s["namespace"] == NAMESPACE}


@pytest.fixture(scope="module")
def all_types_lines(connector_config, discovered) -> list[str]:
    catalog = configured_catalog([discovered["all_types"]])
    run = run_connector("read", config=connector_config, catalog=catalog)
    assert run.returncode == 0, run.stderr
    return [line for line in run.stdout.splitlines() if '"type":"RECORD"' in line]


def as_float32(value: float) -> bytes:
    return struct.pack("<f", value)


def assert_value_matches_literal(kind: str, got: object, literal: object) -> None:
    """Compare a JSON value with the seed's Python literal, independently of the connector."""
    if literal is None:
        assert got is None
    elif kind == "FLOAT":
        # A FLOAT prints its shortest 32-bit text; it must name the same 32-bit value.
        assert as_float32(float(got)) == as_float32(literal)
    elif kind == "DOUBLE":
        assert float(got) == literal
    elif kind.startswith("DECIMAL"):
        assert isinstance(got, Decimal) and got == literal
    elif kind == "BINARY":
        assert base64.b64decode(got, validate=True) == literal
    elif kind == "DATE":
        assert date.fromisoformat(got) == literal
    elif kind == "TIMESTAMP":
        assert RFC3339_UTC_MICROS.match(got) and datetime.fromisoformat(got) == literal
    elif kind == "TIMESTAMP_NTZ":
        assert ISO_NAIVE_MICROS.match(got) and datetime.fromisoformat(got) == literal
    else:
        assert got == literal and type(got) is type(literal)


def test_every_all_types_value_equals_the_seed_literal(all_types_lines):
    # Decimals are parsed as Decimal from the JSON text: no float ever touches their digits.
    records = [json.loads(line, parse_float=Decimal)["record"] for line in all_types_lines]
    by_id = {r["data"]["id"]: r["data"] for r in records}
    assert sorted(by_id) == [row["id"] for row in demo_data.ALL_TYPES_ROWS]
    for row in demo_data.ALL_TYPES_ROWS:
        for name, kind in demo_data.ALL_TYPES_COLUMNS:
            try:
                assert_value_matches_literal(kind, by_id[row["id"]][name], row[name])
            except AssertionError as failure:
                raise AssertionError(f"row {row['id']} column {name}: {failure}") from failure


def test_decimal_38_18_extremes_keep_every_digit_in_the_json_text(all_types_lines):
    text = "\n".join(all_types_lines)
    assert f'"c_decimal":{demo_data.DECIMAL_38_18_MAX}' in text
    assert f'"c_decimal":{demo_data.DECIMAL_38_18_MIN}' in text


def test_full_refresh_of_all_streams_delivers_every_row_with_statuses_state_and_counts(
    connector_config, discovered
):
    catalog = configured_catalog(list(discovered.values()))
    run = run_connector("read", config=connector_config, catalog=catalog)
    assert run.returncode == 0, run.stderr
    expected = {
        "all_types": len(demo_data.ALL_TYPES_ROWS),
        "customers": len(demo_data.CUSTOMERS_ROWS),
        "order_items": len(demo_data.ORDER_ITEMS_ROWS),
        "events": demo_data.EVENTS_ROWS,
    }
    counted: dict[str, int] = {}
    for record in run.records:
        assert record["namespace"] == NAMESPACE
        counted[record["stream"]] = counted.get(record["stream"], 0) + 1
    assert counted == expected
    event_ids = {r["data"]["event_id"] for r in run.records if r["stream"] == "events"}
    assert len(event_ids) == demo_data.EVENTS_ROWS
    for name, count in expected.items():
        assert run.statuses(name, NAMESPACE) == ["STARTED", "RUNNING", "COMPLETE"]
        states = [s for s in run.states if s["stream"]["stream_descriptor"]["name"] == name]
        assert {s["stream"]["stream_descriptor"]["namespace"] for s in states} == {NAMESPACE}
        assert sum(s["sourceStats"]["recordCount"] for s in states) == count
        final = states[-1]["stream"]["stream_state"]
        has_key = name != "all_types"
        assert final == (FULL_REFRESH_COMPLETE if has_key else NO_CURSOR)
    assert run.non_json_lines == []


def test_a_configured_stream_that_no_longer_exists_fails_alone_with_a_config_error(
    connector_config, discovered
):
    gone = {**discovered["customers"], "name": "dropped_table"}
    catalog = configured_catalog([gone, discovered["customers"]])
    run = run_connector("read", config=connector_config, catalog=catalog)
    assert run.returncode != 0
    assert run.statuses("dropped_table", NAMESPACE) == ["STARTED", "INCOMPLETE"]
    assert run.statuses("customers", NAMESPACE) == ["STARTED", "RUNNING", "COMPLETE"]
    (error, *_) = run.errors
    assert error["failure_type"] == "config_error"
    assert "dropped_table" in error["message"]
    assert len([r for r in run.records if r["stream"] == "customers"]) == len(
        demo_data.CUSTOMERS_ROWS
    )


def test_selecting_some_columns_reads_only_those(connector_config, discovered):
    stream = dict(discovered["customers"])
    stream["json_schema"] = {
        "type": "object",
        "properties": {"customer_id": stream["json_schema"]["properties"]["customer_id"]},
    }
    run = run_connector("read", config=connector_config, catalog=configured_catalog([stream]))
    assert run.returncode == 0, run.stderr
    assert [r["data"] for r in run.records] == [
        {"customer_id": row["customer_id"]} for row in demo_data.CUSTOMERS_ROWS
    ]

"""Big tables read as key ranges by several workers, through main.py, resumable range by range.

Every state of a partitioned refresh lists all ranges with their progress; the tests check that
each state is truthful for the records written before it, that a sync resumed from any of them
delivers the rest (skipping finished ranges), and that a fault inside a range is survived in the
same run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    ConnectorRun,
    configured_catalog,
    run_connector,
    state_input,
)
from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.workspace_sql import Tables

SCHEMA = "ranges"
NAMESPACE = f"main.{SCHEMA}"
ROWS = 150_000
DAYS, PER_DAY = 240, 250  # the composite table: (day, n), many rows per first key value
SMALL = 1_000
WORKERS = 3
START = dt.date(2020, 1, 1)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    with running_workspace(tmp_path_factory.mktemp("ranges-workspace")) as workspace:
        tables = Tables(workspace)
        try:
            tables.run(f"CREATE SCHEMA main.{SCHEMA}")
            for name, rows in (("big", ROWS), ("small", SMALL)):
                tables.run(
                    f"CREATE TABLE main.{SCHEMA}.{name} (id BIGINT NOT NULL, v STRING, "
                    f"CONSTRAINT {name}_pk PRIMARY KEY (id))"
                )
                tables.run(
                    f"INSERT INTO main.{SCHEMA}.{name} SELECT id, 'v' || id FROM range({rows})"
                )
            tables.run(
                f"CREATE TABLE main.{SCHEMA}.composite (day DATE NOT NULL, n INT NOT NULL, "
                "CONSTRAINT composite_pk PRIMARY KEY (day, n))"
            )
            tables.run(
                f"INSERT INTO main.{SCHEMA}.composite SELECT "
                f"date_add(DATE'{START}', CAST(id % {DAYS} AS INT)), CAST(id DIV {DAYS} AS INT) "
                f"FROM range({DAYS * PER_DAY})"
            )
        finally:
            tables.close()
        yield workspace


@pytest.fixture(scope="module")
def config(workspace) -> dict:
    return config_for(
        workspace,
        include_schemas=[SCHEMA],
        max_workers=WORKERS,
        partition_min_rows=50_000,
        checkpoint_interval=20_000,
    )


def stream(name: str, *columns: str) -> dict:
    schema = {"type": "object", "properties": {c: {} for c in columns}}
    modes = ["full_refresh"]
    return {
        "name": name,
        "namespace": NAMESPACE,
        "json_schema": schema,
        "supported_sync_modes": modes,
    }


BIG = stream("big", "id", "v")


def read(config: dict, streams: list[dict], state=None) -> ConnectorRun:
    run = run_connector("read", config=config, catalog=configured_catalog(streams), state=state)
    assert run.returncode == 0, run.errors
    return run


def ids(run: ConnectorRun, name: str = "big") -> list[int]:
    return [r["data"]["id"] for r in run.records if r["stream"] == name]


def states(run: ConnectorRun, name: str = "big") -> list[dict]:
    mine = [s for s in run.states if s["stream"]["stream_descriptor"]["name"] == name]
    return [s["stream"]["stream_state"] for s in mine]


def covered(state: dict) -> set[int]:
    """The ids a partitioned state says were emitted: each range up to its position, or whole."""
    ids: set[int] = set()
    for part in state["partitions"]:
        low = int(part["lower"]) if part["lower"] is not None else 0
        high = int(part["upper"]) if part["upper"] is not None else ROWS
        if part["position"] is not None and not part["done"]:
            high = int(part["position"][0])
        if part["done"] or part["position"] is not None:
            ids |= set(range(low, high))
    return ids


@pytest.fixture(scope="module")
def first_sync(config) -> ConnectorRun:
    return read(config, [BIG, stream("small", "id", "v")])


def test_a_big_table_is_read_as_key_ranges_whole_and_each_state_is_truthful(first_sync) -> None:
    assert Counter(ids(first_sync)) == Counter(range(ROWS))  # every row once: no fault, no repeat
    partitioned = states(first_sync)[:-1]
    assert states(first_sync)[-1] == {"__ab_full_refresh_sync_complete": True}
    assert all(len(state["partitions"]) == WORKERS for state in partitioned)
    bounds = [(p["lower"], p["upper"]) for p in partitioned[0]["partitions"]]
    assert all(state["version"] == partitioned[0]["version"] for state in partitioned)
    assert [(p["lower"], p["upper"]) for p in partitioned[-1]["partitions"]] == bounds
    assert all(part["done"] for part in partitioned[-1]["partitions"])
    written: list[int] = []
    for message in first_sync.messages:  # each state covers only records written before it
        if message["type"] == "RECORD" and message["record"]["stream"] == "big":
            written.append(message["record"]["data"]["id"])
        elif (
            message["type"] == "STATE"
            and "partitions" in message["state"]["stream"]["stream_state"]
        ):
            assert covered(message["state"]["stream"]["stream_state"]) <= set(written)
    # A table under partition_min_rows is read whole, as before.
    assert sorted(ids(first_sync, "small")) == list(range(SMALL))
    assert all("partitions" not in state for state in states(first_sync, "small"))


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_sync_resumed_from_any_partitioned_state_delivers_the_rest(
    config, first_sync, which
) -> None:
    partitioned = [s for s in first_sync.states if "partitions" in s["stream"]["stream_state"]]
    index = {"first": 0, "middle": len(partitioned) // 2, "last": len(partitioned) - 1}[which]
    state = partitioned[index]
    resumed = read(config, [BIG], state_input(state))
    assert covered(state["stream"]["stream_state"]) | set(ids(resumed)) == set(range(ROWS))
    for part in state["stream"]["stream_state"]["partitions"]:  # finished ranges are skipped
        if part["done"]:
            low, high = int(part["lower"] or 0), int(part["upper"] or ROWS)
            assert not set(range(low, high)) & set(ids(resumed))
    assert states(resumed)[-1] == {"__ab_full_refresh_sync_complete": True}


def test_a_fault_inside_a_range_is_survived_in_the_same_run(workspace, config) -> None:
    # Two ranges of 75,000 rows: each comes in two fetches, the first FetchResults is mid-range.
    switches = FaultSwitches(workspace)
    switches.clear()
    switches.arm(kind="drop_connection", rpc="FetchResults")
    try:
        run = read({**config, "max_workers": 2}, [BIG])
    finally:
        switches.clear()
    assert switches.injected("drop_connection") == 1
    assert set(ids(run)) == set(range(ROWS))
    assert len(ids(run)) - ROWS <= 50_000  # repeats: the failed range's rows since its checkpoint
    logs = "\n".join(m["log"]["message"] for m in run.of_type("LOG"))
    assert "attempt 1 of 3 failed" in logs and "keys [" in logs


def test_a_composite_key_is_split_on_its_first_column(config) -> None:
    run = read(config, [stream("composite", "day", "n")])
    rows = Counter((r["data"]["day"], r["data"]["n"]) for r in run.records)
    expected = {
        ((START + dt.timedelta(days=i % DAYS)).isoformat(), i // DAYS)
        for i in range(DAYS * PER_DAY)
    }
    assert set(rows) == expected and sum(rows.values()) == len(expected)
    partitioned = states(run, "composite")[0]["partitions"]
    assert len(partitioned) == WORKERS and partitioned[1]["lower"] is not None
    dt.date.fromisoformat(partitioned[1]["lower"])  # bounds are dates of the first key column

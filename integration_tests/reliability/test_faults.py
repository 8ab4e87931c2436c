"""The start of the fault matrix: faults of the SQL warehouse during a read, and what was lost.

Each row arms one fault on the workspace (`/local/faults`), reads a keyed table in full refresh
through `main.py`, and, when the read fails, checks it failed as transient and resumes once from
its last STATE. The ids delivered across both attempts are compared with the table: rows lost
must be 0, duplicates are counted (at-least-once), and the server must have injected the fault.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from integration_tests.connector_process import ConnectorRun, configured_catalog
from integration_tests.fault_switches import FaultSwitches
from integration_tests.reliability.conftest import SCHEMA, run

TABLE = "fault_rows"
ROWS = (
    250_000  # several fetches (the connector fetches 50,000 rows at a time): FetchResults mid-read
)
STREAM = {
    "name": TABLE,
    "namespace": f"main.{SCHEMA}",
    "json_schema": {"type": "object", "properties": {}},
    "supported_sync_modes": ["full_refresh"],
}
FAULTS = {
    "503 on ExecuteStatement": {"kind": "unavailable", "rpc": "ExecuteStatement", "count": 2},
    "429 on ExecuteStatement": {"kind": "rate_limited", "rpc": "ExecuteStatement", "count": 2},
    "connection dropped mid-fetch": {"kind": "drop_connection", "rpc": "FetchResults", "skip": 1},
}


failed_reads: dict[str, ConnectorRun] = {}


@dataclass
class Outcome:
    fault: str
    runs: int
    survived: bool
    lost: int
    duplicates: int
    injected: int
    seconds: float


@pytest.fixture(scope="module")
def fault_config(sql, config) -> dict:
    sql.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.{TABLE} (id BIGINT NOT NULL, "
        "CONSTRAINT fault_rows_pk PRIMARY KEY (id))"
    )
    sql.run(f"INSERT INTO main.{SCHEMA}.{TABLE} SELECT id FROM range({ROWS})")
    return {**config, "include_tables": [TABLE], "checkpoint_interval": 50_000}


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    found: list[Outcome] = []
    yield found
    print("\nfault matrix: fault, runs, survived, rows lost, duplicates, injected, seconds")
    for o in found:
        print(
            f"  {o.fault:30} {o.runs:4} {'yes' if o.survived else 'NO':8} {o.lost:9} "
            f"{o.duplicates:10} {o.injected:8} {o.seconds:7.1f}"
        )


def ids(result: ConnectorRun) -> list[int]:
    return [r["data"]["id"] for r in result.records]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_loses_no_row(fault: str, fault_config, workspace, outcomes) -> None:
    switches = FaultSwitches(workspace)
    switches.clear()
    switches.arm(retry_after=1, **FAULTS[fault])
    catalog = configured_catalog([STREAM])
    try:
        first = run("read", config=fault_config, catalog=catalog)
    finally:
        switches.clear()
    attempts = [first]
    if first.returncode != 0:  # the stream failed as transient; its last state resumes
        failed_reads[fault] = first
        stream_errors = [e for e in first.errors if e.get("stream_descriptor")]
        assert [e["failure_type"] for e in stream_errors] == ["transient_error"], first.errors
        assert "Traceback" not in " ".join(e["message"] for e in first.errors)
        mine = [s for s in first.states if s["stream"]["stream_descriptor"]["name"] == TABLE]
        state = [{"type": "STREAM", "stream": mine[-1]["stream"]}] if mine else None
        attempts.append(run("read", config=fault_config, catalog=catalog, state=state))
        assert attempts[-1].returncode == 0, attempts[-1].errors
    delivered = Counter(i for attempt in attempts for i in ids(attempt))
    outcome = Outcome(
        fault=fault,
        runs=len(attempts),
        survived=first.returncode == 0,
        lost=len(set(range(ROWS)) - set(delivered)),
        duplicates=sum(delivered.values()) - len(delivered),
        injected=switches.injected(FAULTS[fault]["kind"]),
        seconds=sum(a.seconds for a in attempts),
    )
    outcomes.append(outcome)
    assert outcome.injected >= 1, "the fault never fired"
    assert outcome.lost == 0
    assert set(delivered) <= set(range(ROWS))
    for attempt in attempts:
        assert attempt.non_json_lines == []


def test_a_transient_failure_is_transient_in_every_error_trace() -> None:
    result = failed_reads.get("connection dropped mid-fetch")
    if result is None:
        pytest.skip("the dropped connection did not fail the read")
    assert {e["failure_type"] for e in result.errors} == {"transient_error"}, result.errors

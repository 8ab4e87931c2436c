"""The fault matrix: faults of the SQL warehouse during a read, and what was lost.

Each row arms one fault on the workspace (`/local/faults`), reads a keyed table in full refresh
through `main.py`, and, when the read fails, checks it failed as transient and resumes once from
its last STATE. The ids delivered across both attempts are compared with the table: rows lost
must be 0, duplicates are counted (at-least-once), and the server must have injected the fault.

503/429 on connect and execute are retried by the SQL client inside one run; the connector bounds
its waits (BOUNDED_RETRIES: each retry waits max(Retry-After, _retry_delay_max) = 5 s where the
client's default is 60 s), so such a run may take at most a clean read plus 5 s per injected fault
plus slack. On FetchResults the client retries too, until its attempt budget is spent (7 faults
in a row); the read then fails as transient, or resumes in the process, from its last state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from integration_tests.connector_process import ConnectorRun, configured_catalog
from integration_tests.fault_switches import FaultSwitches
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import SCHEMA, run
from source_databricks.tables.warehouse import BOUNDED_RETRIES

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
RETRY_WAIT = BOUNDED_RETRIES["_retry_delay_max"]  # the client waits at least this per retry
# One more fault than the client's retries of one request: 1 + _retry_stop_after_attempts_count
# attempts fit in _retry_stop_after_attempts_duration (6 waits of 5 s > 30 s stops it earlier).
EXHAUSTING = BOUNDED_RETRIES["_retry_stop_after_attempts_count"] + 1
# A run retried in the client may take a clean read's time plus its waits plus this: room for a
# loaded 2-core CI machine (start-up and scheduling vary by many seconds), yet below the 60 s one
# retry alone waits at the client's defaults, so an unbounded retry still fails the row.
SLACK_SECONDS = 30.0
MID_FETCH = {"rpc": "FetchResults", "skip": 1}  # the 2nd page: records and a state delivered
FAULTS = {
    "503 on connect": {"kind": "unavailable", "rpc": "OpenSession"},
    "429 on connect": {"kind": "rate_limited", "rpc": "OpenSession"},
    "503 on execute": {"kind": "unavailable", "rpc": "ExecuteStatement"},
    "429 on execute": {"kind": "rate_limited", "rpc": "ExecuteStatement"},
    "503 on fetch, retries spent": {"kind": "unavailable", "count": EXHAUSTING, **MID_FETCH},
    "429 on fetch, retries spent": {"kind": "rate_limited", "count": EXHAUSTING, **MID_FETCH},
    "connection dropped mid-fetch": {"kind": "drop_connection", **MID_FETCH},
    "session expired mid-read": {"kind": "expire_session", **MID_FETCH},
    "warehouse stopped mid-sync": {"kind": "stop_warehouse", **MID_FETCH},
    "statement canceled by another": {"kind": "cancel_statement", **MID_FETCH},
    # Beyond the connector's own attempts (3): the sync fails as transient, the next one resumes.
    "connection dropped on every fetch": {"kind": "drop_connection", "count": 0, **MID_FETCH},
}
RETRIED_IN_ONE_RUN = {name for name in FAULTS if name.endswith(("connect", "execute"))}
# What the read must have hit (in its error, or in the log of its resume): proof that the fault
# reached the client as it would on Databricks.
CLIENT_SAW = {
    "503 on fetch, retries spent": "max retry duration",
    "429 on fetch, retries spent": "max retry duration",
    "connection dropped mid-fetch": "Connection broken",
    "session expired mid-read": "[INVALID_HANDLE.",
    "warehouse stopped mid-sync": "[INVALID_HANDLE.",
    "statement canceled by another": "[CANCELED]",
    "connection dropped on every fetch": "Connection broken",
}
PERSISTENT = "connection dropped on every fetch"
CLIENT_RETRIES = "the SQL client's retries"
IN_PROCESS = "the connector, from its last checkpoint"
NEXT_SYNC = "the next sync, from the last state"


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
    recovered_by: str


@pytest.fixture(scope="module")
def fault_config(sql, config) -> dict:
    sql.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.{TABLE} (id BIGINT NOT NULL, "
        "CONSTRAINT fault_rows_pk PRIMARY KEY (id))"
    )
    sql.run(f"INSERT INTO main.{SCHEMA}.{TABLE} SELECT id FROM range({ROWS})")
    return {**config, "include_tables": [TABLE], "checkpoint_interval": 50_000}


@pytest.fixture(scope="module")
def clean_read_seconds(fault_config) -> float:
    """How long the read takes without a fault: the base of the retried rows' time bound."""
    result = run("read", config=fault_config, catalog=configured_catalog([STREAM]))
    assert result.returncode == 0, result.errors
    assert sorted(ids(result)) == list(range(ROWS))
    return result.seconds


@pytest.fixture(scope="module")
def outcomes(clean_read_seconds: float) -> list[Outcome]:
    found: list[Outcome] = []
    yield found
    print(f"\nfault matrix (a clean read of {ROWS:,} rows: {clean_read_seconds:.1f} s)")
    print("  fault, runs, survived, rows lost, duplicates, injected, seconds, recovered by")
    for o in found:
        print(
            f"  {o.fault:30} {o.runs:4} {'yes' if o.survived else 'NO':8} {o.lost:9} "
            f"{o.duplicates:10} {o.injected:8} {o.seconds:7.1f}  {o.recovered_by}"
        )


def ids(result: ConnectorRun) -> list[int]:
    return [r["data"]["id"] for r in result.records]


def recovered_by(attempts: list[ConnectorRun]) -> str:
    """Who got the read past the fault: the next sync, the connector's resume, or the client."""
    if len(attempts) > 1:
        return NEXT_SYNC
    logs = [m["log"]["message"] for m in attempts[0].of_type("LOG")]
    return IN_PROCESS if any("resuming from" in message for message in logs) else CLIENT_RETRIES


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_loses_no_row(
    fault: str, fault_config, workspace, outcomes, clean_read_seconds: float
) -> None:
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
        assert [e["failure_type"] for e in stream_errors] == ["transient_error"], (
            first.returncode,
            first.errors,
            first.stderr[-3000:],
        )
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
        recovered_by=recovered_by(attempts),
    )
    outcomes.append(outcome)
    figures.record(
        "faults",
        fault,
        runs=outcome.runs,
        survived=outcome.survived,
        lost=outcome.lost,
        duplicates=outcome.duplicates,
        injected=outcome.injected,
        seconds=round(outcome.seconds, 1),
        recovered_by=outcome.recovered_by,
    )
    assert outcome.injected >= 1, "the fault never fired"
    assert outcome.lost == 0
    assert set(delivered) <= set(range(ROWS))
    for attempt in attempts:
        assert attempt.non_json_lines == []
    if fault in RETRIED_IN_ONE_RUN:
        assert outcome.recovered_by == CLIENT_RETRIES, first.errors
        bound = clean_read_seconds + outcome.injected * RETRY_WAIT + SLACK_SECONDS
        assert outcome.seconds < bound, f"{outcome.seconds:.1f} s: retries not bounded"
    if fault in CLIENT_SAW:
        assert outcome.recovered_by != CLIENT_RETRIES, "the read went on as if nothing happened"
        warnings = [m["log"]["message"] for m in first.of_type("LOG")]
        hit = " ".join([*warnings, *(e["message"] for e in first.errors)])
        assert CLIENT_SAW[fault] in hit, "the read did not hit the error the fault causes"
    if fault == PERSISTENT:
        assert outcome.recovered_by == NEXT_SYNC


def test_a_transient_failure_is_transient_in_every_error_trace() -> None:
    result = failed_reads.get(PERSISTENT)
    if result is None:
        pytest.skip(f"the row {PERSISTENT!r} did not fail a read")
    assert {e["failure_type"] for e in result.errors} == {"transient_error"}, result.errors

"""Property: syncs interrupted at any checkpoint and resumed, with tables changing between syncs
as the contract allows, emit every row at least once with its final value.

Hypothesis makes small tables (ties, NULLs, microsecond TIMESTAMPs written with offsets and in
session time zones around DST changes and the epoch, TIMESTAMP_NTZ, DECIMAL(38,18) at its limits,
byte-ordered STRINGs, a three-column informational primary key whose values repeat), changes them
between syncs, and syncs them through the real main.py against the local workspace.
Each sync is "interrupted" at a random emitted STATE: only the records emitted before that state
count as delivered, and the next sync resumes from it (or, interrupted before any state, from the
state before). So every state a sync emits must be truthful.

- Incremental by cursor: every row whose final cursor is not NULL, or that existed at the first
  sync, is emitted with its final value by some sync that started after its last change.
- Resumable full refresh: the records of the syncs from a fresh start to the completion state,
  interruptions included, are exactly the rows of the version the refresh started on.
- Change Data Feed: applying every delivered record in cursor (commit version) order to an empty
  table, upserting by key and removing deletes, reproduces the final table exactly.

The connector fetches 100,000 rows per round trip and checkpoints between fetched batches, so a
small table would arrive in one batch with one state per sync: the syncs run main.py through
`small_fetch_main.py`, which lowers the fetch size to a few rows (there is no setting for it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from integration_tests.sync_property_tables import (
    DECIMALS_38_18,
    NAMESPACE,
    SCHEMA,
    STRINGS,
    TIMESTAMPS,
    TIMESTAMPS_NTZ,
    ChangeFeedTable,
    CursorTable,
    KeyedTable,
    Sql,
)

LAUNCHER = Path(__file__).with_name("small_fetch_main.py")
FULL_REFRESH_COMPLETE = {"__ab_full_refresh_sync_complete": True}
CDC_CURSOR, CDC_DELETED_AT = "_ab_cdc_cursor", "_ab_cdc_deleted_at"

# Each example runs main.py 2-5 times, and each run spends ~3 s of CPU importing its libraries:
# a few fixed examples keep the file near 2 minutes in CI. SYNC_PROPERTY_EXAMPLES=50 explores:
# that many examples, random ones (the seed is printed on failure). Shrinking is off so that a
# failure reports at once (with the falsifying draws) instead of re-running syncs for minutes.
EXPLORE = os.environ.get("SYNC_PROPERTY_EXAMPLES")
PROPERTY_SETTINGS = settings(
    max_examples=int(EXPLORE or 5),
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def db(demo_workspace) -> Iterator[Sql]:
    db = Sql(demo_workspace)
    db.run(f"CREATE SCHEMA IF NOT EXISTS main.{SCHEMA}")
    yield db
    db.close()


@pytest.fixture(scope="module")
def cursor_config(connector_config) -> dict[str, Any]:
    return {**connector_config, "include_schemas": [SCHEMA]}


@pytest.fixture(scope="module")
def change_feed_config(cursor_config) -> dict[str, Any]:
    replication = {"method": "change_data_feed", "when_history_is_gone": "fail"}
    return {**cursor_config, "replication": replication}


# ---------------------------------------------------------------------------------------------
# Syncs and interruptions.


@dataclass
class Run:
    """One sync's messages per stream, in order: ("record", data) or ("state", blob)."""

    messages: dict[str, list[tuple[str, Any]]]

    def delivered(self, draw: st.DrawFn, name: str, complete: bool) -> tuple[list[dict], Any]:
        """Interrupt this stream at a random emitted state (none, if `complete`): the records
        emitted before it and that state, or ([], None) when interrupted before any state."""
        messages = self.messages.get(name, [])
        states = [index for index, (kind, _) in enumerate(messages) if kind == "state"]
        assert states, f"the sync emitted no state for {name}"
        if complete:  # records after the last state too: a state repeating itself is not sent
            records = [body for kind, body in messages if kind == "record"]
            return records, messages[states[-1]][1]
        chosen = draw(st.integers(-1, len(states) - 1), label=f"interrupt {name} at state")
        event("states per sync", "1" if len(states) == 1 else "2-5" if len(states) <= 5 else ">5")
        event("interrupted", "before any state" if chosen < 0 else "at a state")
        if chosen < 0:
            return [], None
        end = states[chosen]
        records = [body for kind, body in messages[:end] if kind == "record"]
        return records, messages[end][1]


def sync(
    draw: st.DrawFn,
    config: dict[str, Any],
    streams: list[dict[str, Any]],
    states: dict[str, Any],
) -> Run:
    """`main.py read` fetching a few rows at a time, from the given per-stream states."""
    fetch_rows = draw(st.integers(1, 4), label="rows per fetch")
    interval = draw(st.sampled_from([1, 1, 2, 3]), label="checkpoint_interval")
    state = [
        {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": name, "namespace": NAMESPACE},
                "stream_state": blob,
            },
        }
        for name, blob in states.items()
        if blob is not None
    ]
    files = {
        "config": {**config, "checkpoint_interval": interval},
        "catalog": {"streams": streams},
        "state": state,
    }
    with tempfile.TemporaryDirectory() as tmp:
        arguments = [sys.executable, str(LAUNCHER), str(fetch_rows), "read"]
        for option, content in files.items():
            path = Path(tmp, f"{option}.json")
            path.write_text(json.dumps(content))
            arguments += [f"--{option}", str(path)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "ARM_"))}
        done = subprocess.run(arguments, capture_output=True, text=True, env=env, timeout=300)
    messages: dict[str, list[tuple[str, Any]]] = {}
    errors = []
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        message = json.loads(line, parse_float=Decimal)  # every digit of a DECIMAL
        if message["type"] == "RECORD":
            record = message["record"]
            messages.setdefault(record["stream"], []).append(("record", record["data"]))
        elif message["type"] == "STATE":
            stream = message["state"]["stream"]
            name = stream["stream_descriptor"]["name"]
            messages.setdefault(name, []).append(("state", stream["stream_state"]))
        elif message["type"] == "TRACE" and message["trace"]["type"] == "ERROR":
            error = message["trace"]["error"]
            errors.append(f"{error['message']}\n{error.get('stack_trace') or ''}")
    assert done.returncode == 0 and not errors, "\n".join([*errors, done.stderr[-3000:]])
    return Run(messages)


def catalog_entry(name: str, columns: list[str], mode: str, cursor: str | None) -> dict:
    stream = {
        "name": name,
        "namespace": NAMESPACE,
        "json_schema": {"type": "object", "properties": {c: {} for c in columns}},
        "supported_sync_modes": ["full_refresh", "incremental"],
    }
    entry = {"stream": stream, "sync_mode": mode, "destination_sync_mode": "append"}
    return entry | ({"cursor_field": [cursor]} if cursor else {})


def some(draw: st.DrawFn, keys: Any, label: str, most: int = 3) -> list:
    """A few distinct members of `keys` (none when it is empty)."""
    keys = sorted(keys)
    if not keys:
        return []
    return draw(st.lists(st.sampled_from(keys), min_size=1, max_size=most, unique=True), label)


# ---------------------------------------------------------------------------------------------
# Incremental by cursor, and resumable full refresh, in the same syncs.


def change_cursor_table(db: Sql, draw: st.DrawFn, table: CursorTable, run: int) -> None:
    """Inserts and updates at or above the highest cursor so far; deletes; late NULL inserts."""
    operations = st.sampled_from(["insert", "update", "delete", "insert NULL"])
    for operation in draw(st.lists(operations, max_size=3), label=f"changes to {table.name}"):
        rising = (
            table.values.initial() if table.high is None else table.values.at_or_above(table.high)
        )
        if operation == "insert":
            cursors = draw(st.lists(rising, min_size=1, max_size=4), label="inserted cursors")
            table.insert(db, draw, cursors, run)
        elif operation == "insert NULL":
            table.insert(db, draw, [None] * draw(st.integers(1, 2)), run)
        elif operation == "update":
            uids = some(draw, table.rows, "updated rows")
            table.update(db, draw, uids, draw(rising, label="updated cursor"), run)
        else:
            table.delete(db, some(draw, table.rows, "deleted rows"))


def change_keyed_table(db: Sql, draw: st.DrawFn, table: KeyedTable) -> None:
    operations = st.sampled_from(["insert", "update", "delete"])
    for operation in draw(st.lists(operations, max_size=3), label=f"changes to {table.name}"):
        if operation == "insert":
            table.insert(db, draw, draw(st.integers(1, 4)))
        elif operation == "update":
            table.update(db, draw, some(draw, table.rows, "updated rows"))
        else:
            table.delete(db, some(draw, table.rows, "deleted rows"))


@dataclass
class RefreshCycles:
    """Resumable full refresh: from a start without position to the completion state."""

    snapshot: set[tuple[Any, ...]] = field(default_factory=set)
    delivered: set[tuple[Any, ...]] = field(default_factory=set)
    completed: int = 0

    def observe(
        self, resumed_from: Any, snapshot: set, records: list[dict], state: Any, run: int
    ) -> None:
        if not resumed_from or resumed_from == FULL_REFRESH_COMPLETE:
            self.snapshot, self.delivered = snapshot, set()  # a new refresh, a new version
        self.delivered |= {KeyedTable.record_tuple(r) for r in records}
        if state == FULL_REFRESH_COMPLETE:
            missing = self.snapshot - self.delivered
            extra = self.delivered - self.snapshot
            assert not missing and not extra, (
                f"full refresh completed in sync {run}: missing {sorted(missing)}, "
                f"not in the version it started on {sorted(extra)}"
            )
            self.completed += 1


@PROPERTY_SETTINGS
@given(data=st.data())
def test_cursor_and_full_refresh_syncs_deliver_every_row(db, cursor_config, data):
    draw = data.draw
    cursor_tables = [
        CursorTable("by_timestamp", TIMESTAMPS),
        CursorTable("by_timestamp_ntz", TIMESTAMPS_NTZ),
        CursorTable("by_decimal", DECIMALS_38_18),
        CursorTable("by_string", STRINGS),
    ]
    keyed = KeyedTable("by_key")
    for table in cursor_tables:
        table.create(db)
        initial = st.one_of(st.none(), table.values.initial())
        table.insert(db, draw, draw(st.lists(initial, max_size=12), label=table.name), run=0)
    keyed.create(db)
    keyed.insert(db, draw, draw(st.integers(0, 12), label=keyed.name))
    cursor_columns = ["uid", "c", "rev", "note"]
    streams = [catalog_entry(t.name, cursor_columns, "incremental", "c") for t in cursor_tables]
    streams.append(catalog_entry(keyed.name, ["k", "s", "t", "uid", "v"], "full_refresh", None))

    states: dict[str, Any] = {}
    delivered: dict[str, list[tuple[int, dict]]] = {t.name: [] for t in cursor_tables}
    history: dict[str, list[str]] = {t.name: [] for t in cursor_tables}  # for failure reports
    cycles = RefreshCycles()
    interrupted_syncs = draw(st.integers(1, 3), label="interrupted syncs")
    for run in range(interrupted_syncs + 1):
        complete = run == interrupted_syncs  # the last sync runs to its end
        if run:
            for table in cursor_tables:
                change_cursor_table(db, draw, table, run)
            change_keyed_table(db, draw, keyed)
        for table in [*cursor_tables, keyed]:
            table.check_model(db)
        snapshot = keyed.snapshot()
        result = sync(draw, cursor_config, streams, states)
        for table in cursor_tables:
            records, state = result.delivered(draw, table.name, complete)
            delivered[table.name] += [(run, table.normalized(r)) for r in records]
            history[table.name].append(
                f"sync {run} from {states.get(table.name)}: "
                f"{[(r['uid'], r['c']) for r in records]} then {state}"
            )
            states[table.name] = states.get(table.name) if state is None else state
        records, state = result.delivered(draw, keyed.name, complete)
        cycles.observe(states.get(keyed.name), snapshot, records, state, run)
        states[keyed.name] = states.get(keyed.name) if state is None else state

    assert cycles.completed, "the last full refresh did not complete"
    for table in cursor_tables:
        lost = []
        for uid in sorted(set(table.rows) - table.exempt):
            wanted, since = table.record(uid), table.changed_before_run[uid]
            if not any(run >= since and r == wanted for run, r in delivered[table.name]):
                lost.append(wanted)
        assert not lost, (
            f"{table.name}: rows never delivered with their final value: {lost}; "
            + "; ".join(history[table.name])
        )


# ---------------------------------------------------------------------------------------------
# Change Data Feed.


def change_feed_table(db: Sql, draw: st.DrawFn, table: ChangeFeedTable) -> None:
    """Inserts (of new keys and of deleted ones), updates of any row, deletes."""
    operations = st.sampled_from(["insert", "update", "delete"])
    for operation in draw(st.lists(operations, max_size=3), label="changes"):
        if operation == "insert":
            keys = some(draw, set(range(40)) - set(table.rows), "inserted keys")
        else:
            keys = some(draw, table.rows, f"{operation}d keys")
        table.write(db, draw, operation, keys)


def replay(records: list[dict]) -> dict[int, dict]:
    """Apply change records in cursor order: upsert by key, remove deletes."""
    table: dict[int, dict] = {}
    for record in sorted(records, key=lambda r: r[CDC_CURSOR]):
        if record[CDC_DELETED_AT] is not None:
            table.pop(record["id"], None)
        else:
            table[record["id"]] = ChangeFeedTable.normalized(record)
    return table


@PROPERTY_SETTINGS
@given(data=st.data())
def test_change_data_feed_syncs_reproduce_the_table(db, change_feed_config, data):
    draw = data.draw
    table = ChangeFeedTable("with_changes")
    table.create(db)
    table.write(db, draw, "insert", some(draw, range(40), "initial keys", most=12))
    columns = ["id", "c", "amount", "note"]
    streams = [catalog_entry(table.name, columns, "incremental", CDC_CURSOR)]
    states: dict[str, Any] = {}
    delivered: list[dict] = []

    def one_sync(complete: bool) -> None:
        table.check_model(db)
        result = sync(draw, change_feed_config, streams, states)
        records, state = result.delivered(draw, table.name, complete)
        assert all(isinstance(r[CDC_CURSOR], int) for r in records)
        delivered.extend(records)
        states[table.name] = states.get(table.name) if state is None else state

    interrupted_syncs = draw(st.integers(1, 3), label="interrupted syncs")
    for run in range(interrupted_syncs):
        if run:
            change_feed_table(db, draw, table)
        one_sync(complete=False)
    change_feed_table(db, draw, table)
    resumed_from = states.get(table.name)
    one_sync(complete=True)
    if not resumed_from or not resumed_from["snapshot_complete"]:
        one_sync(complete=True)  # that sync finished the snapshot; this one reads the changes

    wanted = {key: table.record(key) for key in table.rows}
    replayed = replay(delivered)
    assert replayed == wanted, (
        f"replayed changes differ from the table: missing or stale "
        f"{[wanted[k] for k in sorted(wanted) if replayed.get(k) != wanted[k]]}, "
        f"not in the table {[replayed[k] for k in sorted(set(replayed) - set(wanted))]}"
    )

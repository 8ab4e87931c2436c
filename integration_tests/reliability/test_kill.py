"""The connector killed with SIGKILL at random points of a large read, resumed each time.

One chain of runs reads a keyed table in full refresh: each run is killed (SIGKILL, no goodbye)
when the records delivered so far reach the next of `KILLS` random points of the table, and the
next run resumes from the last STATE the harness had read from stdout before the kill. Only what
the harness read before the kill counts as delivered (a line cut off by the kill is dropped). A
last run finishes the read. The union of the delivered records must be the table: same count,
same sum of ids, same sum of CRC-32s of the payloads; duplicates are counted.

CI reads 1M rows with 20 kill points; RELIABILITY_SOAK=1 reads 10M rows with 50. The points come
from a seed printed with the result (RELIABILITY_KILL_SEED=<seed> replays a chain).
"""

from __future__ import annotations

import os
import random
import time
import zlib
from dataclasses import dataclass, field

import databricks.sql
import pytest

from integration_tests.connector_process import configured_catalog
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import SCHEMA
from integration_tests.reliability.live_run import LiveRun

SOAK = os.environ.get("RELIABILITY_SOAK") == "1"
ROWS = 10_000_000 if SOAK else 1_000_000
KILLS = 50 if SOAK else 20
TABLE = "kill_rows"
STREAM = {
    "name": TABLE,
    "namespace": f"main.{SCHEMA}",
    "json_schema": {"type": "object", "properties": {}},
    "supported_sync_modes": ["full_refresh"],
}


@dataclass
class Checksum:
    """Count, sum of ids and sum of payload CRC-32s of distinct rows; repeats counted apart."""

    rows: int = 0
    id_sum: int = 0
    crc_sum: int = 0
    duplicates: int = 0
    seen: bytearray = field(default_factory=lambda: bytearray(ROWS))

    def add(self, row_id: int, payload: str) -> None:
        if self.seen[row_id]:
            self.duplicates += 1
            return
        self.seen[row_id] = 1
        self.rows += 1
        self.id_sum += row_id
        self.crc_sum += zlib.crc32(payload.encode())

    def totals(self) -> tuple[int, int, int]:
        return self.rows, self.id_sum, self.crc_sum


@pytest.fixture(scope="module")
def source(sql, workspace) -> Checksum:
    """The table, and its checksum as the SQL client reads it (Arrow batches, streamed)."""
    sql.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.{TABLE} (id BIGINT NOT NULL, payload STRING, "
        "CONSTRAINT kill_rows_pk PRIMARY KEY (id))"
    )
    sql.run(
        f"INSERT INTO main.{SCHEMA}.{TABLE} "
        f"SELECT id, md5(CAST(id AS STRING)) AS payload FROM range({ROWS})"
    )
    checksum = Checksum()
    with (
        databricks.sql.connect(**workspace.sql_connect_kwargs()) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SELECT id, payload FROM main.{SCHEMA}.{TABLE}")
        while (batch := cursor.fetchmany_arrow(200_000)).num_rows:
            for row_id, payload in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                checksum.add(row_id, payload)
    assert checksum.rows == ROWS and checksum.duplicates == 0
    return checksum


def test_sigkill_at_random_points_then_resume_loses_nothing(source: Checksum, config) -> None:
    seed = int(os.environ.get("RELIABILITY_KILL_SEED") or random.SystemRandom().randrange(10**9))
    points = sorted(random.Random(seed).sample(range(1, ROWS), KILLS))
    print(f"\nkill chain: {ROWS:,} rows, {KILLS} SIGKILLs, seed {seed} (RELIABILITY_KILL_SEED)")
    read_config = {**config, "include_tables": [TABLE], "checkpoint_interval": ROWS // 100}
    catalog = configured_catalog([STREAM])
    delivered = Checksum()
    state = None
    started = time.monotonic()
    for run_number, point in enumerate([*points, None], start=1):
        run_started = time.monotonic()
        with LiveRun("read", config=read_config, catalog=catalog, state=state) as live:
            for message in live.messages():
                if message["type"] == "RECORD":
                    data = message["record"]["data"]
                    delivered.add(data["id"], data["payload"])
                    if point is not None and delivered.rows >= point:
                        live.kill()
                        break
                elif message["type"] == "STATE":
                    state = [{"type": "STREAM", "stream": message["state"]["stream"]}]
            returncode = live.wait()
            assert live.non_json_lines == []
        if point is None:
            assert returncode == 0, (live.errors, live.stderr[-3000:])
        else:
            assert live.killed and returncode == -9, (run_number, returncode, live.errors)
            print(
                f"  run {run_number:2}: killed at {delivered.rows:>10,} rows delivered "
                f"({time.monotonic() - run_started:.1f} s)"
            )
    seconds = time.monotonic() - started
    lost = source.rows - delivered.rows
    print(
        f"  {KILLS + 1} runs, {KILLS} killed: rows lost {lost}, duplicates {delivered.duplicates:,}"
        f" ({delivered.duplicates / ROWS:.1%} of the table), {seconds:.1f} s"
    )
    assert delivered.totals() == source.totals(), "count, id sum or payload checksum differ"
    figures.record(
        "kill",
        f"SIGKILL at {KILLS} random points of a {ROWS:,}-row read",
        runs=KILLS + 1,
        kills=KILLS,
        lost=lost,
        duplicates=delivered.duplicates,
        seed=str(seed),
        seconds=round(seconds, 1),
    )

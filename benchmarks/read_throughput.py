"""`main.py read` end to end against the ceiling and a row-by-row peer, measured in one run.

Run: .venv/bin/python benchmarks/read_throughput.py [rows] [--peer-rows N]   (default 10,000,000)

Builds a 10-column table (BIGINT key, INT, 3 x DOUBLE, STRING, DATE, TIMESTAMP, DECIMAL(18,2),
BOOLEAN) in a temporary data directory of the local workspace through the real SQL client
(``INSERT … SELECT … FROM range(rows)``), then reads the same rows, with the same statement, three
ways:

* ceiling   ``cursor.fetchmany_arrow`` from the same server, each batch turned into RECORD lines by
            DuckDB (``to_json(struct_pack(...))``, envelope concatenated in SQL), no CDK, no pipe;
* row-by-row  ``cursor.fetchmany()`` tuples and one ``json.dumps`` per record, the way community
            Databricks sources read (``--peer-rows`` limits it to a prefix of the rows: its rate is
            flat, and at 10M rows it takes minutes);
* ours      ``python main.py read`` as a subprocess, full refresh of the table, its stdout counted.

Prints records/s and MB/s of JSON for each, the ratios ours/ceiling (target >= 70%) and
ours/row-by-row (target >= 3x), and the connector's peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from databricks import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integration_tests.conftest import config_for  # noqa: E402
from integration_tests.connector_process import configured_catalog, run_connector  # noqa: E402
from integration_tests.local_workspace_process import (  # noqa: E402
    RunningWorkspace,
    running_workspace,
)

SCHEMA, TABLE = "bench", "wide"
NAMESPACE = f"main.{SCHEMA}"
COLUMNS = (
    ("id", "BIGINT NOT NULL"),
    ("customer_id", "INT"),
    ("price", "DOUBLE"),
    ("quantity", "DOUBLE"),
    ("score", "DOUBLE"),
    ("event_type", "STRING"),
    ("day", "DATE"),
    ("updated_at", "TIMESTAMP"),
    ("amount", "DECIMAL(18,2)"),
    ("flag", "BOOLEAN"),
)
FILL = """INSERT INTO main.{schema}.{table} SELECT
  id,
  CAST(id % 100000 AS INT),
  id * 0.25,
  CAST(id % 1000 AS DOUBLE) / 7,
  id / 3.0,
  CASE id % 4 WHEN 0 THEN 'page_view' WHEN 1 THEN 'add_to_cart' WHEN 2 THEN 'purchase'
    ELSE 'refund' END,
  date_add(DATE'2024-01-01', CAST(id % 730 AS INT)),
  timestampadd(MICROSECOND, id * 1000003, TIMESTAMP'2024-01-01 00:00:00'),
  CAST((id % 10000000) / 100 AS DECIMAL(18,2)),
  id % 3 = 0
FROM range({rows})"""
# What the connector runs for a resumable full refresh from the start (minus VERSION AS OF).
QUERY = f"SELECT * FROM main.{SCHEMA}.{TABLE} ORDER BY id"
FETCH_ROWS = 100_000
PEER_FETCH_ROWS = 10_000
TARGETS = {"ceiling": 0.70, "row-by-row": 3.0}


@dataclass
class Run:
    name: str
    rows: int
    nbytes: int
    seconds: float
    cpu: float  # CPU seconds of the reading process (the server's are not counted)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def line(self) -> str:
        mb = self.nbytes / self.seconds / 1e6
        return (
            f"  {self.name:<11} {self.rows:>12,} rows {self.seconds:8.2f} s "
            f"{self.rate:>12,.0f} rows/s {mb:8.1f} MB/s  cpu {self.cpu:6.1f} s  {self.note}"
        )


def table_ddl(table: str) -> str:
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    return f"CREATE TABLE main.{SCHEMA}.{table} ({columns}, CONSTRAINT {table}_pk PRIMARY KEY (id))"


def build(workspace: RunningWorkspace, rows: int, table: str = TABLE) -> None:
    started = time.perf_counter()
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS main.{SCHEMA}")
        cursor.execute(table_ddl(table))
        cursor.execute(FILL.format(schema=SCHEMA, table=table, rows=rows))
    print(
        f"built main.{SCHEMA}.{table}: {rows:,} rows x 10 columns "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


# --- (a) the ceiling: Arrow from the same server, DuckDB builds the lines, nothing else ----------


def ceiling(workspace: RunningWorkspace) -> Run:
    started, cpu = time.perf_counter(), time.process_time()
    rows = nbytes = 0
    encoder = duckdb.connect()
    with _cursor(workspace, FETCH_ROWS) as cursor:
        cursor.execute(QUERY)
        statement = None
        while (table := cursor.fetchmany_arrow(FETCH_ROWS)).num_rows:
            statement = statement or _ceiling_statement(table.schema)
            for batch in table.to_batches():
                encoder.register("batch", batch)
                lines = encoder.sql(statement).to_arrow_table().column(0)
                encoder.unregister("batch")
                nbytes += sum(_value_bytes(chunk) for chunk in lines.chunks)
                rows += batch.num_rows
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run("ceiling", rows, nbytes, seconds, cpu)


@contextmanager
def _cursor(workspace: RunningWorkspace, arraysize: int) -> Iterator[Any]:
    connection = sql.connect(**workspace.sql_connect_kwargs())
    with connection, connection.cursor(arraysize=arraysize) as cursor:
        yield cursor


def _ceiling_statement(schema: pa.Schema) -> str:
    envelope = json.dumps({"stream": TABLE, "namespace": NAMESPACE})[1:-1]
    members = ", ".join(f'"{name}"' for name in schema.names)
    return (
        f"""SELECT concat('{{"type":"RECORD","record":{{{envelope},"data":', """
        f"""to_json(struct_pack({members})), ',"emitted_at":', """
        """epoch_ms(current_timestamp), '}}' || chr(10)) FROM batch"""
    )


def _value_bytes(chunk: pa.Array) -> int:
    """Total length of a string array's values (the lines stay in Arrow's buffer, uncopied)."""
    return pc.sum(pc.binary_length(chunk)).as_py() or 0


# --- (b) the row-by-row peer --------------------------------------------------------------------


def row_by_row(workspace: RunningWorkspace, limit: int) -> Run:
    started, cpu = time.perf_counter(), time.process_time()
    rows = nbytes = 0
    emitted_at = int(time.time() * 1000)
    with _cursor(workspace, PEER_FETCH_ROWS) as cursor:
        cursor.execute(QUERY)
        names = [column[0] for column in cursor.description]
        while rows < limit and (fetched := cursor.fetchmany(PEER_FETCH_ROWS)):
            for row in fetched:
                data = {name: _plain(value) for name, value in zip(names, row, strict=True)}
                record = {"stream": TABLE, "namespace": NAMESPACE, "data": data}
                record["emitted_at"] = emitted_at
                nbytes += len(json.dumps({"type": "RECORD", "record": record})) + 1
            rows += len(fetched)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run("row-by-row", rows, nbytes, seconds, cpu)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


# --- (c) ours: main.py read --------------------------------------------------------------------


@dataclass
class ConnectorRead:
    records: int
    nbytes: int
    seconds: float
    first_record: float
    cpu: float
    peak_rss_mb: float
    returncode: int
    stderr: str


def connector_files(workspace: RunningWorkspace, table: str, tmp: Path) -> list[str]:
    """--config/--catalog arguments for a full refresh of main.bench.<table>."""
    config = config_for(workspace, include_schemas=[SCHEMA], include_tables=[table])
    discovered = run_connector("discover", config=config)
    streams = [m["catalog"]["streams"] for m in discovered.of_type("CATALOG")]
    wanted = [s for s in (streams[0] if streams else []) if s["name"] == table]
    if not wanted:
        raise SystemExit(f"discover did not list {table}:\n{discovered.stderr[-2000:]}")
    (tmp / "config.json").write_text(json.dumps(config))
    (tmp / "catalog.json").write_text(json.dumps(configured_catalog(wanted)))
    return ["--config", str(tmp / "config.json"), "--catalog", str(tmp / "catalog.json")]


def read_with_connector(arguments: list[str], tmp: Path) -> ConnectorRead:
    """Run `main.py read`, count its RECORD lines and bytes, and take its peak RSS from wait4."""
    command = [sys.executable, str(ROOT / "main.py"), "read", *arguments]
    with open(tmp / "read-stderr.log", "w+b") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=_env())
        records, nbytes, first = _count_records(process.stdout, started)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return ConnectorRead(records, nbytes, seconds, first, cpu, peak, process.returncode, errors)


def _count_records(stdout: Any, started: float) -> tuple[int, int, float]:
    marker = b'{"type":"RECORD"'
    records = nbytes = 0
    first = 0.0
    carry = b"\n"
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    while size := stdout.readinto(buffer):
        chunk = carry + bytes(view[:size])
        found = chunk.count(b"\n" + marker)
        if found and not records:
            first = time.perf_counter() - started
        records += found
        nbytes += size
        carry = chunk[-len(marker) :]
    return records, nbytes, first


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "ARM_"))}


def ours(workspace: RunningWorkspace, tmp: Path, rows: int) -> tuple[Run, ConnectorRead]:
    read = read_with_connector(connector_files(workspace, TABLE, tmp), tmp)
    if read.returncode != 0 or read.records != rows:
        raise SystemExit(
            f"main.py read exited {read.returncode} with {read.records:,} of {rows:,} records:\n"
            f"{read.stderr[-3000:]}"
        )
    note = f"(first record after {read.first_record:.1f} s; peak RSS {read.peak_rss_mb:,.0f} MB)"
    return Run("ours", read.records, read.nbytes, read.seconds, read.cpu, note), read


# --- the run ------------------------------------------------------------------------------------


@contextmanager
def workspace_with_table(rows: int, tables: dict[str, int] | None = None) -> Iterator[Any]:
    """A temporary local workspace holding main.bench.<table> for each {table: rows}."""
    with (
        tempfile.TemporaryDirectory(prefix="read-bench-") as tmp,
        running_workspace(Path(tmp) / "ws", start_timeout=120) as workspace,
    ):
        for table, count in (tables or {TABLE: rows}).items():
            build(workspace, count, table)
        yield workspace, Path(tmp)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000_000)
    parser.add_argument("--peer-rows", type=int, default=None, help="row-by-row: first N rows")
    args = parser.parse_args(argv)
    with workspace_with_table(args.rows) as (workspace, tmp):
        runs = {"ceiling": ceiling(workspace)}
        print(runs["ceiling"].line(), flush=True)
        runs["ours"], _ = ours(workspace, tmp, args.rows)
        print(runs["ours"].line(), flush=True)
        runs["row-by-row"] = row_by_row(workspace, args.peer_rows or args.rows)
        print(runs["row-by-row"].line(), flush=True)
    report(args.rows, runs)
    return 0


def report(rows: int, runs: dict[str, Run]) -> None:
    print(f"\n{rows:,} rows x 10 columns, full refresh in primary-key order; {QUERY}")
    mine = runs["ours"].rate
    for other, target in TARGETS.items():
        ratio = mine / runs[other].rate
        shown = f"{ratio:.0%}" if target < 1 else f"{ratio:.1f}x"
        wanted = f"{target:.0%}" if target < 1 else f"{target:.0f}x"
        verdict = "ok" if ratio >= target else "BELOW TARGET"
        print(f"  ours / {other:<10} {shown:>6}  (target >= {wanted}): {verdict}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

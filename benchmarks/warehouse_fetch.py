"""``fetchall_arrow()`` through the local workspace against DuckDB and a bare HTTPS GET.

Run: .venv/bin/python benchmarks/warehouse_fetch.py [rows]   (default 10,000,000)

Builds a 10-column table with the real SQL client (``INSERT … SELECT … FROM range(rows)``) in a
temporary data directory, then measures in one run, with LZ4 on and off:

* thrift  ``cursor.fetchall_arrow()`` of ``SELECT * FROM bench`` through the local workspace;
* GET     a bare HTTPS GET of the same Arrow IPC payloads from the same server
          (``/local/bench/arrow``), decoded into a table as the SQL client does;
* duckdb  DuckDB's own Arrow export of the same query (the server stopped, same files).

Rows/s and MB/s (MB of the Arrow table in memory) for each, the ratios to the targets
(thrift ≥ 25% of duckdb, ≥ 60% of GET), and the server's peak resident memory.
"""

from __future__ import annotations

import functools
import ssl
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import lz4.frame
import pyarrow as pa
from databricks import sql

# The SQL client as the connector runs it: with the short repr of result pages (the client formats
# every reply for a debug log even when that log is off; see source_databricks/tables/warehouse.py).
import source_databricks.tables.warehouse  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from integration_tests.local_workspace_process import (
    RunningWorkspace,
    running_workspace,
)

QUERY = "SELECT * FROM main.default.bench"
CREATE = (
    "CREATE TABLE main.default.bench (id BIGINT, n INT, amount DECIMAL(18,2), ratio DOUBLE, "
    "name STRING, code STRING, flag BOOLEAN, day DATE, ts TIMESTAMP, big BIGINT)"
)
FILL = (
    "INSERT INTO main.default.bench SELECT id, CAST(id % 1000 AS INT), "
    "CAST((id % 100000) / 100 AS DECIMAL(18,2)), id / 7.0, concat('name-', id), "
    "concat('c', id % 97), id % 2 = 0, date_add(DATE'2024-01-01', CAST(id % 365 AS INT)), "
    "timestampadd(SECOND, id % 86400, TIMESTAMP'2024-01-01 00:00:00'), id * 3 "
    "FROM range({rows})"
)
TARGETS = {"duckdb": 0.25, "GET": 0.60}


@dataclass
class Run:
    name: str
    seconds: float
    rows: int
    nbytes: int

    def line(self) -> str:
        rate, mb = self.rows / self.seconds, self.nbytes / self.seconds / 1e6
        return f"  {self.name:<22} {self.seconds:7.2f} s  {rate:13,.0f} rows/s  {mb:8.1f} MB/s"


def main(rows: int) -> int:
    with tempfile.TemporaryDirectory(prefix="warehouse-fetch-") as tmp:
        data_dir = Path(tmp) / "ws"
        with running_workspace(data_dir, start_timeout=120) as workspace:
            build(workspace, rows)
            runs = measure_server(workspace)
            peak_rss = _peak_rss_mb(workspace.process.pid)
        runs["duckdb"] = timed("duckdb export", lambda: duckdb_export(data_dir))
    report(rows, runs, peak_rss)
    return 0


def build(workspace: RunningWorkspace, rows: int) -> None:
    started = time.perf_counter()
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cur:
        cur.execute(CREATE)
        cur.execute(FILL.format(rows=rows))
    print(f"built {rows:,} rows x 10 columns in {time.perf_counter() - started:.1f} s")


def measure_server(workspace: RunningWorkspace) -> dict[str, Run]:
    runs = {}
    for compressed in (True, False):
        label = "lz4" if compressed else "plain"
        fetch = functools.partial(thrift, workspace, compressed)
        runs[f"thrift {label}"] = timed(f"fetchall_arrow {label}", fetch)
        get = functools.partial(bare_get, workspace, compressed)
        runs[f"GET {label}"] = timed(f"bare GET {label}", get)
    return runs


def timed(name: str, produce: Callable[[], pa.Table]) -> Run:
    started = time.perf_counter()
    table = produce()
    run = Run(name, time.perf_counter() - started, table.num_rows, table.nbytes)
    print(run.line(), flush=True)
    return run


def thrift(workspace: RunningWorkspace, compressed: bool) -> pa.Table:
    kwargs = workspace.sql_connect_kwargs(
        enable_query_result_lz4_compression=compressed,
        use_cloud_fetch=False,  # inline pages: the bytes the bare GET gets (cloud_fetch.py: files)
    )
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        cursor.execute(QUERY)
        return cursor.fetchall_arrow()


def bare_get(workspace: RunningWorkspace, compressed: bool) -> pa.Table:
    query = urllib.parse.urlencode({"sql": QUERY, "lz4": "true" if compressed else "false"})
    request = urllib.request.Request(f"{workspace.url}/local/bench/arrow?{query}")
    request.add_header("Authorization", f"Bearer {workspace.token}")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=600) as reply:
        body = reply.read()
    return _decode(body, compressed)


def _decode(body: bytes, compressed: bool) -> pa.Table:
    """Length-prefixed payloads → one IPC stream → table, as the SQL client decodes pages."""
    view, offset, parts = memoryview(body), 0, []
    while offset < len(view):
        size = int.from_bytes(view[offset : offset + 8], "little")
        payload = view[offset + 8 : offset + 8 + size]
        parts.append(lz4.frame.decompress(payload) if compressed and parts else payload)
        offset += 8 + size
    return pa.ipc.open_stream(pa.py_buffer(b"".join(parts))).read_all()


def duckdb_export(data_dir: Path) -> pa.Table:
    (catalog_file,) = sorted((data_dir / "catalogs").glob("main*"))[:1]
    connection = duckdb.connect()
    connection.execute(f"ATTACH '{catalog_file}' AS bench_catalog (READ_ONLY)")
    return connection.sql("SELECT * FROM bench_catalog.default.bench").to_arrow_table()


def report(rows: int, runs: dict[str, Run], peak_rss: float | None) -> None:
    print(f"\n{rows:,} rows; thrift = cursor.fetchall_arrow() through the local workspace")
    for label in ("lz4", "plain"):
        mine = runs[f"thrift {label}"].seconds
        for other, target in TARGETS.items():
            key = other if other == "duckdb" else f"{other} {label}"
            ratio = runs[key].seconds / mine
            verdict = "ok" if ratio >= target else "BELOW TARGET"
            print(
                f"  thrift {label:<5} at {ratio:6.1%} of {key:<10} "
                f"(target >= {target:.0%}): {verdict}"
            )
    print(f"  peak server RSS: {peak_rss:,.0f} MB" if peak_rss else "  peak server RSS: n/a")


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000))

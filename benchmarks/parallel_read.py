"""`main.py read` with 1 worker against N workers, and one big table whole against key ranges.

Run: .venv/bin/python benchmarks/parallel_read.py [rows per table] [--workers N]
     (default 2,000,000 rows, 4 workers)

Builds four 10-column tables (read_throughput.py's layout, BIGINT primary key) in a temporary
local workspace, then reads, in one run, through the real `main.py read` (full refresh):

* all four tables with max_workers=1, then with max_workers=N (no key ranges in either);
* the first table alone, whole with N workers (one stream: one worker reads), then split into N
  key ranges (partition_min_rows below its size).

Prints rows/s of each read, the ratios (target >= 1.3x for N workers), and the CPU seconds of
the connector process and of the local workspace's server over each read: on a machine with few
cores both compete for them, which is what bounds the gain.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.read_throughput import (  # noqa: E402
    NAMESPACE,
    SCHEMA,
    read_with_connector,
    workspace_with_table,
)
from integration_tests.conftest import config_for  # noqa: E402
from integration_tests.connector_process import configured_catalog, run_connector  # noqa: E402
from integration_tests.local_workspace_process import RunningWorkspace  # noqa: E402

TABLES = ("wide0", "wide1", "wide2", "wide3")
NEVER = 10**12  # partition_min_rows that no table reaches
TARGET = 1.3


@dataclass
class Read:
    name: str
    rows: int
    seconds: float
    connector_cpu: float
    server_cpu: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def line(self) -> str:
        return (
            f"  {self.name:<34} {self.rows:>11,} rows {self.seconds:7.1f} s "
            f"{self.rate:>10,.0f} rows/s  cpu: connector {self.connector_cpu:6.1f} s, "
            f"server {self.server_cpu:6.1f} s (of {self.seconds * os.cpu_count():.0f}); "
            f"connector peak RSS {self.peak_rss_mb:,.0f} MB"
        )


def server_cpu(workspace: RunningWorkspace) -> float:
    """CPU seconds the workspace's server process used so far (user + system)."""
    fields = Path(f"/proc/{workspace.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def streams(workspace: RunningWorkspace) -> dict[str, dict]:
    config = config_for(workspace, include_schemas=[SCHEMA])
    catalog = run_connector("discover", config=config).of_type("CATALOG")[0]["catalog"]
    return {s["name"]: s for s in catalog["streams"] if s["namespace"] == NAMESPACE}


def read(
    workspace: RunningWorkspace, tmp: Path, name: str, tables: list[dict], expected: int, **settings
) -> Read:
    config = config_for(workspace, include_schemas=[SCHEMA], **settings)
    (tmp / "config.json").write_text(json.dumps(config))
    (tmp / "catalog.json").write_text(json.dumps(configured_catalog(tables)))
    arguments = ["--config", str(tmp / "config.json"), "--catalog", str(tmp / "catalog.json")]
    server_before = server_cpu(workspace)
    result = read_with_connector(arguments, tmp)
    if result.returncode != 0 or result.records != expected:
        raise SystemExit(
            f"{name}: main.py read exited {result.returncode} with {result.records:,} of "
            f"{expected:,} records:\n{result.stderr[-3000:]}"
        )
    used = server_cpu(workspace) - server_before
    read = Read(name, result.records, result.seconds, result.cpu, used, result.peak_rss_mb)
    print(read.line(), flush=True)
    return read


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    rows, workers = args.rows, args.workers
    started = time.perf_counter()
    with workspace_with_table(rows, dict.fromkeys(TABLES, rows)) as (workspace, tmp):
        found = streams(workspace)
        every = [found[name] for name in TABLES]
        print(f"{os.cpu_count()} cores; full refresh, 10 columns per row", flush=True)
        one = read(workspace, tmp, "4 tables, 1 worker", every, 4 * rows, max_workers=1)
        many = read(
            workspace, tmp, f"4 tables, {workers} workers", every, 4 * rows,
            max_workers=workers, partition_min_rows=NEVER,
        )  # fmt: skip
        whole = read(
            workspace, tmp, f"1 table whole, {workers} workers", every[:1], rows,
            max_workers=workers, partition_min_rows=NEVER,
        )  # fmt: skip
        split = read(
            workspace, tmp, f"1 table in {workers} key ranges", every[:1], rows,
            max_workers=workers, partition_min_rows=rows // 2,
        )  # fmt: skip
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")
    report(f"{workers} workers / 1 worker, 4 tables", many.rate / one.rate)
    report(f"{workers} key ranges / whole, 1 table", split.rate / whole.rate)
    return 0


def report(what: str, ratio: float) -> None:
    verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
    print(f"  {what:<36} {ratio:5.2f}x  (target >= {TARGET}x): {verdict}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`main.py read` with 1 worker against N workers, and one big table whole against key ranges.

Run: .venv/bin/python benchmarks/parallel_read.py [rows per table] [--workers N]
     (default 2,000,000 rows, 4 workers)

Builds four 10-column tables (read_throughput.py's layout, BIGINT primary key) in a temporary
local workspace, then reads, in one run, through the real `main.py read` (full refresh):

* all four tables with max_workers=1, then with max_workers=N (no key ranges in either);
* the first table alone, whole with N workers (one stream: one worker reads), then split into N
  key ranges (partition_min_rows below its size).

Prints, for each read, rows/s over the whole process (its ~3 s start included) and over the
records themselves (first record to last: start-up, planning and the first result excluded),
the ratios of the latter (target >= 1.3x), and the CPU seconds of the connector process and of
the local workspace's server over each read: on a machine with few cores both compete for them,
which is what bounds the gain.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.read_throughput import NAMESPACE, SCHEMA, workspace_with_table  # noqa: E402
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
    streaming: float  # from the first record to the last
    connector_cpu: float
    server_cpu: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.rows / self.streaming

    def line(self) -> str:
        return (
            f"  {self.name:<32} {self.rows:>10,} rows {self.seconds:5.1f} s "
            f"({self.rows / self.seconds:>8,.0f}/s) records for {self.streaming:5.1f} s "
            f"({self.rate:>8,.0f}/s); cpu: connector {self.connector_cpu:5.1f} s, "
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
    command = [sys.executable, str(ROOT / "main.py"), "read", *arguments]
    server_before = server_cpu(workspace)
    with open(tmp / "read-stderr.log", "w+b") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=_env())
        assert process.stdout is not None
        records, first, last = _count_records(process.stdout)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0 or records != expected:
        raise SystemExit(f"{name}: {records:,} of {expected:,} records:\n{errors[-3000:]}")
    cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    used = server_cpu(workspace) - server_before
    read = Read(name, records, seconds, last - first, cpu, used, peak)
    print(read.line(), flush=True)
    return read


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "ARM_"))}


def _count_records(stdout: IO[bytes]) -> tuple[int, float, float]:
    """RECORD lines in the output, and when the first and the last of them arrived."""
    marker = b'\n{"type":"RECORD"'
    records, first, last, carry = 0, 0.0, 0.0, b"\n"
    while chunk := stdout.read1(1 << 20):
        found = (carry + chunk).count(marker)
        if found:
            last = time.perf_counter()
            first = first or last
            records += found
        carry = chunk[1 - len(marker) :]  # a marker split by the chunk is counted once
    return records, first, last


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
    report(f"{workers} workers / 1 worker, 4 tables", many, one)
    report(f"{workers} key ranges / whole, 1 table", split, whole)
    return 0


def report(what: str, faster: Read, slower: Read) -> None:
    process = (faster.rows / faster.seconds) / (slower.rows / slower.seconds)
    ratio = faster.rate / slower.rate
    verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
    print(
        f"  {what:<36} records {ratio:5.2f}x (target >= {TARGET}x): {verdict}; "
        f"whole process {process:5.2f}x"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

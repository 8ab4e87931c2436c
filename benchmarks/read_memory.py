"""Peak resident memory of `main.py read` at two table sizes: it must not grow with the table.

Run: .venv/bin/python benchmarks/read_memory.py [small] [large]   (default 1,000,000 10,000,000)

Builds the 10-column table of read_throughput.py at both sizes in one temporary local workspace,
reads each with `python main.py read` (full refresh, stdout counted and dropped), and takes the
connector's peak RSS from the kernel (`wait4` rusage of that very process). Prints both, their
ratio (target: at most 10% apart) and the verdict against the 400 MB ceiling.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from read_throughput import (
    connector_files,
    read_with_connector,
    workspace_with_table,
)

LIMIT_MB = 400
FLAT_WITHIN = 0.10


def main(argv: list[str]) -> int:
    small, large = (int(value) for value in (argv + ["1000000", "10000000"][len(argv) :])[:2])
    sizes = {f"wide_{small}": small, f"wide_{large}": large}
    peaks: dict[int, float] = {}
    with workspace_with_table(0, sizes) as (workspace, tmp):
        for table, rows in sizes.items():
            read = read_with_connector(connector_files(workspace, table, tmp), tmp)
            if read.returncode != 0 or read.records != rows:
                raise SystemExit(f"read of {table} failed:\n{read.stderr[-3000:]}")
            peaks[rows] = read.peak_rss_mb
            print(
                f"  {rows:>12,} rows  peak RSS {read.peak_rss_mb:6.0f} MB  "
                f"({read.seconds:.1f} s, {rows / read.seconds:,.0f} rows/s)",
                flush=True,
            )
    report(peaks[small], peaks[large])
    return 0


def report(small: float, large: float) -> None:
    apart = large / small - 1
    flat = "ok" if abs(apart) <= FLAT_WITHIN else "GROWS WITH THE TABLE"
    under = "ok" if max(small, large) < LIMIT_MB else "OVER"
    print(f"\n  large / small: {large / small:.2f} ({apart:+.0%}; target within 10%): {flat}")
    print(f"  highest peak {max(small, large):.0f} MB (target under {LIMIT_MB} MB): {under}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

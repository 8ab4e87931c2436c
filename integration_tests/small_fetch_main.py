"""`python integration_tests/small_fetch_main.py ROWS <main.py arguments>`: the real main.py, with
the SQL warehouse fetching ROWS rows per round trip instead of 100,000.

The connector checkpoints only between fetched batches, and the server pages a result by the rows
the client asks for, so a test table of a few dozen rows arrives in one batch and a sync emits a
single state. The connector has no setting for the fetch size (its `FETCH_ROWS` is a module
constant): this launcher lowers it, then runs main.py unchanged, so a small table yields many
checkpoints, with ties falling on either side of batch boundaries.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # as for main.py, not this file's directory
    rows = int(sys.argv.pop(1))
    from source_databricks.tables import warehouse

    warehouse.FETCH_ROWS = rows
    sys.argv[0] = str(ROOT / "main.py")
    runpy.run_path(sys.argv[0], run_name="__main__")

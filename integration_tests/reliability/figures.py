"""The figures of the reliability suite, for `docs/RELIABILITY.md`.

A matrix row's test calls `record` with what it measured (after asserting on it). When the
environment names a figures file (`RELIABILITY_FIGURES`, set by the report script), each row is
appended to it as one JSON line; otherwise the figures are only asserted on, not kept.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

FIGURES_FILE = "RELIABILITY_FIGURES"
_lock = threading.Lock()


def record(matrix: str, row: str, **figures: Any) -> None:
    """One row of a matrix (e.g. matrix="faults", row="503 on ExecuteStatement", lost=0, …)."""
    target = os.environ.get(FIGURES_FILE)
    if not target:
        return
    line = json.dumps({"matrix": matrix, "row": row, **figures}, sort_keys=True)
    with _lock, Path(target).open("a", encoding="utf-8") as out:
        out.write(line + "\n")

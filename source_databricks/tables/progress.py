"""Progress a user can see: records read so far, at most every PROGRESS_SECONDS, and a summary."""

from __future__ import annotations

import logging
import time

PROGRESS_SECONDS = 30.0


class Progress:
    def __init__(self, label: str, logger: logging.Logger) -> None:
        self.label, self._logger = label, logger
        self._started = self._last_log = time.monotonic()
        self.records = 0

    def add(self, count: int) -> None:
        self.records += count
        if time.monotonic() - self._last_log >= PROGRESS_SECONDS:
            self._last_log = time.monotonic()
            self._logger.info(f"{self.label}: {self.records:,} records read so far")

    def finish(self) -> None:
        seconds = max(time.monotonic() - self._started, 1e-9)
        rate = self.records / seconds
        self._logger.info(
            f"{self.label}: read {self.records:,} records in {seconds:.1f} s ({rate:,.0f}/s)"
        )

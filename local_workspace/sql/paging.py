"""Paging a lazy Arrow reader into result pages bounded by rows and bytes.

Only the batches of the page being built, plus the batches read ahead (one, to know whether more
rows follow, or up to a byte budget when ``read_ahead`` sizes a result up), are in memory at any
time: results of millions of rows stream through.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Page:
    """One page of a result: its batches, the offset of its first row, and whether more follow."""

    batches: list[pa.RecordBatch]
    start_row_offset: int
    has_more_rows: bool

    @property
    def num_rows(self) -> int:
        return sum(batch.num_rows for batch in self.batches)


class Pager:
    """Cuts pages off a ``RecordBatchReader``, splitting batches where a page limit falls."""

    def __init__(self, reader: pa.RecordBatchReader, row_limit: int | None = None) -> None:
        self._reader: pa.RecordBatchReader | None = reader
        self._ahead: deque[pa.RecordBatch] = deque()  # read from the reader, not yet paged
        self._row_limit = row_limit if row_limit and row_limit > 0 else None
        self.rows_served = 0

    def next_page(self, max_rows: int | None, max_bytes: int | None) -> Page:
        """The next page: at most ``max_rows`` rows and, beyond its first batch, ``max_bytes``."""
        row_budget = _min(max_rows, self._rows_left())
        byte_budget = max_bytes if max_bytes and max_bytes > 0 else None
        start = self.rows_served
        batches: list[pa.RecordBatch] = []
        while (batch := self._take(row_budget, byte_budget, first=not batches)) is not None:
            batches.append(batch)
            self.rows_served += batch.num_rows
            row_budget = None if row_budget is None else row_budget - batch.num_rows
            byte_budget = None if byte_budget is None else byte_budget - batch.nbytes
        if self._rows_left() == 0:
            self.close()  # the client's row limit is reached: the rest is never sent
        return Page(batches, start, has_more_rows=self.has_more_rows)

    def prime(self) -> None:
        """Read the first batch ahead: the engine does a query's blocking work (sorts,
        aggregates) before it yields one, so the statement runs now rather than at first fetch."""
        self._peek()

    def read_ahead(self, nbytes: int) -> bool:
        """Read batches ahead until more than ``nbytes`` wait or the result ends; whether the
        rest of the result is larger than ``nbytes`` (held in memory: keep ``nbytes`` small)."""
        waiting = sum(batch.nbytes for batch in self._ahead)
        while waiting <= nbytes and self._read_one():
            waiting += self._ahead[-1].nbytes
        return waiting > nbytes

    @property
    def has_more_rows(self) -> bool:
        return self._peek() is not None

    def close(self) -> None:
        """Drop the reader (and with it the engine's cursor) and the batches read ahead."""
        reader, self._reader = self._reader, None
        self._ahead.clear()
        if reader is not None:
            reader.close()

    def _rows_left(self) -> int | None:
        return None if self._row_limit is None else max(self._row_limit - self.rows_served, 0)

    def _take(
        self, row_budget: int | None, byte_budget: int | None, first: bool
    ) -> pa.RecordBatch | None:
        if row_budget == 0 or (byte_budget is not None and byte_budget <= 0):
            return None
        batch = self._peek()
        if batch is None:
            return None
        rows = _rows_fitting(batch, row_budget, byte_budget, first)
        if rows == 0:
            return None
        if rows < batch.num_rows:
            self._ahead[0] = batch.slice(rows)
            return batch.slice(0, rows)
        self._ahead.popleft()
        return batch

    def _peek(self) -> pa.RecordBatch | None:
        while not self._ahead and self._read_one():
            pass
        return self._ahead[0] if self._ahead else None

    def _read_one(self) -> bool:
        """Read the reader's next non-empty batch into ``_ahead``; False at the end."""
        while self._reader is not None:
            try:
                batch = self._reader.read_next_batch()
            except StopIteration:
                reader, self._reader = self._reader, None  # the batches read ahead stay
                reader.close()
                return False
            if batch.num_rows:  # empty batches carry nothing and would make empty pages
                self._ahead.append(batch)
                return True
        return False


def _rows_fitting(
    batch: pa.RecordBatch, row_budget: int | None, byte_budget: int | None, first: bool
) -> int:
    """How many leading rows of ``batch`` fit the budgets (a page's first batch gets >= 1 row)."""
    rows = batch.num_rows if row_budget is None else min(batch.num_rows, row_budget)
    if byte_budget is not None and batch.nbytes > byte_budget:
        bytes_per_row = max(batch.nbytes / batch.num_rows, 1)
        rows = min(rows, int(byte_budget // bytes_per_row))
    return max(rows, 1) if first else rows


def _min(limit: int | None, other: int | None) -> int | None:
    """The smaller of two limits, where None or a non-positive ``limit`` means unlimited."""
    limit = limit if limit and limit > 0 else None
    if limit is None or other is None:
        return other if limit is None else limit
    return min(limit, other)

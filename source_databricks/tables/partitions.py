"""Key ranges of a big table, read at once by several workers.

Bounds come from the warehouse's approximate quantiles of the first key column at the pinned
version (`approx_percentile`, one pass over one column), so every range holds about as many
rows. A range is `lower <= key < upper` (the first and last are open-ended), so the ranges cover
every row exactly once whatever the bounds are. Only NOT NULL numeric, date and timestamp first
key columns are split: quantiles of strings are not defined, and a NULL key is in no range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pyarrow as pa
from sqlglot import exp

from source_databricks.output import Output
from source_databricks.tables import sql
from source_databricks.tables.position import bound
from source_databricks.tables.records import RecordEncoder
from source_databricks.tables.session import Session
from source_databricks.tables.state import KeyRange, PartitionedKeyState
from source_databricks.tables.table_info import Column
from source_databricks.tables.types import parse_type
from source_databricks.tables.warehouse import Warehouse

T = exp.DataType.Type
SPLITTABLE = {
    T.TINYINT, T.SMALLINT, T.INT, T.BIGINT, T.FLOAT, T.DOUBLE, T.DECIMAL,
    T.DATE, T.TIMESTAMPTZ, T.TIMESTAMPNTZ,
}  # fmt: skip
BOUND = "bound"


@dataclass(frozen=True)
class Partitioning:
    """Tables with at least `min_rows` rows are read as `ranges` key ranges (1: never)."""

    min_rows: int
    ranges: int


NO_PARTITIONS = Partitioning(min_rows=0, ranges=1)


@dataclass(frozen=True)
class PartitionCheckpoint:
    """Progress of range `index` of a stream, written into the stream's state by the writer."""

    index: int
    range: KeyRange


class PartitionProgress:
    """The stream's partitioned state as the writer has written it: truthful for every range."""

    def __init__(self, state: PartitionedKeyState) -> None:
        self.state = state
        self.resumed = any(part.position or part.done for part in state.partitions)

    def update(self, checkpoint: PartitionCheckpoint) -> dict:
        parts = list(self.state.partitions)
        parts[checkpoint.index] = checkpoint.range
        self.state = self.state.model_copy(update={"partitions": tuple(parts)})
        return self.state.model_dump()


@dataclass(frozen=True)
class Fork:
    """A stream split into `tasks` that run at once; `finish` runs once all of them are done."""

    tasks: Sequence[Callable[[Session], Iterator[Output | PartitionCheckpoint]]]
    finish: Callable[[Session], Iterator[Output]] | None
    progress: PartitionProgress


def is_splittable(column: Column) -> bool:
    return not column.nullable and parse_type(column.full_data_type).this in SPLITTABLE


def count_rows(warehouse: Warehouse, table: exp.Table) -> int:
    """`count(*)` of the table (Delta answers it from file statistics)."""
    ((rows,),) = warehouse.query(
        exp.select(exp.func("count", exp.Star())).from_(table).sql(sql.DIALECT)
    )
    return int(rows)


def key_ranges(
    warehouse: Warehouse, table: exp.Table, column: Column, ranges: int
) -> list[KeyRange]:
    """About equal ranges of `table` by `column`; one range when the quantiles do not differ."""
    bounds = _distinct(_quantiles(warehouse, table, column, ranges))
    edges: list[str | None] = [None, *bounds, None]
    return [KeyRange(lower=low, upper=high) for low, high in pairwise(edges)]


def range_condition(column: Column, part: KeyRange) -> tuple[exp.Expression | None, list[str]]:
    """`lower <= column AND column < upper` (each side when bounded) and its bound values."""
    name = exp.column(column.name, quoted=True)
    conditions, values = [], []
    if part.lower is not None:
        conditions.append(name >= bound(column))
        values.append(part.lower)
    if part.upper is not None:
        conditions.append(name < bound(column))
        values.append(part.upper)
    return (exp.and_(*conditions) if conditions else None), values


def _quantiles(
    warehouse: Warehouse, table: exp.Table, column: Column, ranges: int
) -> pa.RecordBatch:
    kind = parse_type(column.full_data_type)
    fractions = exp.Array(expressions=[exp.Literal.number(i / ranges) for i in range(1, ranges)])
    quantiles = exp.func("approx_percentile", exp.column(column.name, quoted=True), fractions)
    as_type = exp.cast(
        quantiles, exp.DataType(this=T.ARRAY, expressions=[kind.copy()], nested=True)
    )
    query = exp.select(exp.alias_(as_type, BOUND)).from_(table).sql(sql.DIALECT)
    lists = pa.Table.from_batches(list(warehouse.stream(query))).column(BOUND)
    values = lists.combine_chunks().flatten() if lists.num_chunks else pa.array([])
    return pa.record_batch([values], names=[BOUND])


def _distinct(quantiles: pa.RecordBatch) -> list[str]:
    """The quantiles' exact text (as records and positions carry it), in order, without repeats."""
    encoder = RecordEncoder("bounds", None)
    try:
        texts = [
            encoder.last_values(quantiles.slice(i, 1), [BOUND])[0] for i in range(len(quantiles))
        ]
    finally:
        encoder.close()
    distinct: list[str] = []
    for text in texts:
        if text is not None and (not distinct or text != distinct[-1]):
            distinct.append(text)
    return distinct

"""Reading in key order from an inclusive bound: the shape of every resumable read.

A position is the exact source value of each ordering column, held as text (RFC 3339 for
timestamps, every digit for decimals) and bound as `CAST(? AS <type>)`, so it never passes
through a float or a time zone conversion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from source_databricks.tables.table_info import Column
from source_databricks.tables.types import parse_type

T = exp.DataType.Type
ORDERABLE = {
    T.TINYINT, T.SMALLINT, T.INT, T.BIGINT, T.FLOAT, T.DOUBLE, T.DECIMAL,
    T.TEXT, T.VARCHAR, T.CHAR, T.DATE, T.TIMESTAMPTZ, T.TIMESTAMPNTZ, T.BOOLEAN,
}  # fmt: skip


def is_orderable(column: Column) -> bool:
    """Whether rows can be resumed on this column: scalar types with a total order."""
    return parse_type(column.full_data_type).this in ORDERABLE


@dataclass(frozen=True)
class OrderedRead:
    """Rows ordered by `columns`, from `start` (inclusive) when given."""

    columns: tuple[Column, ...]
    start: tuple[str, ...] | None = None

    def order_by(self) -> list[exp.Ordered]:
        # NULLs first: a first sync emits rows whose cursor is NULL before any position exists.
        return [
            exp.Ordered(this=exp.column(c.name, quoted=True), nulls_first=True)
            for c in self.columns
        ]

    def condition(self) -> exp.Expression | None:
        """Lexicographic `(c1, …, cn) >= (v1, …, vn)`; `>=` so ties at the bound are re-read."""
        return None if self.start is None else _at_or_after(self.columns)

    def parameters(self) -> list[str]:
        """The bound values in the order their markers appear in `condition`."""
        if self.start is None:
            return []
        pairs = [[value, value] for value in self.start[:-1]]
        return [value for pair in pairs for value in pair] + [self.start[-1]]


def _at_or_after(columns: Sequence[Column]) -> exp.Expression:
    first, rest = columns[0], columns[1:]
    column = exp.column(first.name, quoted=True)
    if not rest:
        return column >= bound(first)
    tail = exp.and_(column.eq(bound(first)), exp.paren(_at_or_after(rest)))
    return exp.or_(column > bound(first), tail)


def bound(column: Column) -> exp.Expression:
    return exp.cast(exp.Placeholder(), parse_type(column.full_data_type))

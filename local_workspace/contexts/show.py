"""``df.show()``: the ASCII table Spark prints."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def render(table: pa.Table, n: int, truncate: int) -> str:
    """The first ``n`` rows of ``table`` as Spark draws them (cells cut at ``truncate``)."""
    names = table.column_names
    rows = [[_cell(v, truncate) for v in values] for values in _values(table, n)]
    widths = [max([len(name), *(len(r[i]) for r in rows)]) for i, name in enumerate(names)]
    rule = "+" + "+".join("-" * w for w in widths) + "+"
    lines = [rule, _line(names, widths), rule, *(_line(r, widths) for r in rows), rule]
    if table.num_rows > n:
        lines.append(f"only showing top {n} row{'s' if n != 1 else ''}")
    return "\n".join(lines) + "\n"


def _values(table: pa.Table, n: int) -> list[tuple[Any, ...]]:
    columns = [column.to_pylist()[:n] for column in table.columns]
    return list(zip(*columns, strict=True)) if columns else []


def _cell(value: Any, truncate: int) -> str:
    text = "NULL" if value is None else str(value)
    if truncate and len(text) > truncate:
        return text[: max(truncate - 3, 0)] + "..."
    return text


def _line(cells: list[str], widths: list[int]) -> str:
    return "|" + "|".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)) + "|"

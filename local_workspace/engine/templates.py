"""Building blocks of the semantics rules: DuckDB templates and errors raised at run time.

A template is DuckDB SQL parsed once whose ``__name`` placeholders are replaced by sub-trees.
``raise_error`` builds DuckDB's ``error(...)`` with a message in Databricks' layout
(``[CLASS] message SQLSTATE: xxxxx``); ``error_map`` turns it back into that SqlError.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

_TEMPLATES: dict[str, exp.Expression] = {}


def parsed(sql: str) -> exp.Expression:
    """DuckDB SQL parsed once (callers copy before changing it)."""
    if sql not in _TEMPLATES:
        _TEMPLATES[sql] = sqlglot.parse_one(sql, read="duckdb")
    return _TEMPLATES[sql]


def template(sql: str, **parts: exp.Expression) -> exp.Expression:
    """Parse a DuckDB template and put ``parts`` in place of its ``__name`` placeholders."""
    tree = parsed(sql).copy()

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.startswith("__"):
            part = parts.get(node.name[2:])
            if part is not None:
                return part.copy()
        return node

    return exp.Paren(this=tree.transform(fill))


def call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=[a.copy() for a in args])


def raise_error(error_class: str, sqlstate: str, *parts: str | exp.Expression) -> exp.Expression:
    """``error('[CLASS] ... SQLSTATE: s')``; expression parts are shown as their text."""
    pieces: list[exp.Expression] = [exp.Literal.string(f"[{error_class}] ")]
    for part in parts:
        if isinstance(part, str):
            pieces.append(exp.Literal.string(part))
        else:
            pieces.append(exp.cast(part.copy(), exp.DataType.build("VARCHAR")))
    pieces.append(exp.Literal.string(f" SQLSTATE: {sqlstate}"))
    message = pieces[0]
    for piece in pieces[1:]:
        message = exp.DPipe(this=message, expression=piece, safe=True)
    return exp.Anonymous(this="error", expressions=[message])

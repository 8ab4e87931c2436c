"""SQL built as sqlglot expressions: identifiers always quoted, values always bound as `?`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

DIALECT = "databricks"


def table_ref(catalog: str, schema: str, table: str) -> exp.Table:
    """catalog.schema.table with every part quoted, whatever characters it holds."""
    return exp.Table(
        this=exp.to_identifier(table, quoted=True),
        db=exp.to_identifier(schema, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True),
    )


def select_columns(table: exp.Table, columns: Sequence[str]) -> str:
    """SELECT the named columns of a table, in the given order."""
    return exp.select(*(exp.column(c, quoted=True) for c in columns)).from_(table).sql(DIALECT)


def information_schema(catalog: str, view: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(view),
        db=exp.to_identifier("information_schema"),
        catalog=exp.to_identifier(catalog, quoted=True),
    )


def in_placeholders(column: exp.Column, count: int) -> exp.Expression:
    """`column IN (?, ?, …)`, or `column <> 'information_schema'` when nothing is listed."""
    if count == 0:
        return column.neq(exp.Literal.string("information_schema"))
    return column.isin(*(exp.Placeholder() for _ in range(count)))

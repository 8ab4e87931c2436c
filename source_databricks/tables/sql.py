"""SQL built as sqlglot expressions: identifiers always quoted, values always bound as `?`."""

from __future__ import annotations

from sqlglot import exp

DIALECT = "databricks"


def table_ref(catalog: str, schema: str, table: str) -> exp.Table:
    """catalog.schema.table with every part quoted, whatever characters it holds."""
    return exp.Table(
        this=exp.to_identifier(table, quoted=True),
        db=exp.to_identifier(schema, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True),
    )


def information_schema(catalog: str, view: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(view),
        db=exp.to_identifier("information_schema"),
        catalog=exp.to_identifier(catalog, quoted=True),
    )

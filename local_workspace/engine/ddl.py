"""CREATE TABLE and DROP: Unity Catalog metadata DuckDB does not keep.

Databricks keys are informational (NOT ENFORCED), so PRIMARY KEY / FOREIGN KEY clauses are
removed from the DuckDB DDL and recorded in the catalog's ``main.__uc_constraints`` table, in
the same transaction as the DDL (one catalog file, so one DuckDB write transaction).
Column and table COMMENTs become DuckDB comments (sqlglot drops them from the DDL).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from sqlglot import exp

from local_workspace.engine import catalogs
from local_workspace.engine.catalogs import qualified


@dataclass(frozen=True)
class TableName:
    """A fully qualified table: DuckDB alias of the catalog, schema, table."""

    alias: str
    schema: str
    table: str

    @property
    def sql(self) -> str:
        return qualified(self.alias, self.schema, self.table)


@dataclass(frozen=True)
class KeyConstraint:
    name: str
    kind: str  # 'PRIMARY KEY' | 'FOREIGN KEY'
    columns: tuple[str, ...]


def table_name(table: exp.Table) -> TableName:
    """The name of an already translated (three-part) table node."""
    return TableName(table.catalog, table.db, table.name)


def pop_key_constraints(create: exp.Create, table: str) -> list[KeyConstraint]:
    """Remove key constraints from a CREATE TABLE's column list and return them."""
    schema = create.this if isinstance(create.this, exp.Schema) else None
    found: list[KeyConstraint] = []
    for node in list(schema.expressions) if schema else []:
        key = _key_of(node, table)
        if key is not None:
            found.append(key)
            node.pop()
    return found


def _key_of(node: exp.Expression, table: str) -> KeyConstraint | None:
    name = node.name if isinstance(node, exp.Constraint) else f"{table}_pk"
    inner = node.expressions[0] if isinstance(node, exp.Constraint) and node.expressions else node
    if isinstance(inner, exp.PrimaryKey):
        return KeyConstraint(name, "PRIMARY KEY", tuple(e.name for e in inner.expressions))
    if isinstance(inner, exp.ForeignKey):
        return KeyConstraint(name, "FOREIGN KEY", tuple(e.name for e in inner.expressions))
    if isinstance(node, exp.ColumnDef):
        return _column_key(node, table)
    return None


def _column_key(column: exp.ColumnDef, table: str) -> KeyConstraint | None:
    for constraint in column.constraints:
        if isinstance(constraint.kind, exp.PrimaryKeyColumnConstraint):
            constraint.pop()
            # Databricks: a primary key column is implicitly NOT NULL.
            not_null = exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())
            column.append("constraints", not_null)
            return KeyConstraint(f"{table}_pk", "PRIMARY KEY", (column.name,))
    return None


def pop_comments(create: exp.Create) -> tuple[str | None, dict[str, str]]:
    """Remove COMMENT clauses; return (table comment, {column: comment})."""
    columns: dict[str, str] = {}
    for column in create.find_all(exp.ColumnDef):
        for constraint in list(column.constraints):
            if isinstance(constraint.kind, exp.CommentColumnConstraint):
                columns[column.name] = constraint.kind.this.name
                constraint.pop()
    properties = create.args.get("properties")
    table_comment = None
    for prop in list(properties.expressions) if properties else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            table_comment = prop.this.name
            prop.pop()
    return table_comment, columns


def comment_statements(name: TableName, table: str | None, columns: dict[str, str]) -> list[str]:
    """DuckDB COMMENT ON statements for a created table."""
    text = [] if table is None else [f"COMMENT ON TABLE {name.sql} IS {_string(table)}"]
    for column, comment in columns.items():
        target = f"{name.sql}.{catalogs.ident(column)}"
        text.append(f"COMMENT ON COLUMN {target} IS {_string(comment)}")
    return text


def _string(value: str) -> str:
    return exp.Literal.string(value).sql("duckdb")


def _constraints_table(alias: str) -> str:
    return qualified(alias, catalogs.META_SCHEMA, catalogs.CONSTRAINTS_TABLE)


def forget_constraints(cursor: duckdb.DuckDBPyConnection, name: TableName) -> None:
    """Delete a table's recorded constraints (before re-creating or after dropping it)."""
    cursor.execute(
        f"DELETE FROM {_constraints_table(name.alias)} WHERE schema_name = ? AND table_name = ?",
        [name.schema, name.table],
    )


def forget_schema_constraints(cursor: duckdb.DuckDBPyConnection, alias: str, schema: str) -> None:
    cursor.execute(f"DELETE FROM {_constraints_table(alias)} WHERE schema_name = ?", [schema])


def record_constraints(
    cursor: duckdb.DuckDBPyConnection, name: TableName, keys: list[KeyConstraint]
) -> None:
    for key in keys:
        cursor.execute(
            f"INSERT INTO {_constraints_table(name.alias)} VALUES (?, ?, ?, ?, ?)",
            [name.schema, name.table, key.name, key.kind, list(key.columns)],
        )


def table_exists(cursor: duckdb.DuckDBPyConnection, name: TableName) -> bool:
    row = cursor.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?"
        " AND table_name = ?",
        [name.alias, name.schema, name.table],
    ).fetchone()
    return bool(row and row[0])

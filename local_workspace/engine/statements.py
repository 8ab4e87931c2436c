"""Statement dispatch: each Databricks statement kind -> one handler returning a result.

Queries stream from a fresh cursor; everything else runs on the session's state cursor.
Statements sqlglot cannot parse (CREATE CATALOG, SET TIME ZONE) arrive as ``exp.Command`` and
are read with sqlglot's tokenizer in ``commands``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from local_workspace.engine import commands, ddl
from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter, StatementResult
from local_workspace.engine.results import dml_result, empty_result, lazy_result, table_result
from local_workspace.engine.translate import to_duckdb_sql

if TYPE_CHECKING:
    from local_workspace.engine.session import EngineSession

Handler = Callable[["EngineSession", exp.Expression, Sequence[Parameter]], StatementResult]


def run(
    session: EngineSession, tree: exp.Expression, parameters: Sequence[Parameter]
) -> StatementResult:
    """Execute one parsed statement in ``session``."""
    for kind, handler in _HANDLERS:
        if isinstance(tree, kind):
            return handler(session, tree, parameters)
    return _other(session, tree, parameters)


def _query(session: EngineSession, tree, parameters) -> StatementResult:
    cursor = session.query_cursor()
    try:
        sql = to_duckdb_sql(tree, session.context(parameters, cursor))
        relation = cursor.sql(sql)
        return lazy_result(relation, session.time_zone, lambda: session.release(cursor))
    except BaseException:
        session.release(cursor)
        raise


def _run_on_state(session: EngineSession, tree, parameters) -> list[tuple]:
    """Translate and run a statement on the state cursor; return all its rows."""
    cursor = session.cursor
    sql = to_duckdb_sql(tree, session.context(parameters, cursor))
    return cursor.execute(sql).fetchall()


def _dml(session: EngineSession, tree, parameters) -> StatementResult:
    rows = _run_on_state(session, tree, parameters)
    affected = int(rows[0][0]) if rows else 0
    inserted = affected if isinstance(tree, exp.Insert) else 0
    return dml_result(affected, inserted)


def _other(session: EngineSession, tree, parameters) -> StatementResult:
    _run_on_state(session, tree, parameters)
    return empty_result()


def _create(session: EngineSession, tree: exp.Create, parameters) -> StatementResult:
    kind = (tree.args.get("kind") or "").upper()
    if kind == "TABLE":
        return _create_table(session, tree, parameters)
    if kind in ("SCHEMA", "DATABASE"):
        _require_catalog_of(session, tree.this)
    return _other(session, tree, parameters)


def _create_table(session: EngineSession, tree: exp.Create, parameters) -> StatementResult:
    target = _qualify_target(session, tree.find(exp.Table))
    keys = ddl.pop_key_constraints(tree, target.name.lower())
    table_comment, column_comments = ddl.pop_comments(tree)
    cursor = session.cursor
    sql = to_duckdb_sql(tree, session.context(parameters, cursor))
    name = ddl.table_name(target)
    if tree.args.get("exists") and ddl.table_exists(cursor, name):
        return empty_result()
    with _transaction(cursor):
        cursor.execute(sql)
        for statement in ddl.comment_statements(name, table_comment, column_comments):
            cursor.execute(statement)
        ddl.forget_constraints(cursor, name)
        ddl.record_constraints(cursor, name, keys)
    return empty_result()


def _drop(session: EngineSession, tree: exp.Drop, parameters) -> StatementResult:
    kind = (tree.args.get("kind") or "").upper()
    if kind not in ("TABLE", "VIEW", "SCHEMA", "DATABASE"):
        return _other(session, tree, parameters)
    targets = tree.args.get("tables") or [tree.this]
    for target in targets:
        if kind in ("SCHEMA", "DATABASE"):
            _require_catalog_of(session, target)
        else:
            _qualify_target(session, target)
    cursor = session.cursor
    sql = to_duckdb_sql(tree, session.context(parameters, cursor))
    with _transaction(cursor):
        cursor.execute(sql)
        for target in targets:  # translated in place: catalogs are DuckDB aliases now
            if kind in ("SCHEMA", "DATABASE"):
                ddl.forget_schema_constraints(cursor, target.catalog, target.db)
            else:
                ddl.forget_constraints(cursor, ddl.table_name(target))
    return empty_result()


def _qualify_target(session: EngineSession, table: exp.Table) -> exp.Table:
    """Fill in the session's catalog/schema on a DDL target, so metadata knows its home."""
    if not table.args.get("db"):
        table.set("db", exp.to_identifier(session.schema))
    if not table.args.get("catalog"):
        table.set("catalog", exp.to_identifier(session.catalog))
    return table


def _require_catalog_of(session: EngineSession, schema: exp.Table) -> None:
    """CREATE/DROP SCHEMA [cat.]s: Databricks' error for a missing catalog, not DuckDB's."""
    session.catalogs.require(schema.catalog or session.catalog)


class _transaction:
    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def __enter__(self) -> None:
        self._cursor.execute("BEGIN TRANSACTION")

    def __exit__(self, kind, error, traceback) -> None:
        self._cursor.execute("COMMIT" if error is None else "ROLLBACK")


def _use(session: EngineSession, tree: exp.Use, parameters) -> StatementResult:
    kind = (tree.args.get("kind").name if tree.args.get("kind") else "").upper()
    target = tree.this
    if kind == "CATALOG":
        session.use(target.name, "default")
    elif target.args.get("db"):  # USE [SCHEMA|DATABASE] catalog.schema
        session.use(target.db, target.name)
    else:
        session.use(session.catalog, target.name)
    return empty_result()


def _set(session: EngineSession, tree: exp.Set, parameters) -> StatementResult:
    keys, values = [], []
    for item in tree.expressions:
        assignment = item.this
        if not isinstance(assignment, exp.EQ):
            raise SqlError("UNSUPPORTED_FEATURE", "0A000", "Only SET key = value is supported.")
        key = assignment.this.sql("databricks").replace(" ", "")
        value = _set_value(assignment.expression)
        commands.apply_conf(session, key, value)
        keys.append(key)
        values.append(value)
    return table_result(pa.table({"key": keys, "value": values}))


def _set_value(node: exp.Expression) -> str:
    if isinstance(node, exp.Literal):
        return node.name
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    # Unquoted values such as America/New_York parse as expressions; time zone names and
    # conf values carry no spaces, so the re-generated text without spaces is the value.
    return node.sql("databricks").replace(" ", "")


def _command(session: EngineSession, tree: exp.Command, parameters) -> StatementResult:
    return commands.run(session, tree)


_HANDLERS: list[tuple[type, Handler]] = [
    (exp.Query, _query),
    (exp.Insert | exp.Update | exp.Delete | exp.Merge, _dml),
    (exp.Create, _create),
    (exp.Drop, _drop),
    (exp.Use, _use),
    (exp.Set, _set),
    (exp.Command, _command),
]

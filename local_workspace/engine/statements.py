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

from local_workspace.engine import commands, ddl, table_ddl, versions, writes
from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter, StatementResult
from local_workspace.engine.results import dml_result, empty_result, lazy_result, table_result
from local_workspace.engine.translate import to_duckdb_sql, translate

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
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(target, exp.Table) or not isinstance(target.this, exp.Identifier):
        rows = _run_on_state(session, tree, parameters)
        return dml_result(int(rows[0][0]) if rows else 0, 0)
    qualify_target(session, target)
    with session.write_transaction() as cursor:
        translate(tree, session.context(parameters, cursor))
        outcome = writes.run(cursor, tree, table_ddl.name_of(target))
    return dml_result(outcome.affected, outcome.inserted)


def _other(session: EngineSession, tree, parameters) -> StatementResult:
    _run_on_state(session, tree, parameters)
    return empty_result()


def _create(session: EngineSession, tree: exp.Create, parameters) -> StatementResult:
    kind = (tree.args.get("kind") or "").upper()
    if kind == "TABLE":
        target = qualify_target(session, tree.find(exp.Table))
        return table_ddl.create_table(session, tree, target, parameters)
    if kind == "VIEW":
        result = table_ddl.create_view(session, tree, parameters)
        if result is not None:
            return result
        if _is_materialized(tree):
            return _create_materialized_view(session, tree, parameters)
    if kind in ("SCHEMA", "DATABASE"):
        _require_catalog_of(session, tree.this)
    return _other(session, tree, parameters)


def _is_materialized(tree: exp.Create) -> bool:
    props = tree.args.get("properties")
    return props is not None and any(
        isinstance(p, exp.MaterializedProperty) for p in props.expressions
    )


def _create_materialized_view(session: EngineSession, tree: exp.Create, parameters):
    """CREATE MATERIALIZED VIEW: the query's result, stored once (no refresh pipeline)."""
    props = tree.args["properties"]
    for prop in list(props.expressions):
        if isinstance(prop, exp.MaterializedProperty):
            prop.pop()
    tree.set("kind", "TABLE")
    target = qualify_target(session, tree.find(exp.Table))
    return table_ddl.create_table(session, tree, target, parameters, "MATERIALIZED_VIEW")


def _drop(session: EngineSession, tree: exp.Drop, parameters) -> StatementResult:
    kind = (tree.args.get("kind") or "").upper()
    if kind not in ("TABLE", "VIEW", "SCHEMA", "DATABASE"):
        return _other(session, tree, parameters)
    targets = tree.args.get("tables") or [tree.this]
    if kind == "VIEW" and _drop_temp_views(session, tree, targets):
        return empty_result()
    for target in targets:
        if kind in ("SCHEMA", "DATABASE"):
            _require_catalog_of(session, target)
        else:
            qualify_target(session, target)
    with session.write_transaction() as cursor:
        sql = to_duckdb_sql(tree, session.context(parameters, cursor))
        cursor.execute(sql)
        for target in targets:  # translated in place: catalogs are DuckDB aliases now
            if kind in ("SCHEMA", "DATABASE"):
                ddl.forget_schema_constraints(cursor, target.catalog, target.db)
                versions.forget_schema(cursor, target.catalog, target.db)
            else:
                ddl.forget_constraints(cursor, ddl.table_name(target))
                versions.forget(cursor, table_ddl.name_of(target))
    return empty_result()


def _drop_temp_views(session: EngineSession, tree: exp.Drop, targets) -> bool:
    """DROP VIEW of unqualified temp view names (True if handled)."""
    names = [t.name for t in targets if not t.args.get("db")]
    if len(names) != len(targets) or not all(n.lower() in session.temp_views for n in names):
        return False
    for name in names:
        session.drop_temp_view(name)
    return True


def _alter(session: EngineSession, tree: exp.Alter, parameters) -> StatementResult:
    if (tree.args.get("kind") or "").upper() != "TABLE":
        return _other(session, tree, parameters)
    target = qualify_target(session, tree.this)
    return table_ddl.alter_table(session, tree, target, parameters)


def _truncate(session: EngineSession, tree: exp.TruncateTable, parameters) -> StatementResult:
    targets = [qualify_target(session, t) for t in tree.expressions]
    return table_ddl.truncate(session, tree, targets, parameters)


def qualify_target(session: EngineSession, table: exp.Table) -> exp.Table:
    """Fill in the session's catalog/schema on a DDL target, so metadata knows its home."""
    if not table.args.get("db"):
        table.set("db", exp.to_identifier(session.schema))
    if not table.args.get("catalog"):
        table.set("catalog", exp.to_identifier(session.catalog))
    return table


def _require_catalog_of(session: EngineSession, schema: exp.Table) -> None:
    """CREATE/DROP SCHEMA [cat.]s: Databricks' error for a missing catalog, not DuckDB's."""
    session.catalogs.require(schema.catalog or session.catalog)


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
    (exp.Alter, _alter),
    (exp.TruncateTable, _truncate),
    (exp.Use, _use),
    (exp.Set, _set),
    (exp.Command, _command),
]

"""Databricks SQL AST -> DuckDB SQL AST: pure rules composed in a list (no regex over SQL text).

Each rule is ``rule(tree, ctx) -> tree``. ``translate`` applies them in order; statement-specific
work (CREATE TABLE constraints, USE, SET) lives in ``statements`` and ``ddl``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from local_workspace.engine import catalogs, semantics
from local_workspace.engine.errors import SqlError
from local_workspace.engine.parameters import bind_parameters
from local_workspace.engine.result import Parameter

INFORMATION_SCHEMA = "information_schema"


@dataclass
class Context:
    """What rules may read: the session namespace, parameters, and an information_schema hook.

    ``information_schema(catalog, view)`` returns the DuckDB relation name that serves
    ``<catalog>.information_schema.<view>`` for this statement (see ``information_schema``).
    """

    catalog: str
    schema: str
    parameters: Sequence[Parameter] = ()
    information_schema: Callable[[str, str], str] | None = None
    # Session-bound resolvers (None in pure translation tests):
    # temp_view(name) -> the view's translated body; snapshot(table) -> DuckDB SQL of a
    # ``VERSION/TIMESTAMP AS OF`` read, None for the live table; changes(call) -> table_changes.
    temp_view: Callable[[str], exp.Expression | None] | None = None
    snapshot: Callable[[exp.Table], str | None] | None = None
    changes: Callable[[exp.Table], str] | None = None


Rule = Callable[[exp.Expression, Context], exp.Expression]


def translate(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Apply every rule to a parsed Databricks statement; the result generates DuckDB SQL."""
    for rule in RULES:
        tree = rule(tree, ctx)
    return tree


def to_duckdb_sql(tree: exp.Expression, ctx: Context) -> str:
    return translate(tree, ctx).sql(dialect="duckdb")


def _view_columns(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """The body of ``CREATE VIEW v(a, b) AS ...`` (translated on its own): its columns take the
    names of the view's column list."""
    create = tree.parent
    if not isinstance(create, exp.Create) or tree.arg_key != "expression":
        return tree
    schema = create.this
    names = [c.name for c in schema.expressions] if isinstance(schema, exp.Schema) else []
    if not names:
        return tree
    alias = exp.TableAlias(
        this=exp.to_identifier("__view"), columns=[exp.to_identifier(n) for n in names]
    )
    return exp.select("*").from_(exp.Subquery(this=tree.copy(), alias=alias))


def _bind(tree: exp.Expression, ctx: Context) -> exp.Expression:
    return bind_parameters(tree, ctx.parameters)


def _information_schema(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``[cat.]information_schema.x`` -> the relation the session registered for it."""
    for table in list(tree.find_all(exp.Table)):
        if table.db.lower() != INFORMATION_SCHEMA or ctx.information_schema is None:
            continue
        name = ctx.information_schema(table.catalog or ctx.catalog, table.name.lower())
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(table.name))
        table.replace(exp.Table(this=exp.to_identifier(name, quoted=True), alias=alias))
    return tree


def _map_catalogs(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Databricks catalog names -> DuckDB aliases; 2-part names get the current catalog.

    Two-part names are made three-part because DuckDB would otherwise try ``x.y`` as
    catalog.table before schema.table. Names are lowercased: Unity Catalog stores them so.
    """
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) and table.this is not None:
            continue  # a table function such as range(10)
        if table.args.get("db") is None:
            continue  # unqualified: resolved by the session's USE (or a CTE / temp view)
        catalog = table.catalog or ctx.catalog
        table.set("catalog", exp.to_identifier(catalogs.to_duckdb(catalog), quoted=True))
        _lowercase(table, "db")
        _lowercase(table, "this")
    return tree


def _lowercase(table: exp.Table, part: str) -> None:
    node = table.args.get(part)
    if isinstance(node, exp.Identifier):
        node.set("this", node.this.lower())


def _range_function(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Databricks ``range(...)`` yields a column ``id``; DuckDB's yields ``range``."""
    for table in list(tree.find_all(exp.Table)):
        func = table.this
        if not isinstance(func, exp.Func) or func.name.lower() != "range":
            continue
        args = func.expressions[:3]  # Databricks' 4th argument is numPartitions
        source = exp.Table(this=exp.Anonymous(this="range", expressions=args))
        select = exp.select(exp.column("range").as_("id")).from_(source)
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier("range"))
        table.replace(exp.Subquery(this=select, alias=alias))
    return tree


def _current_namespace(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """current_catalog()/current_schema()/current_database() answer in Databricks names."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CurrentCatalog):
            return _named_literal(node, ctx.catalog, "current_catalog()")
        if isinstance(node, exp.CurrentSchema):
            return _named_literal(node, ctx.schema, "current_schema()")
        if isinstance(node, exp.CurrentDatabase):
            return _named_literal(node, ctx.schema, "current_database()")
        return node

    return tree.transform(replace, copy=False)


def _named_literal(node: exp.Expression, value: str, column: str) -> exp.Expression:
    literal = exp.Literal.string(value)
    # As a bare projection the column keeps Databricks' name, e.g. `current_catalog()`.
    if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
        return exp.alias_(literal, column, quoted=True)
    return literal


def _identifier(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``IDENTIFIER('c.s.t')`` / ``IDENTIFIER(:name)`` -> the table or column it names."""
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.upper() != "IDENTIFIER" or len(node.expressions) != 1:
            continue
        text = node.expressions[0]
        if not isinstance(text, exp.Literal) or not text.is_string:
            raise SqlError(
                "NOT_A_CONSTANT_STRING.NOT_CONSTANT",
                "42601",
                "The expression used for the routine or clause IDENTIFIER must be a constant "
                "STRING which is NOT NULL.",
            )
        if isinstance(node.parent, exp.Table) and node.arg_key == "this":
            table = exp.to_table(text.name, dialect="databricks")
            for part in ("this", "db", "catalog"):
                node.parent.set(part, table.args.get(part))
        else:
            node.replace(exp.column(*reversed(text.name.split(".")), quoted=True))
    return tree


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _temp_views(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Unqualified names of the session's temp views -> the views' bodies (CTEs win)."""
    if ctx.temp_view is None:
        return tree
    shadowed = _cte_names(tree)
    for table in list(tree.find_all(exp.Table)):
        if table.args.get("db") or not isinstance(table.this, exp.Identifier):
            continue
        if table.name.lower() in shadowed or table.args.get("version") is not None:
            continue
        body = ctx.temp_view(table.name.lower())
        if body is not None:
            table.replace(_subquery(body, table))
    return tree


def _subquery(body: exp.Expression, table: exp.Table) -> exp.Subquery:
    """``body`` in place of ``table``, keeping its alias and any PIVOT/UNPIVOT on it."""
    alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(table.name))
    subquery = exp.Subquery(this=body.copy(), alias=alias)
    if table.args.get("pivots"):
        subquery.set("pivots", [p.copy() for p in table.args["pivots"]])
    return subquery


def _time_travel(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``t VERSION AS OF n`` / ``TIMESTAMP AS OF ts`` -> the table as of that version."""
    for table in list(tree.find_all(exp.Table)):
        if table.args.get("version") is None or ctx.snapshot is None:
            continue
        sql = ctx.snapshot(table)
        table.set("version", None)
        if sql is not None:
            table.replace(_subquery(sqlglot.parse_one(sql, read="duckdb"), table))
    return tree


def _table_changes(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``table_changes('t', start[, end])`` -> rows of the table's change log."""
    for table in list(tree.find_all(exp.Table)):
        func = table.this
        if not isinstance(func, exp.Func) or func.name.lower() != "table_changes":
            continue
        if ctx.changes is None:
            continue
        body = sqlglot.parse_one(ctx.changes(table), read="duckdb")
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier("table_changes"))
        table.replace(exp.Subquery(this=body, alias=alias))
    return tree


def _set_targets(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``UPDATE ... SET t.a = 1`` and MERGE ``SET t.a = ...``: DuckDB wants bare column names."""
    updates = [tree] if isinstance(tree, exp.Update) else list(tree.find_all(exp.Update))
    for update in updates:
        for assignment in update.expressions:
            target = assignment.this if isinstance(assignment, exp.EQ) else None
            if isinstance(target, exp.Column) and target.table:
                target.set("table", None)
                target.set("db", None)
                target.set("catalog", None)
    return tree


RULES: list[Rule] = [
    _view_columns,
    _bind,
    _identifier,
    _information_schema,
    _range_function,
    _map_catalogs,
    _current_namespace,
    _temp_views,
    _time_travel,
    _table_changes,
    _set_targets,
    *semantics.RULES,
]

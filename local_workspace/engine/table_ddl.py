"""CREATE TABLE / VIEW, ALTER TABLE and TRUNCATE as Unity Catalog + Delta would record them.

CREATE TABLE [AS SELECT] is version 0 (CREATE OR REPLACE of a table continues its numbering);
ALTER TABLE SET TBLPROPERTIES / ADD COLUMNS and TRUNCATE are commits. TBLPROPERTIES, USING
and LOCATION are kept in the version metadata (sqlglot drops them from DuckDB DDL).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlglot import exp

from local_workspace.engine import ddl, versions, writes
from local_workspace.engine.catalogs import ident
from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter, StatementResult
from local_workspace.engine.results import empty_result
from local_workspace.engine.translate import to_duckdb_sql, translate

if TYPE_CHECKING:
    from local_workspace.engine.session import EngineSession

CDF_DEFAULT_CONF = "spark.databricks.delta.properties.defaults.enablechangedatafeed"
# A local-workspace-only table property that sets information_schema.tables.table_type, so
# scripts can make examples of kinds SQL cannot create here (FOREIGN needs a federated source).
TABLE_TYPE_PROPERTY = "local_workspace.table_type"
TABLE_TYPES = ("MANAGED", "EXTERNAL", "MATERIALIZED_VIEW", "STREAMING_TABLE", "FOREIGN")


def name_of(target: exp.Table) -> versions.Name:
    return versions.Name(target.catalog, target.db.lower(), target.name.lower())


def property_key(node: exp.Expression) -> str:
    if isinstance(node, exp.Literal):
        return node.name
    return node.sql("databricks").replace("`", "").replace(" ", "")


def property_value(node: exp.Expression) -> str:
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    return node.name if isinstance(node, exp.Literal) else node.sql("databricks")


def pop_properties(create: exp.Create) -> tuple[dict[str, str], str | None]:
    """Remove TBLPROPERTIES / LOCATION / USING from a CREATE; return (properties, location)."""
    properties: dict[str, str] = {}
    location = None
    props = create.args.get("properties")
    for prop in list(props.expressions) if props else []:
        if isinstance(prop, exp.LocationProperty):
            location = prop.this.name
            prop.pop()
        elif isinstance(prop, exp.FileFormatProperty):
            prop.pop()
        elif type(prop) is exp.Property:
            properties[property_key(prop.this)] = property_value(prop.args["value"])
            prop.pop()
    return properties, location


def create_table(
    session: EngineSession,
    tree: exp.Create,
    target: exp.Table,
    parameters: Sequence[Parameter],
    table_type: str | None = None,
) -> StatementResult:
    keys = ddl.pop_key_constraints(tree, target.name.lower())
    table_comment, column_comments = ddl.pop_comments(tree)
    properties, location = pop_properties(tree)
    table_type = _table_type(properties.pop(TABLE_TYPE_PROPERTY, None) or table_type, location)
    if versions.is_true(session.conf_value(CDF_DEFAULT_CONF)):
        properties.setdefault(versions.CDF_KEY, "true")
    with session.write_transaction() as cursor:
        sql = to_duckdb_sql(tree, session.context(parameters, cursor))
        name = ddl.table_name(target)
        vname = name_of(target)
        if tree.args.get("exists") and ddl.table_exists(cursor, name):
            return empty_result()
        previous = versions.load(cursor, vname) if tree.args.get("replace") else None
        cursor.execute(sql)
        for statement in ddl.comment_statements(name, table_comment, column_comments):
            cursor.execute(statement)
        ddl.forget_constraints(cursor, name)
        ddl.record_constraints(cursor, name, keys)
        _register(cursor, tree, vname, properties, location, previous, table_type)
    return empty_result()


def _table_type(declared: str | None, location: str | None) -> str:
    kind = (declared or ("EXTERNAL" if location else "MANAGED")).upper()
    if kind not in TABLE_TYPES:
        raise SqlError(
            "INVALID_PARAMETER_VALUE",
            "22023",
            f"{TABLE_TYPE_PROPERTY} must be one of {', '.join(TABLE_TYPES)}, got '{declared}'.",
        )
    return kind


def _register(cursor, tree: exp.Create, name, properties, location, previous, kind) -> None:
    as_select = tree.args.get("expression") is not None
    operation = ("CREATE OR REPLACE TABLE" if tree.args.get("replace") else "CREATE TABLE") + (
        " AS SELECT" if as_select else ""
    )
    parameters = {
        "isManaged": "false" if location else "true",
        "description": "",
        "partitionBy": "[]",
        "properties": json.dumps(properties),
    }
    first = previous.latest + 1 if previous is not None else 0
    table = versions.register(
        cursor,
        name,
        operation,
        parameters,
        properties=properties,
        table_type=kind,
        location=location,
        first_version=first,
    )
    if as_select and table.cdf:
        at = versions.Commit(table.latest, table.latest_timestamp)
        versions.record_changes(cursor, table, at, "insert", name.sql)


def create_view(
    session: EngineSession, tree: exp.Create, parameters: Sequence[Parameter]
) -> StatementResult | None:
    """CREATE [OR REPLACE] TEMP VIEW (session-scoped); None for a persistent view."""
    props = tree.args.get("properties")
    temporary = props is not None and any(
        isinstance(p, exp.TemporaryProperty) for p in props.expressions
    )
    if not temporary:
        return None
    name = tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
    if tree.args.get("exists") and name.lower() in session.temp_views:
        return empty_result()
    body = tree.args["expression"]
    _qualify(body, session)
    body = translate(body, session.context(parameters, session.cursor))
    session.create_temp_view(name, body, replace=bool(tree.args.get("replace")))
    return empty_result()


def _qualify(body: exp.Expression, session: EngineSession) -> None:
    """Pin a view body's unqualified table names to the namespace it was created in."""
    ctes = {cte.alias_or_name.lower() for cte in body.find_all(exp.CTE)}
    for table in body.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or table.args.get("db"):
            continue
        if table.name.lower() in ctes or table.name.lower() in session.temp_views:
            continue
        table.set("db", exp.to_identifier(session.schema))
        table.set("catalog", exp.to_identifier(session.catalog))


def alter_table(
    session: EngineSession, tree: exp.Alter, target: exp.Table, parameters: Sequence[Parameter]
) -> StatementResult:
    actions = tree.args.get("actions") or []
    with session.write_transaction() as cursor:
        translate(target, session.context(parameters, cursor))
        name = name_of(target)
        table = versions.require(cursor, name)
        for action in actions:
            _alter(cursor, table, action, tree, session, parameters)
    return empty_result()


def _alter(cursor, table: versions.Table, action, tree, session, parameters) -> None:
    if isinstance(action, exp.AlterSet):
        values = {}
        for props in action.expressions:
            for prop in props.expressions if isinstance(props, exp.Properties) else []:
                values[property_key(prop.this)] = property_value(prop.args["value"])
        versions.set_properties(cursor, table, values)
        _commit(cursor, table, "SET TBLPROPERTIES", {"properties": json.dumps(values)})
    elif isinstance(action, exp.Schema | exp.ColumnDef):
        columns = action.expressions if isinstance(action, exp.Schema) else [action]
        definitions = [c.sql("duckdb") for c in columns]
        for definition in definitions:
            cursor.execute(f"ALTER TABLE {table.name.sql} ADD COLUMN {definition}")
        if table.versioned:
            versions.add_columns(cursor, table, definitions)
        names = [c.name for c in columns]
        _commit(cursor, table, "ADD COLUMNS", {"columns": json.dumps(names)})
    elif isinstance(action, exp.AddConstraint):
        _add_constraint(cursor, table, action)
    elif isinstance(action, exp.AlterRename):
        new = action.this
        cursor.execute(f"ALTER TABLE {table.name.sql} RENAME TO {ident(new.name.lower())}")
        versions.rename(
            cursor, table.name, versions.Name(table.name.alias, table.name.schema, new.name.lower())
        )
    else:
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            f"The local workspace does not support ALTER TABLE {action.key.upper()} yet "
            f"(statement: {tree.sql('databricks')}).",
        )


def _commit(cursor, table: versions.Table, operation: str, parameters: dict[str, str]) -> None:
    if table.versioned:
        versions.commit(cursor, table, operation, parameters)


def _add_constraint(cursor, table: versions.Table, action: exp.AddConstraint) -> None:
    keys = []
    for constraint in action.expressions:
        inner = constraint.expressions[0] if constraint.expressions else None
        kind = {exp.PrimaryKey: "PRIMARY KEY", exp.ForeignKey: "FOREIGN KEY"}.get(type(inner))
        if kind is None:
            raise SqlError(
                "UNSUPPORTED_FEATURE",
                "0A000",
                "The local workspace supports only informational PRIMARY KEY / FOREIGN KEY "
                "constraints in ALTER TABLE ADD CONSTRAINT.",
            )
        columns = tuple(e.name for e in inner.expressions)
        keys.append(ddl.KeyConstraint(constraint.name, kind, columns))
    name = ddl.TableName(table.name.alias, table.name.schema, table.name.table)
    ddl.record_constraints(cursor, name, keys)


def truncate(
    session: EngineSession, tree: exp.TruncateTable, targets: list[exp.Table], parameters
) -> StatementResult:
    with session.write_transaction() as cursor:
        for target in targets:
            translate(target, session.context(parameters, cursor))
            writes.truncate(cursor, name_of(target))
    return empty_result()

"""DESCRIBE, SHOW and VACUUM in Databricks' output column layouts.

Column names, order and types follow the Databricks SQL language reference:
DESCRIBE TABLE (col_name, data_type, comment), DESCRIBE HISTORY (15 columns, newest first),
DESCRIBE DETAIL (one row), SHOW CATALOGS (catalog), SHOW SCHEMAS (databaseName),
SHOW TABLES (database, tableName, isTemporary), SHOW VIEWS (namespace, viewName, isTemporary,
isMaterialized), SHOW COLUMNS (col_name), SHOW TBLPROPERTIES (key, value),
SHOW CREATE TABLE (createtab_stmt).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pyarrow as pa

from local_workspace.engine import catalogs, time_travel, versions
from local_workspace.engine.errors import SqlError
from local_workspace.engine.results import empty_result, table_result
from local_workspace.engine.router import Words, syntax_error
from local_workspace.engine.types import from_duckdb
from local_workspace.engine.versions import Name, first

if TYPE_CHECKING:
    from local_workspace.engine.session import EngineSession

S = pa.string()
_MAP = pa.map_(pa.string(), pa.string())
_JOB = pa.struct(
    [(n, S) for n in ("jobId", "jobName", "jobRunId", "runId", "jobOwnerId", "triggerType")]
)
HISTORY_SCHEMA = pa.schema(
    [
        ("version", pa.int64()),
        ("timestamp", pa.timestamp("us", tz="Etc/UTC")),
        ("userId", S),
        ("userName", S),
        ("operation", S),
        ("operationParameters", _MAP),
        ("job", _JOB),
        ("notebook", pa.struct([("notebookId", S)])),
        ("clusterId", S),
        ("readVersion", pa.int64()),
        ("isolationLevel", S),
        ("isBlindAppend", pa.bool_()),
        ("operationMetrics", _MAP),
        ("userMetadata", S),
        ("engineInfo", S),
    ]
)
ENGINE_INFO = "local-workspace DuckDB"


def _name(session: EngineSession, parts: list[str]) -> Name:
    parts = [p.lower() for p in parts]
    if len(parts) > 3:
        raise SqlError("REQUIRES_SINGLE_PART_NAMESPACE", "42K05", f"Bad name {'.'.join(parts)}.")
    table = parts[-1]
    schema = parts[-2] if len(parts) > 1 else session.schema
    catalog = parts[-3] if len(parts) > 2 else session.catalog
    return Name(session.catalogs.require(catalog), schema, table)


def _with_tz(schema: pa.Schema, tz: str) -> pa.Schema:
    fields = [
        f.with_type(pa.timestamp("us", tz=tz)) if pa.types.is_timestamp(f.type) else f
        for f in schema
    ]
    return pa.schema(fields)


# -- DESCRIBE ---------------------------------------------------------------------------------


def describe(session: EngineSession, words: Words):
    if words.accept("HISTORY"):
        return _describe_history(session, words)
    if words.accept("DETAIL"):
        return _describe_detail(session, words)
    if words.peek() in ("SCHEMA", "DATABASE", "CATALOG", "QUERY", "FUNCTION", "VOLUME"):
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            f"The local workspace does not support DESCRIBE {words.peek()} yet.",
        )
    words.accept("TABLE")
    extended = words.accept("EXTENDED") or words.accept("FORMATTED")
    return _describe_table(session, words, extended)


def _describe_history(session: EngineSession, words: Words):
    name = _name(session, words.name())
    limit = int(words.number()) if words.accept("LIMIT") else None
    if not words.done():
        raise syntax_error(words)
    cursor = session.cursor
    table = time_travel.table_of(cursor, name, "DESCRIBE HISTORY")
    rows = versions.history(cursor, table, limit)
    columns = {
        "version": [r.version for r in rows],
        "timestamp": [r.timestamp for r in rows],
        "userId": ["1" for _ in rows],
        "userName": [versions.USER for _ in rows],
        "operation": [r.operation for r in rows],
        "operationParameters": [list(r.parameters.items()) for r in rows],
        "job": [None for _ in rows],
        "notebook": [None for _ in rows],
        "clusterId": [None for _ in rows],
        "readVersion": [r.read_version for r in rows],
        "isolationLevel": ["WriteSerializable" for _ in rows],
        "isBlindAppend": [r.blind_append for r in rows],
        "operationMetrics": [list(r.metrics.items()) for r in rows],
        "userMetadata": [None for _ in rows],
        "engineInfo": [ENGINE_INFO for _ in rows],
    }
    schema = _with_tz(HISTORY_SCHEMA, session.time_zone)
    return table_result(pa.table(columns, schema=schema))


def _describe_table(session: EngineSession, words: Words, extended: bool):
    name = _name(session, words.name())
    column = words.name()[-1] if not words.done() else None
    cursor = session.cursor
    kind = versions.kind_of(cursor, name)
    if kind is None:
        raise _not_found(name)
    rows = [
        (c, from_duckdb(t).full_data_type, _column_comment(cursor, name, c))
        for c, t in versions.columns_of(cursor, name)
    ]
    if column is not None:
        return _describe_column(rows, column)
    if extended:
        rows += [("", "", ""), *_detail_rows(session, name, kind)]
    return _triples(rows, ("col_name", "data_type", "comment"))


def _describe_column(rows, column: str):
    for name, data_type, comment in rows:
        if name.lower() == column.lower():
            values = [("col_name", name), ("data_type", data_type), ("comment", comment or "NULL")]
            return table_result(
                pa.table(
                    {"info_name": [v[0] for v in values], "info_value": [v[1] for v in values]}
                )
            )
    raise SqlError(
        "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
        "42703",
        f"A column, variable, or function parameter with name `{column}` cannot be resolved.",
    )


def _triples(rows, names) -> object:
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return table_result(pa.table(data, schema=pa.schema([(n, S) for n in names])))


def _column_comment(cursor, name: Name, column: str) -> str | None:
    row = first(
        cursor.execute(
            "SELECT comment FROM duckdb_columns() WHERE database_name = ? AND schema_name = ?"
            " AND table_name = ? AND column_name = ?",
            [name.alias, name.schema, name.table, column],
        )
    )
    return row[0] if row else None


def _nullable(cursor, name: Name, column: str) -> bool:
    row = first(
        cursor.execute(
            "SELECT is_nullable FROM duckdb_columns() WHERE database_name = ? AND schema_name = ?"
            " AND table_name = ? AND column_name = ?",
            [name.alias, name.schema, name.table, column],
        )
    )
    return bool(row[0]) if row else True


def _detail_rows(session: EngineSession, name: Name, kind: str) -> list[tuple]:
    cursor = session.cursor
    table = versions.require(cursor, name)
    catalog = catalogs.from_duckdb(name.alias)
    rows = [
        ("# Detailed Table Information", "", ""),
        ("Catalog", catalog, ""),
        ("Database", name.schema, ""),
        ("Table", name.table, ""),
        ("Owner", versions.USER, ""),
        ("Type", table.table_type, ""),
    ]
    if kind == "VIEW":
        rows.append(("View Text", _view_text(cursor, name), ""))
    else:
        rows += [
            ("Location", table.location or _location(name), ""),
            ("Provider", "delta", ""),
            ("Table Properties", _properties_text(table.properties), ""),
        ]
    comment = _table_comment(cursor, name)
    if comment:
        rows.insert(6, ("Comment", comment, ""))
    return rows


def _properties_text(properties: dict[str, str]) -> str:
    return "[" + ",".join(f"{k}={v}" for k, v in sorted(properties.items())) + "]"


def _location(name: Name) -> str:
    return f"dbfs:/local-workspace/{catalogs.from_duckdb(name.alias)}/{name.schema}/{name.table}"


def _view_text(cursor, name: Name) -> str:
    row = first(
        cursor.execute(
            "SELECT sql FROM duckdb_views() WHERE database_name = ? AND schema_name = ?"
            " AND view_name = ?",
            [name.alias, name.schema, name.table],
        )
    )
    text = row[0] if row else ""
    match = re.search(r"\bAS\b\s*(.*)$", text, re.IGNORECASE | re.DOTALL)
    return (match.group(1) if match else text).rstrip(";")


def _table_comment(cursor, name: Name) -> str | None:
    row = first(
        cursor.execute(
            "SELECT comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?"
            " AND table_name = ?",
            [name.alias, name.schema, name.table],
        )
    )
    return row[0] if row else None


def _not_found(name: Name) -> SqlError:
    return SqlError(
        "TABLE_OR_VIEW_NOT_FOUND",
        "42P01",
        f"The table or view {name.display} cannot be found. Verify the spelling and correctness "
        "of the schema and catalog.",
    )


def _describe_detail(session: EngineSession, words: Words):
    name = _name(session, words.name())
    cursor = session.cursor
    if versions.kind_of(cursor, name) == "VIEW":
        raise SqlError(
            "DELTA_UNSUPPORTED_DESCRIBE_DETAIL_VIEW",
            "42809",
            f"{name.display} is a view. DESCRIBE DETAIL is only supported for tables.",
        )
    table = versions.require(cursor, name)
    count = first(cursor.execute(f"SELECT count(*) FROM {name.sql}"))[0]
    history = versions.history(cursor, table)
    created = history[-1].timestamp if history else None
    modified = history[0].timestamp if history else None
    tz = session.time_zone
    row = {
        "format": ("delta" if table.versioned else table.table_type.lower(), S),
        "id": (table.table_id, S),
        "name": (f"{catalogs.from_duckdb(name.alias)}.{name.schema}.{name.table}", S),
        "description": (_table_comment(cursor, name), S),
        "location": (table.location or _location(name), S),
        "createdAt": (created, pa.timestamp("us", tz=tz)),
        "lastModified": (modified, pa.timestamp("us", tz=tz)),
        "partitionColumns": ([], pa.list_(S)),
        "clusteringColumns": ([], pa.list_(S)),
        "numFiles": (1 if count else 0, pa.int64()),
        "sizeInBytes": (0, pa.int64()),
        "properties": (list(table.properties.items()), _MAP),
        "minReaderVersion": (1, pa.int32()),
        "minWriterVersion": (4 if table.cdf else 2, pa.int32()),
        "tableFeatures": (_features(table), pa.list_(S)),
        "statistics": ([("numRowsDeletedByDeletionVectors", 0)], pa.map_(S, pa.int64())),
    }
    schema = pa.schema([(k, t) for k, (_, t) in row.items()])
    return table_result(pa.table({k: [v] for k, (v, _) in row.items()}, schema=schema))


def _features(table: versions.Table) -> list[str]:
    features = ["appendOnly", "invariants"]
    return features + (["changeDataFeed"] if table.cdf else [])


# -- SHOW -------------------------------------------------------------------------------------


def show(session: EngineSession, words: Words):
    if words.accept("CATALOGS"):
        return _show_catalogs(session, words)
    if words.accept("SCHEMAS") or words.accept("DATABASES"):
        return _show_schemas(session, words)
    if words.accept("TABLES"):
        return _show_tables(session, words)
    if words.accept("VIEWS"):
        return _show_views(session, words)
    if words.accept("COLUMNS"):
        return _show_columns(session, words)
    if words.accept("TBLPROPERTIES"):
        return _show_properties(session, words)
    if words.accept("CREATE", "TABLE"):
        return _show_create(session, words)
    raise SqlError(
        "UNSUPPORTED_FEATURE",
        "0A000",
        f"The local workspace does not support SHOW {words.peek()} yet.",
    )


def _like(words: Words) -> re.Pattern | None:
    """SHOW ... [LIKE] 'pattern': `*` any characters, `|` alternatives, case-insensitive."""
    words.accept("LIKE")
    if words.done():
        return None
    pattern = words.string()
    options = [re.escape(p.strip()).replace(r"\*", ".*") for p in pattern.split("|")]
    return re.compile("^(?:" + "|".join(options) + ")$", re.IGNORECASE)


def _matches(pattern: re.Pattern | None, value: str) -> bool:
    return pattern is None or bool(pattern.match(value))


def _show_catalogs(session: EngineSession, words: Words):
    pattern = _like(words)
    names = [n for n in session.catalogs.names() if _matches(pattern, n)]
    return table_result(pa.table({"catalog": pa.array(names, S)}))


def _in_namespace(session: EngineSession, words: Words, depth: int) -> list[str]:
    if words.accept("IN") or words.accept("FROM"):
        return [p.lower() for p in words.name()][-depth:]
    return []


def _show_schemas(session: EngineSession, words: Words):
    parts = _in_namespace(session, words, 1)
    catalog = parts[0] if parts else session.catalog
    alias = session.catalogs.require(catalog)
    pattern = _like(words)
    rows = session.cursor.execute(
        "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? AND schema_name <> 'main'"
        " AND NOT internal ORDER BY 1",
        [alias],
    ).fetchall()
    names = [r[0] for r in rows if _matches(pattern, r[0])]
    if catalog != "hive_metastore" and _matches(pattern, "information_schema"):
        names = sorted([*names, "information_schema"])
    return table_result(pa.table({"databaseName": pa.array(names, S)}))


def _schema_in(session: EngineSession, words: Words) -> tuple[str, str]:
    parts = _in_namespace(session, words, 2)
    if len(parts) == 2:
        return session.catalogs.require(parts[0]), parts[1]
    schema = parts[0] if parts else session.schema
    return catalogs.to_duckdb(session.catalog), schema


def _show_tables(session: EngineSession, words: Words):
    alias, schema = _schema_in(session, words)
    pattern = _like(words)
    rows = session.cursor.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = ?"
        " AND schema_name = ? AND NOT internal ORDER BY 1",
        [alias, schema, alias, schema],
    ).fetchall()
    names = [r[0] for r in rows if _matches(pattern, r[0])]
    temps = sorted(n for n in session.temp_views if _matches(pattern, n))
    data = {
        "database": [schema] * len(names) + [""] * len(temps),
        "tableName": names + temps,
        "isTemporary": [False] * len(names) + [True] * len(temps),
    }
    schema_ = pa.schema([("database", S), ("tableName", S), ("isTemporary", pa.bool_())])
    return table_result(pa.table(data, schema=schema_))


def _show_views(session: EngineSession, words: Words):
    alias, schema = _schema_in(session, words)
    pattern = _like(words)
    rows = session.cursor.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = ?"
        " AND NOT internal ORDER BY 1",
        [alias, schema],
    ).fetchall()
    names = [r[0] for r in rows if _matches(pattern, r[0])]
    temps = sorted(n for n in session.temp_views if _matches(pattern, n))
    data = {
        "namespace": [schema] * len(names) + [""] * len(temps),
        "viewName": names + temps,
        "isTemporary": [False] * len(names) + [True] * len(temps),
        "isMaterialized": [False] * (len(names) + len(temps)),
    }
    types = [("namespace", S), ("viewName", S), ("isTemporary", pa.bool_())]
    schema_ = pa.schema([*types, ("isMaterialized", pa.bool_())])
    return table_result(pa.table(data, schema=schema_))


def _show_columns(session: EngineSession, words: Words):
    if not (words.accept("IN") or words.accept("FROM")):
        raise syntax_error(words)
    parts = words.name()
    if words.accept("IN") or words.accept("FROM"):
        parts = [*words.name(), parts[-1]]
    name = _name(session, parts)
    if versions.kind_of(session.cursor, name) is None:
        raise _not_found(name)
    columns = [c for c, _ in versions.columns_of(session.cursor, name)]
    return table_result(pa.table({"col_name": pa.array(columns, S)}))


def _show_properties(session: EngineSession, words: Words):
    name = _name(session, words.name())
    key = None
    if words.accept("("):
        key = (
            words.string()
            if words.tokens[words.at].token_type.name == "STRING"
            else (".".join(words.name()))
        )
    table = versions.require(session.cursor, name)
    properties = dict(table.properties)
    if table.versioned:
        properties.setdefault("delta.minReaderVersion", "1")
        properties.setdefault("delta.minWriterVersion", "4" if table.cdf else "2")
    items = sorted(properties.items())
    if key is not None:
        value = properties.get(key, f"Table {name.display} does not have property: {key}")
        items = [(key, value)]
    return table_result(
        pa.table({"key": pa.array([k for k, _ in items], S), "value": [v for _, v in items]})
    )


def _show_create(session: EngineSession, words: Words):
    name = _name(session, words.name())
    cursor = session.cursor
    kind = versions.kind_of(cursor, name)
    if kind is None:
        raise _not_found(name)
    full = f"{catalogs.from_duckdb(name.alias)}.{name.schema}.{name.table}"
    if kind == "VIEW":
        text = f"CREATE VIEW {full} AS {_view_text(cursor, name)}"
        return table_result(pa.table({"createtab_stmt": [text]}))
    table = versions.require(cursor, name)
    lines = []
    for column, duck_type in versions.columns_of(cursor, name):
        spelled = from_duckdb(duck_type).full_data_type.upper()
        comment = _column_comment(cursor, name, column)
        suffix = "" if _nullable(cursor, name, column) else " NOT NULL"
        suffix += f" COMMENT '{_quote(comment)}'" if comment else ""
        lines.append(f"  {column} {spelled}{suffix}")
    text = f"CREATE TABLE {full} (\n" + ",\n".join(lines) + ")\nUSING delta"
    comment = _table_comment(cursor, name)
    if comment:
        text += f"\nCOMMENT '{_quote(comment)}'"
    if table.location:
        text += f"\nLOCATION '{_quote(table.location)}'"
    if table.properties:
        props = ",\n".join(f"  '{k}' = '{v}'" for k, v in sorted(table.properties.items()))
        text += f"\nTBLPROPERTIES (\n{props})"
    return table_result(pa.table({"createtab_stmt": [text + "\n"]}))


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


# -- VACUUM, ALTER TABLE UNSET TBLPROPERTIES, DROP CATALOG -------------------------------------


def vacuum(session: EngineSession, words: Words):
    """VACUUM t [RETAIN n HOURS] [DRY RUN]: forget versions older than the retention."""
    name = _name(session, words.name())
    hours = 168.0
    if words.accept("RETAIN"):
        hours = words.number()
        if not words.accept("HOURS"):
            raise syntax_error(words)
    dry = words.accept("DRY", "RUN")
    with session.write_transaction() as cursor:
        table = time_travel.table_of(cursor, name, "VACUUM")
        if not dry:
            versions.vacuum(cursor, table, hours)
    location = table.location or _location(name)
    return table_result(pa.table({"path": pa.array([location], S)}))


def alter_unset(session: EngineSession, words: Words):
    """ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] ('k', ...); other ALTERs go to sqlglot."""
    start = words.at
    parts = words.name()
    if not words.accept("UNSET", "TBLPROPERTIES"):
        words.at = start
        return None
    words.accept("IF", "EXISTS")
    if not words.accept("("):
        raise syntax_error(words)
    keys = []
    while not words.accept(")"):
        token = words.tokens[words.at]
        keys.append(words.string() if token.token_type.name == "STRING" else ".".join(words.name()))
        words.accept(",")
    name = _name(session, parts)
    with session.write_transaction() as cursor:
        table = versions.require(cursor, name)
        versions.unset_properties(cursor, table, keys)
        if table.versioned:
            versions.commit(cursor, table, "UNSET TBLPROPERTIES", {"properties": json.dumps(keys)})
    return empty_result()


def drop_catalog(session: EngineSession, words: Words):
    raise SqlError(
        "UNSUPPORTED_FEATURE",
        "0A000",
        "The local workspace does not support DROP CATALOG: delete the catalog's file under "
        "<data dir>/catalogs while the server is stopped.",
    )


def create_streaming_table(session: EngineSession, text: str, words: Words, parameters):
    """CREATE [OR REFRESH] STREAMING TABLE t AS query: the query's result, stored once."""
    import sqlglot
    from sqlglot import exp

    from local_workspace.engine import statements, table_ddl

    rest = text[words.tokens[words.at].start :] if not words.done() else ""
    tree = sqlglot.parse_one(f"CREATE TABLE {rest}", read="databricks")
    if not isinstance(tree, exp.Create) or tree.args.get("expression") is None:
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "The local workspace supports CREATE STREAMING TABLE t AS <query> only (the query "
            "runs once; there is no streaming pipeline).",
        )
    tree.set("replace", words.tokens[1].text.upper() == "OR")  # OR REFRESH re-runs the query
    source = tree.args["expression"]
    for node in list(source.find_all(exp.Stream)):
        inner = node.this.this if isinstance(node.this, exp.Subquery) else node.this
        node.replace(inner)  # STREAM(t) reads t once
    target = statements.qualify_target(session, tree.find(exp.Table))
    return table_ddl.create_table(session, tree, target, parameters, "STREAMING_TABLE")

"""Unity Catalog's information_schema, built from DuckDB's catalog functions.

``<catalog>.information_schema.<view>`` and ``system.information_schema.<view>`` are answered by
an Arrow table built here and registered on the statement's cursor; the statement's AST points
at it (see ``translate._information_schema``). Names and types are Databricks': catalog names
mapped back, DuckDB type names respelled, DuckDB's own ``main`` schema hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from local_workspace.engine import catalogs, versions
from local_workspace.engine.errors import SqlError
from local_workspace.engine.information_schema_shapes import assemble
from local_workspace.engine.types import from_duckdb

# columns.ordinal_position: Databricks' SQL reference (information_schema COLUMNS) says the
# position is "numbered from 1"; the UC REST API's ColumnInfo.position is 0-based, which is not
# what SQL returns. key_column_usage.ordinal_position is 1-based too.
COLUMN_ORDINAL_BASE = 1
OWNER = "local-workspace-user"
# The workspace has no history of creation times; a fixed, plausible instant keeps output stable.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

Builder = Callable[[duckdb.DuckDBPyConnection, list[str]], dict[str, object]]


def build(cursor: duckdb.DuckDBPyConnection, view: str, aliases: Sequence[str]) -> pa.Table:
    """The ``view`` (e.g. 'columns') over the DuckDB databases ``aliases``, Databricks-shaped."""
    builder = _BUILDERS.get(view)
    if builder is None:
        raise SqlError(
            "TABLE_OR_VIEW_NOT_FOUND",
            "42P01",
            f"The table or view `information_schema`.`{view}` cannot be found.",
        )
    return assemble(view, builder(cursor, list(aliases)))


def _fetch(cursor: duckdb.DuckDBPyConnection, sql: str, aliases: list[str]) -> pa.Table:
    return cursor.sql(sql, params=[aliases]).to_arrow_table()


def _catalog_names(aliases: pa.ChunkedArray) -> pa.Array:
    """DuckDB aliases -> Databricks catalog names, mapping each distinct value once."""
    unique = pc.unique(aliases)
    names = pa.array([catalogs.from_duckdb(a) for a in unique.to_pylist()], pa.string())
    return pc.take(names, pc.index_in(aliases, value_set=unique))


def _catalogs(cursor: duckdb.DuckDBPyConnection, aliases: list[str]) -> dict[str, object]:
    names = sorted(catalogs.from_duckdb(a) for a in aliases)
    return {"catalog_name": names, "catalog_owner": OWNER, "created": EPOCH}


_SCHEMATA_SQL = """
SELECT database_name, schema_name, comment FROM duckdb_schemas()
WHERE list_contains($1, database_name) AND schema_name <> 'main' AND NOT internal
UNION ALL SELECT unnest($1), 'information_schema', NULL
ORDER BY 1, 2
"""


def _schemata(cursor: duckdb.DuckDBPyConnection, aliases: list[str]) -> dict[str, object]:
    t = _fetch(cursor, _SCHEMATA_SQL, aliases)
    return {
        "catalog_name": _catalog_names(t["database_name"]),
        "schema_name": t["schema_name"],
        "schema_owner": OWNER,
        "comment": t["comment"],
        "created": EPOCH,
    }


def _tables_sql(aliases: list[str]) -> str:
    kinds = (
        " UNION ALL ".join(
            f"SELECT {_literal(a)} AS database_name, schema_name, table_name, table_type"
            f" FROM {catalogs.qualified(a, catalogs.META_SCHEMA, versions.TABLES)}"
            for a in aliases
        )
        or "SELECT NULL, NULL, NULL, NULL WHERE false"
    )
    return f"""
WITH kinds AS ({kinds})
SELECT t.database_name, t.schema_name, t.table_name, t.comment,
  coalesce(k.table_type, 'MANAGED') AS table_type
FROM duckdb_tables() t LEFT JOIN kinds k ON k.database_name = t.database_name
  AND k.schema_name = t.schema_name AND k.table_name = t.table_name
WHERE list_contains($1, t.database_name) AND t.schema_name <> 'main' AND NOT t.internal
  AND NOT t.temporary
UNION ALL
SELECT database_name, schema_name, view_name, comment, 'VIEW' FROM duckdb_views()
WHERE list_contains($1, database_name) AND schema_name <> 'main' AND NOT internal AND NOT temporary
ORDER BY 1, 2, 3
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Table types whose data is a Delta table (data_source_format 'DELTA'); views have none.
_DELTA_TYPES = ["MANAGED", "EXTERNAL", "MATERIALIZED_VIEW", "STREAMING_TABLE"]


def _tables(cursor: duckdb.DuckDBPyConnection, aliases: list[str]) -> dict[str, object]:
    t = _fetch(cursor, _tables_sql(aliases), aliases)
    kinds = t["table_type"]
    delta = pc.is_in(kinds, value_set=pa.array(_DELTA_TYPES))
    insertable = pc.is_in(kinds, value_set=pa.array(["MANAGED", "EXTERNAL"]))
    return {
        "table_catalog": _catalog_names(t["database_name"]),
        "table_schema": t["schema_name"],
        "table_name": t["table_name"],
        "table_type": kinds,
        "is_insertable_into": pc.if_else(insertable, "YES", "NO"),
        "table_owner": OWNER,
        "comment": t["comment"],
        "created": EPOCH,
        "data_source_format": pc.if_else(delta, "DELTA", None),
    }


_VIEWS_SQL = """
SELECT database_name, schema_name, view_name, sql FROM duckdb_views()
WHERE list_contains($1, database_name) AND schema_name <> 'main' AND NOT internal AND NOT temporary
ORDER BY 1, 2, 3
"""


def _views(cursor: duckdb.DuckDBPyConnection, aliases: list[str]) -> dict[str, object]:
    t = _fetch(cursor, _VIEWS_SQL, aliases)
    # DuckDB keeps the whole CREATE VIEW statement; Databricks shows the query text.
    text = pc.replace_substring_regex(t["sql"], r"(?is)^\s*CREATE\s.*?\sAS\s+", "")
    return {
        "table_catalog": _catalog_names(t["database_name"]),
        "table_schema": t["schema_name"],
        "table_name": t["view_name"],
        "view_definition": pc.replace_substring_regex(text, r";\s*$", ""),
        "check_option": "NONE",
        "is_updatable": "NO",
        "is_insertable_into": "NO",
    }


_COLUMNS_SQL = f"""
SELECT database_name, schema_name, table_name, column_name,
  CAST(column_index - 1 + {COLUMN_ORDINAL_BASE} AS INTEGER) AS ordinal_position,
  CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS is_nullable,
  data_type, comment
FROM duckdb_columns()
WHERE list_contains($1, database_name) AND schema_name <> 'main' AND NOT internal
ORDER BY database_name, schema_name, table_name, column_index
"""


def _columns(cursor: duckdb.DuckDBPyConnection, aliases: list[str]) -> dict[str, object]:
    t = _fetch(cursor, _COLUMNS_SQL, aliases)
    types = _type_columns(t["data_type"])
    return {
        "table_catalog": _catalog_names(t["database_name"]),
        "table_schema": t["schema_name"],
        "table_name": t["table_name"],
        "column_name": t["column_name"],
        "ordinal_position": t["ordinal_position"],
        "is_nullable": t["is_nullable"],
        **types,
        "comment": t["comment"],
    }


def _type_columns(duckdb_types: pa.ChunkedArray) -> dict[str, pa.Array]:
    """data_type, full_data_type, numeric_* for each row, computed once per distinct type."""
    unique = pc.unique(duckdb_types)
    mapped = [from_duckdb(t) for t in unique.to_pylist()]
    index = pc.index_in(duckdb_types, value_set=unique)
    radix = [
        None if m.numeric_precision is None else (10 if m.data_type == "DECIMAL" else 2)
        for m in mapped
    ]

    def column(values: list, kind: pa.DataType) -> pa.Array:
        return pc.take(pa.array(values, kind), index)

    return {
        "full_data_type": column([m.full_data_type for m in mapped], pa.string()),
        "data_type": column([m.data_type for m in mapped], pa.string()),
        "numeric_precision": column([m.numeric_precision for m in mapped], pa.int32()),
        "numeric_precision_radix": column(radix, pa.int32()),
        "numeric_scale": column([m.numeric_scale for m in mapped], pa.int32()),
    }


def _constraints_sql(alias: str, per_column: bool) -> str:
    table = catalogs.qualified(alias, catalogs.META_SCHEMA, catalogs.CONSTRAINTS_TABLE)
    columns = (
        ", unnest(column_names) AS column_name,"
        " unnest(generate_series(1, len(column_names)))::INTEGER AS ordinal_position"
        if per_column
        else ""
    )
    return f"""
    SELECT $1::VARCHAR AS database_name, c.schema_name, c.table_name, c.constraint_name,
      c.constraint_type {columns}
    FROM {table} c WHERE EXISTS (SELECT 1 FROM duckdb_tables() t WHERE t.database_name = $1
      AND t.schema_name = c.schema_name AND t.table_name = c.table_name)
    ORDER BY 2, 3, 4"""


def _constraint_rows(cursor, aliases: list[str], per_column: bool) -> pa.Table:
    parts = [
        cursor.sql(_constraints_sql(a, per_column), params=[a]).to_arrow_table() for a in aliases
    ]
    return pa.concat_tables(parts) if parts else pa.table({})


def _constraint_common(t: pa.Table) -> dict[str, object]:
    catalog = _catalog_names(t["database_name"])
    return {
        "constraint_catalog": catalog,
        "constraint_schema": t["schema_name"],
        "constraint_name": t["constraint_name"],
        "table_catalog": catalog,
        "table_schema": t["schema_name"],
        "table_name": t["table_name"],
    }


def _table_constraints(cursor, aliases: list[str]) -> dict[str, object]:
    t = _constraint_rows(cursor, aliases, per_column=False)
    if t.num_columns == 0:
        return {}
    return {**_constraint_common(t), "constraint_type": t["constraint_type"]}


def _key_column_usage(cursor, aliases: list[str]) -> dict[str, object]:
    t = _constraint_rows(cursor, aliases, per_column=True)
    if t.num_columns == 0:
        return {}
    common = _constraint_common(t)
    return {**common, "column_name": t["column_name"], "ordinal_position": t["ordinal_position"]}


_BUILDERS: dict[str, Builder] = {
    "catalogs": _catalogs,
    "schemata": _schemata,
    "tables": _tables,
    "columns": _columns,
    "table_constraints": _table_constraints,
    "key_column_usage": _key_column_usage,
    "views": _views,
}

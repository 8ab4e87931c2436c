"""The Thrift metadata RPCs (``cursor.catalogs/schemas/tables/columns``, GetPrimaryKeys).

Answered from the engine's Unity Catalog ``information_schema``, in the JDBC result layouts the
Databricks Thrift server returns (``TABLE_CAT``, ``TABLE_SCHEM``, …, ``DATA_TYPE`` as a
``java.sql.Types`` code). Name arguments are JDBC patterns: ``%`` any run, ``_`` any one
character, ``\\`` escapes; matching ignores case; None, ``""`` and ``*`` match everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa

from local_workspace.engine import EngineSession, StatementResult
from local_workspace.engine.errors import SqlError

S, I32, I16, I8 = pa.string(), pa.int32(), pa.int16(), pa.int8()
_TABLES = ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT"]
_TABLES += ["TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION"]
SCHEMAS = {
    "GetCatalogs": pa.schema([("TABLE_CAT", S)]),
    "GetSchemas": pa.schema([("TABLE_SCHEM", S), ("TABLE_CATALOG", S)]),
    "GetTables": pa.schema([(name, S) for name in _TABLES]),
    "GetColumns": pa.schema(
        [
            *[(n, S) for n in ("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME")],
            ("DATA_TYPE", I32),
            ("TYPE_NAME", S),
            ("COLUMN_SIZE", I32),
            ("BUFFER_LENGTH", I8),
            ("DECIMAL_DIGITS", I32),
            ("NUM_PREC_RADIX", I32),
            ("NULLABLE", I32),
            ("REMARKS", S),
            ("COLUMN_DEF", S),
            ("SQL_DATA_TYPE", I32),
            ("SQL_DATETIME_SUB", I32),
            ("CHAR_OCTET_LENGTH", I32),
            ("ORDINAL_POSITION", I32),
            ("IS_NULLABLE", S),
            *[(n, S) for n in ("SCOPE_CATALOG", "SCOPE_SCHEMA", "SCOPE_TABLE")],
            ("SOURCE_DATA_TYPE", I16),
            ("IS_AUTO_INCREMENT", S),
        ]
    ),
    "GetPrimaryKeys": pa.schema(
        [
            *[(n, S) for n in ("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME")],
            ("KEY_SEQ", I32),
            ("PK_NAME", S),
        ]
    ),
}

# java.sql.Types codes by Databricks type name (information_schema.columns.data_type).
JDBC_TYPES = {
    "BOOLEAN": 16,
    "TINYINT": -6,
    "BYTE": -6,
    "SMALLINT": 5,
    "SHORT": 5,
    "INT": 4,
    "BIGINT": -5,
    "LONG": -5,
    "FLOAT": 6,
    "DOUBLE": 8,
    "DECIMAL": 3,
    "STRING": 12,
    "VARCHAR": 12,
    "CHAR": 1,
    "BINARY": -2,
    "DATE": 91,
    "TIMESTAMP": 93,
    "TIMESTAMP_NTZ": 93,
    "ARRAY": 2003,
    "MAP": 2000,
    "STRUCT": 2002,
    "VOID": 0,
    "NULL": 0,
}
_OTHER = 1111  # INTERVAL, VARIANT, …
# Spark's sizes: bytes for fixed-width types (COLUMN_SIZE), digits after the point.
_SIZES = {"BOOLEAN": 1, "TINYINT": 1, "SMALLINT": 2, "INT": 4, "BIGINT": 8, "FLOAT": 4}
_SIZES |= {"DOUBLE": 8, "DATE": 4, "TIMESTAMP": 8, "TIMESTAMP_NTZ": 8}
_DIGITS = {"FLOAT": 7, "DOUBLE": 15, "TIMESTAMP": 6, "TIMESTAMP_NTZ": 6}
_INTEGRAL = {"TINYINT", "SMALLINT", "INT", "BIGINT", "BOOLEAN"}
_NUMERIC = {"TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL"}
_VIEW_TYPES = {"VIEW", "MATERIALIZED_VIEW"}

Rows = list[dict]


def metadata_call(rpc: str, req: object) -> Callable[[EngineSession], StatementResult]:
    """What ``rpc`` (GetCatalogs, …) with request ``req`` computes on a session."""
    build = _BUILDERS[rpc]
    schema = SCHEMAS[rpc]

    def run(session: EngineSession) -> StatementResult:
        table = pa.Table.from_pylist(build(session, req), schema=schema)
        reader = pa.RecordBatchReader.from_batches(schema, table.to_batches())
        return StatementResult(schema, reader)

    return run


def pattern(text: str | None) -> Callable[[str | None], bool]:
    """A case-insensitive matcher for a JDBC name pattern."""
    if text is None or text in ("", "*", "%"):
        return lambda name: True
    parts, escaped = [], False
    for char in text:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append({"%": ".*", "_": "."}.get(char, re.escape(char)))
    regex = re.compile("".join(parts), re.IGNORECASE | re.DOTALL)
    return lambda name: name is not None and regex.fullmatch(name) is not None


def _catalogs(session: EngineSession, req) -> Rows:
    rows = _query(session, None, "catalogs", "catalog_name")
    return [{"TABLE_CAT": r["catalog_name"]} for r in rows]


def _schemas(session: EngineSession, req) -> Rows:
    rows = _query(session, req.catalogName, "schemata", "catalog_name, schema_name")
    keep = pattern(req.schemaName)
    return [
        {"TABLE_SCHEM": r["schema_name"], "TABLE_CATALOG": r["catalog_name"]}
        for r in rows
        if keep(r["schema_name"])
    ]


def _tables(session: EngineSession, req) -> Rows:
    order = "table_catalog, table_schema, table_name"
    rows = _filtered(session, req, "tables", order)
    wanted = {t.upper() for t in req.tableTypes or ()}
    result = []
    for r in rows:
        kind = "VIEW" if r["table_type"] in _VIEW_TYPES else "TABLE"
        if wanted and kind not in wanted and r["table_type"] not in wanted:
            continue
        result.append(
            {
                "TABLE_CAT": r["table_catalog"],
                "TABLE_SCHEM": r["table_schema"],
                "TABLE_NAME": r["table_name"],
                "TABLE_TYPE": kind,
                "REMARKS": r["comment"] or "",
            }
        )
    return result


def _columns(session: EngineSession, req) -> Rows:
    order = "table_catalog, table_schema, table_name, ordinal_position"
    keep = pattern(req.columnName)
    rows = _filtered(session, req, "columns", order)
    return [_column_row(r) for r in rows if keep(r["column_name"])]


def _column_row(r: dict) -> dict:
    kind = (r["data_type"] or "").upper()
    decimal = kind == "DECIMAL"
    nullable = r["is_nullable"] == "YES"
    return {
        "TABLE_CAT": r["table_catalog"],
        "TABLE_SCHEM": r["table_schema"],
        "TABLE_NAME": r["table_name"],
        "COLUMN_NAME": r["column_name"],
        "DATA_TYPE": JDBC_TYPES.get(kind, _OTHER),
        "TYPE_NAME": (r["full_data_type"] or kind).upper(),
        "COLUMN_SIZE": r["numeric_precision"] if decimal else _SIZES.get(kind),
        "DECIMAL_DIGITS": r["numeric_scale"] if decimal else _digits(kind),
        "NUM_PREC_RADIX": 10 if kind in _NUMERIC else None,
        "NULLABLE": 1 if nullable else 0,
        "REMARKS": r["comment"] or "",
        "ORDINAL_POSITION": r["ordinal_position"],
        "IS_NULLABLE": "YES" if nullable else "NO",
        "IS_AUTO_INCREMENT": "NO",
    }


def _digits(kind: str) -> int | None:
    return 0 if kind in _INTEGRAL else _DIGITS.get(kind)


def _primary_keys(session: EngineSession, req) -> Rows:
    order = "table_catalog, table_schema, table_name, ordinal_position"
    usage = _filtered(session, req, "key_column_usage", order)
    constraints = {
        (r["constraint_catalog"], r["constraint_schema"], r["constraint_name"])
        for r in _filtered(session, req, "table_constraints", "constraint_name")
        if r["constraint_type"] == "PRIMARY KEY"
    }
    return [
        {
            "TABLE_CAT": r["table_catalog"],
            "TABLE_SCHEM": r["table_schema"],
            "TABLE_NAME": r["table_name"],
            "COLUMN_NAME": r["column_name"],
            "KEY_SEQ": r["ordinal_position"],
            "PK_NAME": r["constraint_name"],
        }
        for r in usage
        if (r["constraint_catalog"], r["constraint_schema"], r["constraint_name"]) in constraints
    ]


def _filtered(session: EngineSession, req, view: str, order: str) -> Rows:
    """Rows of ``view`` whose schema and table match the request's patterns."""
    schema_ok, table_ok = pattern(req.schemaName), pattern(req.tableName)
    return [
        r
        for r in _query(session, req.catalogName, view, order)
        if schema_ok(r["table_schema"]) and table_ok(r["table_name"])
    ]


def _query(session: EngineSession, catalog: str | None, view: str, order: str) -> Rows:
    """``view`` of one catalog's information_schema (a plain name), else of all of them."""
    if catalog and not _has_wildcards(catalog):
        try:
            quoted = "`" + catalog.replace("`", "``") + "`"
            return _select(session, f"{quoted}.information_schema.{view}", order)
        except SqlError as error:
            if error.error_class.startswith(("NO_SUCH_CATALOG", "CATALOG_NOT_FOUND")):
                return []  # JDBC: an unknown catalog matches nothing
            raise
    keep = pattern(catalog)
    name_column = "catalog_name" if view in ("catalogs", "schemata") else _CATALOG_COLUMN[view]
    rows = _select(session, f"system.information_schema.{view}", order)
    return [r for r in rows if keep(r[name_column])]


_CATALOG_COLUMN = {
    "tables": "table_catalog",
    "columns": "table_catalog",
    "key_column_usage": "table_catalog",
    "table_constraints": "table_catalog",
}


def _select(session: EngineSession, source: str, order: str) -> Rows:
    result = session.execute(f"SELECT * FROM {source} ORDER BY {order}")
    return result.reader.read_all().to_pylist()


def _has_wildcards(text: str) -> bool:
    return any(char in text for char in "%_*\\")


_BUILDERS = {
    "GetCatalogs": _catalogs,
    "GetSchemas": _schemas,
    "GetTables": _tables,
    "GetColumns": _columns,
    "GetPrimaryKeys": _primary_keys,
}

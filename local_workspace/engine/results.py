"""Build StatementResults: lazy readers over DuckDB relations, and small fixed results."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pyarrow as pa

from local_workspace.engine.arrow_types import databricks_schema, to_databricks_batch
from local_workspace.engine.catalogs import ident
from local_workspace.engine.error_map import to_sql_error
from local_workspace.engine.result import StatementResult

# Rows per Arrow batch pulled from DuckDB; the server re-pages as the client asks.
BATCH_ROWS = 65_536

_EMPTY_SCHEMA = pa.schema([])
_DML_SCHEMA = pa.schema([("num_affected_rows", pa.int64()), ("num_inserted_rows", pa.int64())])


def empty_result() -> StatementResult:
    """The result of DDL and session statements: no columns, no rows."""
    return table_result(pa.table({}, schema=_EMPTY_SCHEMA))


def table_result(table: pa.Table, modified: int | None = None) -> StatementResult:
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    return StatementResult(table.schema, reader, modified)


def dml_result(affected: int, inserted: int) -> StatementResult:
    """Databricks' DML result row: num_affected_rows, num_inserted_rows."""
    table = pa.table({"num_affected_rows": [affected], "num_inserted_rows": [inserted]})
    return table_result(table.cast(_DML_SCHEMA), modified=affected)


# DuckDB result types Databricks does not have -> the DuckDB type whose values Databricks would
# return (sum(BIGINT) is BIGINT in Databricks, HUGEINT in DuckDB).
_RESULT_CASTS = {
    "HUGEINT": "BIGINT",
    "UHUGEINT": "BIGINT",
    "UBIGINT": "DECIMAL(20,0)",
    "UINTEGER": "BIGINT",
    "USMALLINT": "INTEGER",
    "UTINYINT": "SMALLINT",
    "UUID": "VARCHAR",
    "TIME": "VARCHAR",
    "TIME WITH TIME ZONE": "VARCHAR",
    # Databricks sends VARIANT values as JSON text.
    "VARIANT": "JSON",
}


def databricks_relation(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """``relation`` with columns of non-Databricks types cast (still lazy: a projection)."""
    types = [str(t) for t in relation.types]
    if not any(t in _RESULT_CASTS for t in types):
        return relation
    # Positional references (#n) keep duplicate column names apart.
    columns = [
        f"CAST(#{i} AS {_RESULT_CASTS[t]}) AS {ident(name)}"
        if t in _RESULT_CASTS
        else f"#{i} AS {ident(name)}"
        for i, (t, name) in enumerate(zip(types, relation.columns, strict=True), start=1)
    ]
    return relation.project(", ".join(columns))


def lazy_result(
    relation: duckdb.DuckDBPyRelation, time_zone: str, on_close: Callable[[], None]
) -> StatementResult:
    """Stream ``relation`` batch by batch, cast to Databricks' Arrow types.

    ``on_close`` runs when the reader is exhausted, fails or is closed (it frees the cursor).
    """
    names = relation.columns
    source = databricks_relation(relation).to_arrow_reader(BATCH_ROWS)
    # DuckDB's Arrow export renames duplicate columns (a, a_1); Databricks keeps them (a, a).
    target = databricks_schema(source.schema, time_zone, names=names)
    batches = _batches(source, target, on_close)
    return StatementResult(target, pa.RecordBatchReader.from_batches(target, batches))


def _batches(
    source: pa.RecordBatchReader, target: pa.Schema, on_close: Callable[[], None]
) -> Iterator[pa.RecordBatch]:
    same = source.schema.equals(target)
    try:
        for batch in source:
            # A conversion only when DuckDB's export differs (string_view, intervals, ...).
            yield batch if same else to_databricks_batch(batch, target)
    except Exception as error:
        # A failure while streaming (e.g. a bad cast on row 200,000) is a statement failure too.
        raise to_sql_error(error) from error
    finally:
        source.close()
        on_close()

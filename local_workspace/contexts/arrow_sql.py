"""Local data (an Arrow table from ``spark.createDataFrame``) as a SQL query over VALUES.

The engine contract takes SQL text only, so rows made in a worker reach the engine as literals,
built as a sqlglot AST (never by pasting strings): ``SELECT CAST(c0 AS T) AS name, ... FROM
VALUES (...), ... AS t(c0, ...)``. Fine for the small frames notebooks build by hand; large data
belongs in tables.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pyarrow as pa
from sqlglot import exp

MAX_LOCAL_ROWS = 100_000

_TYPES = {
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INT",
    pa.int64(): "BIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.string(): "STRING",
    pa.large_string(): "STRING",
    pa.binary(): "BINARY",
    pa.date32(): "DATE",
    pa.null(): "STRING",
}


def sql_type(arrow_type: pa.DataType) -> str:
    """The Databricks SQL type for an Arrow column type (scalars only)."""
    if arrow_type in _TYPES:
        return _TYPES[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP" if arrow_type.tz else "TIMESTAMP_NTZ"
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision},{arrow_type.scale})"
    raise NotImplementedError(
        f"createDataFrame: columns of type {arrow_type} are not supported by the local workspace"
    )


def values_query(table: pa.Table) -> exp.Select:
    """A query returning ``table``'s rows with its column names and types."""
    if table.num_rows > MAX_LOCAL_ROWS:
        raise ValueError(
            f"createDataFrame: {table.num_rows} rows is over the local workspace's "
            f"{MAX_LOCAL_ROWS}-row limit for local data; write the data to a table instead"
        )
    placeholders = [f"c{i}" for i in range(table.num_columns)]
    columns = [
        exp.cast(exp.column(p), sql_type(f.type), dialect="databricks").as_(f.name, quoted=True)
        for p, f in zip(placeholders, table.schema, strict=True)
    ]
    rows = table.to_pylist() or [dict.fromkeys(table.column_names)]
    values = exp.values(
        [tuple(_literal(v) for v in row.values()) for row in rows], alias="t", columns=placeholders
    )
    query = exp.select(*columns).from_(values)
    return query.where(exp.false()) if table.num_rows == 0 else query


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, (int, float, decimal.Decimal)):
        return exp.Literal.number(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return exp.Literal.string(value.isoformat())
    if isinstance(value, bytes):
        return exp.Unhex(this=exp.Literal.string(value.hex()))
    return exp.Literal.string(str(value))

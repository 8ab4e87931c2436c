"""DuckDB type names -> Databricks type names (the spelling users and the connector see).

DuckDB reports types in its own spelling (VARCHAR, INTEGER[], TIMESTAMP WITH TIME ZONE); every
output of the engine (information_schema, result metadata) speaks Databricks: STRING, ARRAY<INT>,
TIMESTAMP. Databricks -> DuckDB for DDL is sqlglot's job (``write="duckdb"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlglot import exp

T = exp.DataType.Type

# Databricks' name for each DuckDB base type. Types Databricks lacks map to the nearest type that
# holds every value (unsigned -> the next wider signed type, HUGEINT -> DECIMAL(38,0)).
_SIMPLE: dict[exp.DataType.Type, str] = {
    T.BOOLEAN: "BOOLEAN",
    T.BIT: "BOOLEAN",
    T.TINYINT: "TINYINT",
    T.SMALLINT: "SMALLINT",
    T.INT: "INT",
    T.BIGINT: "BIGINT",
    T.UTINYINT: "SMALLINT",
    T.USMALLINT: "INT",
    T.UINT: "BIGINT",
    T.FLOAT: "FLOAT",
    T.DOUBLE: "DOUBLE",
    T.TEXT: "STRING",
    T.VARCHAR: "STRING",
    T.CHAR: "STRING",
    T.UUID: "STRING",
    T.JSON: "STRING",
    T.VARBINARY: "BINARY",
    T.BINARY: "BINARY",
    T.DATE: "DATE",
    T.TIMESTAMPTZ: "TIMESTAMP",
    T.TIMESTAMPNTZ: "TIMESTAMP_NTZ",
    T.TIMESTAMP: "TIMESTAMP_NTZ",
    T.TIMESTAMP_S: "TIMESTAMP_NTZ",
    T.TIMESTAMP_MS: "TIMESTAMP_NTZ",
    T.TIMESTAMP_NS: "TIMESTAMP_NTZ",
    T.INTERVAL: "INTERVAL",
    T.VARIANT: "VARIANT",
    T.NULL: "VOID",
    T.UNKNOWN: "VOID",
}
_DECIMAL_38 = {T.INT128, T.UINT128, T.UBIGINT, T.UINT256, T.INT256}


@dataclass(frozen=True)
class DatabricksType:
    """A column type as Unity Catalog's information_schema reports it."""

    data_type: str  # simple name: 'DECIMAL', 'TIMESTAMP_NTZ', 'ARRAY', 'STRUCT', ...
    full_data_type: str  # lowercase full spelling: 'decimal(38,18)', 'array<int>'
    numeric_precision: int | None = None
    numeric_scale: int | None = None


_PRECISION_BITS = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "BIGINT": 64, "FLOAT": 24, "DOUBLE": 53}


@lru_cache(maxsize=4096)
def from_duckdb(duckdb_type: str) -> DatabricksType:
    """Databricks' view of a DuckDB type string such as ``DECIMAL(38,18)`` or ``INTEGER[]``."""
    node = exp.DataType.build(duckdb_type, dialect="duckdb")
    full = _spell(node)
    simple = full.split("(")[0].split("<")[0].upper()
    if simple == "DECIMAL":
        precision, scale = _decimal_args(node)
        return DatabricksType(simple, full, precision, scale)
    bits = _PRECISION_BITS.get(simple)
    scale = 0 if simple in ("TINYINT", "SMALLINT", "INT", "BIGINT") else None
    return DatabricksType(simple, full, bits, scale)


def _spell(node: exp.DataType) -> str:
    kind = node.this
    if kind in _SIMPLE:
        return _SIMPLE[kind].lower()
    if kind == T.DECIMAL or kind in _DECIMAL_38:
        precision, scale = _decimal_args(node)
        return f"decimal({precision},{scale})"
    if kind == T.ARRAY or kind == T.LIST:
        return f"array<{_spell(node.expressions[0])}>"
    if kind == T.MAP:
        key, value = node.expressions
        return f"map<{_spell(key)},{_spell(value)}>"
    if kind == T.STRUCT:
        return "struct<" + ",".join(_field(f) for f in node.expressions) + ">"
    raise ValueError(f"no Databricks type for DuckDB type {node.sql('duckdb')}")


def _field(field: exp.Expression) -> str:
    name = field.this.name
    # Databricks quotes struct field names with backticks only when needed.
    if not name.replace("_", "a").isalnum() or name[:1].isdigit():
        name = "`" + name.replace("`", "``") + "`"
    return f"{name}:{_spell(field.args['kind'])}"


def _decimal_args(node: exp.DataType) -> tuple[int, int]:
    if node.this != T.DECIMAL:
        return 38, 0
    # DuckDB always spells out both arguments in its catalog (DECIMAL(18,3)).
    precision, scale = (int(e.this.name) for e in node.expressions)
    return precision, scale

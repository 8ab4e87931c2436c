"""Arrow schema → Thrift ``TTableSchema``: the column descriptors behind ``cursor.description``.

The SQL client needs a ``primitiveEntry`` on every column (complex types included) and DECIMAL
precision/scale qualifiers; it casts string-encoded decimals back using them.
"""

from __future__ import annotations

import pyarrow as pa
from databricks.sql.thrift_api.TCLIService import ttypes as T

# A field whose Databricks type Arrow cannot tell apart (e.g. INTERVAL sent as string) names it
# in this metadata key, as Databricks does.
SQL_NAME_KEY = b"Spark:DataType:SqlName"

_SIMPLE = {
    pa.bool_(): T.TTypeId.BOOLEAN_TYPE,
    pa.int8(): T.TTypeId.TINYINT_TYPE,
    pa.int16(): T.TTypeId.SMALLINT_TYPE,
    pa.int32(): T.TTypeId.INT_TYPE,
    pa.int64(): T.TTypeId.BIGINT_TYPE,
    pa.uint8(): T.TTypeId.SMALLINT_TYPE,
    pa.uint16(): T.TTypeId.INT_TYPE,
    pa.uint32(): T.TTypeId.BIGINT_TYPE,
    pa.float16(): T.TTypeId.FLOAT_TYPE,
    pa.float32(): T.TTypeId.FLOAT_TYPE,
    pa.float64(): T.TTypeId.DOUBLE_TYPE,
    pa.string(): T.TTypeId.STRING_TYPE,
    pa.large_string(): T.TTypeId.STRING_TYPE,
    pa.string_view(): T.TTypeId.STRING_TYPE,
    pa.binary(): T.TTypeId.BINARY_TYPE,
    pa.large_binary(): T.TTypeId.BINARY_TYPE,
    pa.date32(): T.TTypeId.DATE_TYPE,
    pa.date64(): T.TTypeId.DATE_TYPE,
    pa.null(): T.TTypeId.NULL_TYPE,
}
_BY_PREDICATE = (
    (pa.types.is_timestamp, T.TTypeId.TIMESTAMP_TYPE),
    (pa.types.is_decimal, T.TTypeId.DECIMAL_TYPE),
    (pa.types.is_list, T.TTypeId.ARRAY_TYPE),
    (pa.types.is_large_list, T.TTypeId.ARRAY_TYPE),
    (pa.types.is_fixed_size_list, T.TTypeId.ARRAY_TYPE),
    (pa.types.is_map, T.TTypeId.MAP_TYPE),
    (pa.types.is_struct, T.TTypeId.STRUCT_TYPE),
)
_BY_SQL_NAME_PREFIX = (
    ("INTERVAL YEAR", T.TTypeId.INTERVAL_YEAR_MONTH_TYPE),
    ("INTERVAL MONTH", T.TTypeId.INTERVAL_YEAR_MONTH_TYPE),
    ("INTERVAL", T.TTypeId.INTERVAL_DAY_TIME_TYPE),
)


def table_schema(schema: pa.Schema) -> T.TTableSchema:
    """The Thrift schema of a result with this Arrow schema (positions are 1-based)."""
    columns = [column_desc(field, position) for position, field in enumerate(schema, start=1)]
    return T.TTableSchema(columns=columns)


def column_desc(field: pa.Field, position: int) -> T.TColumnDesc:
    entry = T.TPrimitiveTypeEntry(type=type_id(field), typeQualifiers=_qualifiers(field.type))
    return T.TColumnDesc(
        columnName=field.name,
        typeDesc=T.TTypeDesc(types=[T.TTypeEntry(primitiveEntry=entry)]),
        position=position,
    )


def type_id(field: pa.Field) -> int:
    """The TTypeId of an Arrow field; unknown types are reported as STRING."""
    sql_name = (field.metadata or {}).get(SQL_NAME_KEY, b"").decode("utf-8").upper()
    for prefix, tid in _BY_SQL_NAME_PREFIX:
        if sql_name.startswith(prefix):
            return tid
    if field.type in _SIMPLE:
        return _SIMPLE[field.type]
    for predicate, tid in _BY_PREDICATE:
        if predicate(field.type):
            return tid
    return T.TTypeId.STRING_TYPE


def _qualifiers(arrow_type: pa.DataType) -> T.TTypeQualifiers | None:
    if not pa.types.is_decimal(arrow_type):
        return None
    values = {"precision": arrow_type.precision, "scale": arrow_type.scale}
    return T.TTypeQualifiers(
        qualifiers={k: T.TTypeQualifierValue(i32Value=v) for k, v in values.items()}
    )

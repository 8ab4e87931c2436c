"""DuckDB's Arrow export types -> the Arrow types a Databricks warehouse sends.

Databricks sends TIMESTAMP as timestamp[us, tz=<session time zone>], TIMESTAMP_NTZ as
timestamp[us], strings as ``string`` (never string_view/large_string), HUGEINT-like sums as
decimal128(38,0).
"""

from __future__ import annotations

import pyarrow as pa

_STRINGS = (pa.types.is_large_string, pa.types.is_string_view)
_BINARIES = (pa.types.is_large_binary, pa.types.is_binary_view, pa.types.is_fixed_size_binary)


def databricks_type(t: pa.DataType, time_zone: str) -> pa.DataType:
    """The Arrow type Databricks would send for a column DuckDB exports as ``t``."""
    if any(test(t) for test in _STRINGS):
        return pa.string()
    if any(test(t) for test in _BINARIES):
        return pa.binary()
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz=time_zone if t.tz is not None else None)
    if pa.types.is_decimal(t) and t.precision > 38:
        return pa.decimal128(38, min(t.scale, 38))
    return _nested(t, time_zone)


def _nested(t: pa.DataType, tz: str) -> pa.DataType:
    if pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_list(t):
        return pa.list_(_field(t.value_field, tz))
    if pa.types.is_map(t):
        return pa.map_(_field(t.key_field, tz), _field(t.item_field, tz))
    if pa.types.is_struct(t):
        return pa.struct([_field(t.field(i), tz) for i in range(t.num_fields)])
    return t


def _field(field: pa.Field, tz: str) -> pa.Field:
    return field.with_type(databricks_type(field.type, tz))


def databricks_schema(schema: pa.Schema, time_zone: str) -> pa.Schema:
    """``schema`` with every field converted by ``databricks_type`` (metadata dropped)."""
    return pa.schema([_field(f, time_zone) for f in schema])

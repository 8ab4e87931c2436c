"""DuckDB's Arrow export types -> the Arrow types a Databricks warehouse sends.

Databricks sends TIMESTAMP as timestamp[us, tz=<session time zone>], TIMESTAMP_NTZ as
timestamp[us], strings as ``string`` (never string_view/large_string), HUGEINT-like sums as
decimal128(38,0).
"""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

_STRINGS = (pa.types.is_large_string, pa.types.is_string_view)
_BINARIES = (pa.types.is_large_binary, pa.types.is_binary_view, pa.types.is_fixed_size_binary)


def databricks_type(t: pa.DataType, time_zone: str) -> pa.DataType:
    """The Arrow type Databricks would send for a column DuckDB exports as ``t``."""
    if any(test(t) for test in _STRINGS) or t == pa.month_day_nano_interval():
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


def to_databricks_batch(batch: pa.RecordBatch, target: pa.Schema) -> pa.RecordBatch:
    """``batch`` converted to ``target`` (from ``databricks_schema``): casts, intervals as text."""
    columns = [
        _interval_strings(column) if column.type == pa.month_day_nano_interval() else column
        for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=target.names).cast(target)


def _interval_strings(column: pa.Array) -> pa.Array:
    # Databricks sends intervals as text when Arrow interval types are off (the default).
    # Per value in Python: interval columns are rare and small.
    return pa.array([None if v is None else interval_text(*v) for v in column.to_pylist()])


def interval_text(months: int, days: int, nanoseconds: int) -> str:
    """Databricks' text for an interval: 'Y-M' (year-month), 'D HH:MM:SS.fffffffff'
    (day-time), or for one with both parts (``make_interval``) the calendar interval's
    '100 years 11 months 8 days 12 hours 30 minutes 1.001001 seconds'."""
    if months and not days and not nanoseconds:
        sign = "-" if months < 0 else ""
        return f"{sign}{abs(months) // 12}-{abs(months) % 12}"
    if months:
        return _calendar_interval_text(months, days, nanoseconds // 1000)
    total = days * 86_400_000_000_000 + nanoseconds
    sign, total = ("-" if total < 0 else ""), abs(total)
    seconds, fraction = divmod(total, 1_000_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    day, hour = divmod(hours, 24)
    return f"{sign}{day} {hour:02d}:{minute:02d}:{second:02d}.{fraction:09d}"


def _calendar_interval_text(months: int, days: int, micros: int) -> str:
    """Spark's CalendarInterval.toString: non-zero units, seconds with their fraction."""
    parts = [
        (int(months / 12), "years"),
        (int(months - int(months / 12) * 12), "months"),
        (days, "days"),
    ]
    hours = int(micros / 3_600_000_000)
    rest = micros - hours * 3_600_000_000
    minutes = int(rest / 60_000_000)
    rest -= minutes * 60_000_000
    parts += [(hours, "hours"), (minutes, "minutes")]
    text = [f"{value} {unit}" for value, unit in parts if value]
    if rest:
        seconds = (Decimal(rest) / 1_000_000).normalize()
        text.append(f"{seconds:f} seconds")
    return " ".join(text)


def databricks_schema(
    schema: pa.Schema, time_zone: str, names: list[str] | None = None
) -> pa.Schema:
    """``schema`` with every field converted by ``databricks_type`` (metadata dropped),
    optionally renamed to ``names``."""
    fields = [_field(f, time_zone) for f in schema]
    if names is not None:
        fields = [f.with_name(n) for f, n in zip(fields, names, strict=True)]
    return pa.schema(fields)

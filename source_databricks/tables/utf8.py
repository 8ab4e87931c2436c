"""Text that is not valid UTF-8, made valid before it is written as JSON.

A Databricks STRING is a byte sequence (`CAST(binary AS STRING)` keeps any bytes), while an Airbyte
record is JSON, which holds only Unicode. Arrow checks neither when results are decoded, and the
record encoder would write such a value as a broken line, so each batch's text columns are checked
(a fast scan in Arrow) and a column holding invalid sequences gets U+FFFD in their place.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def with_valid_utf8(batch: pa.RecordBatch) -> tuple[pa.RecordBatch, frozenset[str]]:
    """The batch with every text value valid UTF-8, and the names of the columns repaired."""
    repaired: dict[int, pa.Array] = {}
    for index, column in enumerate(batch.columns):
        if _holds_text(column.type) and not _valid(column):
            repaired[index] = _replaced(column)
    if not repaired:
        return batch, frozenset()
    columns = [repaired.get(index, column) for index, column in enumerate(batch.columns)]
    names = frozenset(batch.schema.names[index] for index in repaired)
    return pa.record_batch(columns, schema=batch.schema), names


def _valid(column: pa.Array) -> bool:
    try:
        column.validate(full=True)
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error):
            raise
        return False
    return True


def _replaced(column: pa.Array) -> pa.Array:
    """The column rebuilt value by value (only ever for a column found invalid)."""
    raw = column.cast(_as_bytes(column.type))
    return pa.array([_decoded(value) for value in raw.to_pylist()], type=column.type)


def _decoded(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    if isinstance(value, tuple):  # a map entry
        return tuple(_decoded(item) for item in value)
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    return value


def _holds_text(kind: pa.DataType) -> bool:
    if _is_text(kind):
        return True
    return any(_holds_text(child.type) for child in _children(kind))


def _as_bytes(kind: pa.DataType) -> pa.DataType:
    """The same type with every text type replaced by binary (a cast that checks nothing)."""
    if _is_text(kind):
        return pa.large_binary() if pa.types.is_large_string(kind) else pa.binary()
    if pa.types.is_struct(kind):
        return pa.struct([member.with_type(_as_bytes(member.type)) for member in kind])
    if pa.types.is_map(kind):
        return pa.map_(_as_bytes(kind.key_type), _as_bytes(kind.item_type))
    if pa.types.is_large_list(kind):
        return pa.large_list(_as_bytes(kind.value_type))
    if pa.types.is_list(kind):
        return pa.list_(_as_bytes(kind.value_type))
    return kind


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _children(kind: pa.DataType) -> list[pa.Field]:
    return [kind.field(index) for index in range(kind.num_fields)]

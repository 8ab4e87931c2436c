"""Arrow result encoding: the bytes a Thrift result set carries, as the request asked for them.

The client reads ``arrowSchema`` (an IPC schema message) followed by each batch's IPC record-batch
message, LZ4-frame-decompressed per batch when ``lz4Compressed``. Types the client did not ask to
receive natively (``useArrowNativeTypes``) are sent as strings, as Databricks does: decimals as
their plain text (the client casts them back), timestamps as text, complex values as JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable
from dataclasses import dataclass

import lz4.frame
import pyarrow as pa
import pyarrow.compute as pc
from databricks.sql.thrift_api.TCLIService import ttypes as T

Converter = Callable[[pa.Array], pa.Array]


@dataclass(frozen=True)
class ResultEncoding:
    """How one statement's batches go on the wire (fixed at ExecuteStatement time)."""

    lz4: bool = False
    native_timestamps: bool = True
    native_decimals: bool = True
    native_complex: bool = True
    cloud_fetch: bool = False  # the client can download result files (canDownloadResult)

    @classmethod
    def from_request(cls, req: T.TExecuteStatementReq) -> ResultEncoding:
        native = req.useArrowNativeTypes or T.TSparkArrowTypes()
        return cls(
            lz4=bool(req.canDecompressLZ4Result),
            cloud_fetch=bool(req.canDownloadResult),
            native_timestamps=bool(native.timestampAsArrow),
            native_decimals=bool(native.decimalAsArrow),
            native_complex=bool(native.complexTypesAsArrow),
        )

    def converter(self, arrow_type: pa.DataType) -> Converter | None:
        """How to turn a column of ``arrow_type`` into its wire form; None: send as is."""
        if pa.types.is_timestamp(arrow_type) and not self.native_timestamps:
            return _timestamps_as_text
        if pa.types.is_decimal(arrow_type) and not self.native_decimals:
            return _cast_to_string
        if _is_complex(arrow_type) and not self.native_complex:
            return _complex_as_json
        return None


class BatchEncoder:
    """Encodes the batches of one result schema into ``TSparkArrowBatch`` values."""

    def __init__(self, schema: pa.Schema, encoding: ResultEncoding) -> None:
        self.encoding = encoding
        self._converters = [encoding.converter(field.type) for field in schema]
        wire_fields = [
            field if conv is None else field.with_type(pa.string())
            for field, conv in zip(schema, self._converters, strict=True)
        ]
        self.wire_schema = pa.schema(wire_fields, metadata=schema.metadata)

    def schema_bytes(self) -> bytes:
        """The IPC schema message (never compressed)."""
        return self.wire_schema.serialize().to_pybytes()

    def encode(self, batch: pa.RecordBatch) -> T.TSparkArrowBatch:
        return self.encode_sized(batch)[0]

    def encode_sized(self, batch: pa.RecordBatch) -> tuple[T.TSparkArrowBatch, int]:
        """The batch as sent, and the size of its IPC message before compression."""
        message = self.wire_batch(batch).serialize()
        # One LZ4 frame per batch, as the client reads, compressed straight from Arrow's buffer
        # (no bytes copy of the uncompressed message first).
        payload = lz4.frame.compress(message) if self.encoding.lz4 else message.to_pybytes()
        return T.TSparkArrowBatch(batch=payload, rowCount=batch.num_rows), message.size

    def wire_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch in the wire schema (columns converted as the request asked)."""
        if not any(self._converters):
            return batch
        columns = [
            column if conv is None else conv(column)
            for column, conv in zip(batch.columns, self._converters, strict=True)
        ]
        return pa.RecordBatch.from_arrays(columns, schema=self.wire_schema)


def _is_complex(arrow_type: pa.DataType) -> bool:
    return pa.types.is_nested(arrow_type)


def _cast_to_string(column: pa.Array) -> pa.Array:
    return pc.cast(column, pa.string())


def _timestamps_as_text(column: pa.Array) -> pa.Array:
    # "2024-01-31 12:00:00.000000": the session time zone is UTC, so no offset suffix.
    return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")


def _complex_as_json(column: pa.Array) -> pa.Array:
    # Only clients that turned native complex types off get here; per-value Python is acceptable.
    values = [None if v is None else _json_text(v, column.type) for v in column.to_pylist()]
    return pa.array(values, pa.string())


def _json_text(value: object, arrow_type: pa.DataType) -> str:
    return json.dumps(_jsonable(value, arrow_type), default=_json_default, separators=(",", ":"))


def _jsonable(value: object, arrow_type: pa.DataType) -> object:
    if value is None:
        return None
    if pa.types.is_map(arrow_type):
        return {
            str(_jsonable(k, arrow_type.key_type)): _jsonable(v, arrow_type.item_type)
            for k, v in value
        }
    if pa.types.is_struct(arrow_type):
        return {f.name: _jsonable(value[f.name], f.type) for f in arrow_type}
    if (
        pa.types.is_list(arrow_type)
        or pa.types.is_large_list(arrow_type)
        or (pa.types.is_fixed_size_list(arrow_type))
    ):
        return [_jsonable(v, arrow_type.value_type) for v in value]
    return value


def _json_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)

from __future__ import annotations

import datetime as dt
import decimal

import lz4.frame
import pyarrow as pa
import pytest
from databricks.sql.thrift_api.TCLIService import ttypes as T
from databricks.sql.utils import convert_arrow_based_set_to_arrow_table

from local_workspace.sql.arrow_encoding import BatchEncoder, ResultEncoding

UTC = dt.UTC
TS_UTC = pa.timestamp("us", "Etc/UTC")
TABLE = pa.table(
    {
        "d": pa.array([decimal.Decimal("1.50"), None], pa.decimal128(10, 2)),
        "ts": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), None], TS_UTC),
        "a": pa.array([[1, 2], None], pa.list_(pa.int32())),
        "m": pa.array([[("k", 1)], None], pa.map_(pa.string(), pa.int64())),
        "s": pa.array([{"x": decimal.Decimal("2.5"), "y": "z"}, None],
                      pa.struct([("x", pa.decimal128(4, 1)), ("y", pa.string())])),
    }
)  # fmt: skip
ALL_NATIVE = ResultEncoding()
NONE_NATIVE = ResultEncoding(native_timestamps=False, native_decimals=False, native_complex=False)


def _client_read(encoder: BatchEncoder, batches) -> pa.Table:
    """What databricks-sql-connector does with arrowSchema + the batches."""
    wire = [encoder.encode(b) for b in batches]
    table, rows = convert_arrow_based_set_to_arrow_table(
        wire, encoder.encoding.lz4, encoder.schema_bytes()
    )
    assert rows == table.num_rows
    return table


@pytest.mark.parametrize("lz4", [True, False])
def test_native_types_round_trip_through_the_client_reader(lz4):
    encoder = BatchEncoder(TABLE.schema, ResultEncoding(lz4=lz4))
    assert _client_read(encoder, TABLE.to_batches()).equals(TABLE)


def test_lz4_is_one_frame_per_batch_and_schema_stays_plain():
    batch = TABLE.to_batches()[0]
    encoder = BatchEncoder(TABLE.schema, ResultEncoding(lz4=True))
    wire = encoder.encode(batch)
    assert lz4.frame.decompress(wire.batch) == batch.serialize().to_pybytes()
    assert wire.rowCount == batch.num_rows
    assert encoder.schema_bytes() == TABLE.schema.serialize().to_pybytes()


def test_uncompressed_batch_is_the_ipc_message():
    batch = TABLE.to_batches()[0]
    wire = BatchEncoder(TABLE.schema, ALL_NATIVE).encode(batch)
    assert wire.batch == batch.serialize().to_pybytes()


def test_request_flags_choose_the_encoding():
    req = T.TExecuteStatementReq(
        canDecompressLZ4Result=True,
        useArrowNativeTypes=T.TSparkArrowTypes(
            timestampAsArrow=True, decimalAsArrow=False, complexTypesAsArrow=True
        ),
    )
    assert ResultEncoding.from_request(req) == ResultEncoding(lz4=True, native_decimals=False)
    assert ResultEncoding.from_request(T.TExecuteStatementReq()) == ResultEncoding(
        lz4=False, native_timestamps=False, native_decimals=False, native_complex=False
    )


def test_non_native_types_are_strings():
    encoder = BatchEncoder(TABLE.schema, NONE_NATIVE)
    table = _client_read(encoder, TABLE.to_batches())
    assert all(field.type == pa.string() for field in table.schema)
    assert table.to_pylist() == [
        {
            "d": "1.50",
            "ts": "2024-01-02 03:04:05.000000",
            "a": "[1,2]",
            "m": '{"k":1}',
            "s": '{"x":2.5,"y":"z"}',
        },
        {"d": None, "ts": None, "a": None, "m": None, "s": None},
    ]


def test_sliced_batches_encode_only_their_rows():
    table = pa.table({"id": pa.array(range(1_000), pa.int64())})
    encoder = BatchEncoder(table.schema, ALL_NATIVE)
    batch = table.to_batches()[0].slice(990, 10)
    assert _client_read(encoder, [batch])["id"].to_pylist() == list(range(990, 1_000))
    assert len(encoder.encode(batch).batch) < 1_000

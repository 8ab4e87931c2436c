"""Arrow batches → RECORD lines: the connector's columnar encoder against the row-by-row ways.

Run: .venv/bin/python benchmarks/record_encoding.py [rows]
Prints rows/s for each approach, measured side by side in one run, and each one's ratio to ours.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessage, AirbyteRecordMessage, Type

from source_databricks.tables.records import RecordEncoder

BATCH_ROWS = 65_536


def sample_table(rows: int) -> pa.Table:
    """Ten columns of the usual kinds, like the demo's events table."""
    ids = pa.array(range(rows), pa.int64())
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return pa.table(
        {
            "id": ids,
            "customer_id": pc.cast(pc.divide(ids, 7), pa.int32()),
            "a": pc.multiply(pc.cast(ids, pa.float64()), 0.5),
            "b": pc.multiply(pc.cast(ids, pa.float64()), 1.5),
            "c": pc.multiply(pc.cast(ids, pa.float64()), 2.5),
            "event_type": pa.array(["page_view", "purchase", "signup", "refund"] * (rows // 4 + 1))[
                :rows
            ],
            "day": pa.array([dt.date(2024, 1, 1)] * rows, pa.date32()),
            "updated_at": pa.array([start] * rows, pa.timestamp("us", "Etc/UTC")),
            "amount": pc.cast(pc.divide(pc.cast(ids, pa.float64()), 100), pa.decimal128(18, 2)),
            "flag": pc.equal(pc.bit_wise_and(ids, 1), 0),
        }
    )


def columnar(batches: list[pa.RecordBatch]) -> int:
    encoder = RecordEncoder("events", "main.demo")
    return sum(len(encoder.encode(batch)) for batch in batches)


def row_by_row(batches: list[pa.RecordBatch]) -> int:
    """What most Python sources do: Python dicts per row, values fixed up one by one."""
    size, now = 0, time.time_ns() // 1_000_000
    for batch in batches:
        for row in batch.to_pylist():
            data = {k: _fix(v) for k, v in row.items()}
            message = {"type": "RECORD", "record": {"stream": "events", "namespace": "main.demo"}}
            message["record"].update(data=data, emitted_at=now)
            size += len(orjson.dumps(message)) + 1
    return size


def cdk_messages(batches: list[pa.RecordBatch]) -> int:
    """The CDK's own path: AirbyteMessage objects and its serializer, per record."""
    size, now = 0, time.time_ns() // 1_000_000
    for batch in batches:
        for row in batch.to_pylist():
            data = {k: _fix(v) for k, v in row.items()}
            record = AirbyteRecordMessage(
                stream="events", namespace="main.demo", data=data, emitted_at=now
            )
            message = AirbyteMessage(type=Type.RECORD, record=record)
            size += len(AirbyteEntrypoint.airbyte_message_to_string(message)) + 1
    return size


def _fix(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal: exact text, as a string
        return str(value)
    return value


def measure(
    name: str, run: Callable[[list[pa.RecordBatch]], int], batches: list, rows: int
) -> float:
    started = time.perf_counter()
    size = run(batches)
    seconds = time.perf_counter() - started
    rate = rows / seconds
    print(f"{name:<14} {rate:>12,.0f} rows/s {size / seconds / 1e6:>8.1f} MB/s")
    return rate


def main(argv: Iterable[str]) -> None:
    rows = int(next(iter(argv), 500_000))
    batches = sample_table(rows).to_batches(max_chunksize=BATCH_ROWS)
    print(f"{rows:,} rows x 10 columns, batches of {BATCH_ROWS:,} rows")
    ours = measure("columnar", columnar, batches, rows)
    others = {
        "row-by-row": measure("row-by-row", row_by_row, batches, rows),
        "cdk-messages": measure("cdk-messages", cdk_messages, batches, rows),
    }
    for name, rate in others.items():
        print(f"columnar / {name}: {ours / rate:.1f}x")


if __name__ == "__main__":
    main(sys.argv[1:])

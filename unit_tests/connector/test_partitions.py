from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest
from airbyte_cdk.models import AirbyteStream, ConfiguredAirbyteStream, DestinationSyncMode, SyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from source_databricks.output import RecordBlock, state_blob
from source_databricks.tables.partitions import (
    Fork,
    PartitionCheckpoint,
    PartitionProgress,
    is_splittable,
    key_ranges,
    range_condition,
)
from source_databricks.tables.sql import table_ref
from source_databricks.tables.state import KeyRange, PartitionedKeyState, parse_key_state
from source_databricks.tables.stream_run import StreamRun
from source_databricks.tables.table_info import Column

ID = Column("id", "bigint", nullable=False)
TABLE = table_ref("main", "s", "t")


class QuantileWarehouse:
    """Answers the quantile query with the given values, as the warehouse's Arrow would."""

    def __init__(self, values: list, kind: pa.DataType) -> None:
        self.values, self.kind, self.statements = values, kind, []

    def stream(self, statement: str, parameters=()):
        self.statements.append(statement)
        yield pa.record_batch([pa.array([self.values], pa.list_(self.kind))], names=["bound"])


def test_given_quantiles_then_ranges_cover_every_key_once_with_exact_bounds():
    warehouse = QuantileWarehouse([100, 200, 200, 300], pa.int64())
    ranges = key_ranges(warehouse, TABLE, ID, 5)
    assert [(r.lower, r.upper) for r in ranges] == [
        (None, "100"),
        ("100", "200"),
        ("200", "300"),
        ("300", None),
    ]
    assert warehouse.statements == [
        "SELECT CAST(APPROX_PERCENTILE(`id`, ARRAY(0.2, 0.4, 0.6, 0.8)) AS ARRAY<BIGINT>) AS bound "
        "FROM `main`.`s`.`t`"
    ]


@pytest.mark.parametrize(
    ("column", "values", "kind", "bounds"),
    [
        (
            Column("ts", "timestamp", False),
            [dt.datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=dt.UTC)],
            pa.timestamp("us", "UTC"),
            ["2024-03-10T06:59:59.999999+00:00"],
        ),
        (Column("d", "date", False), [dt.date(1, 1, 1)], pa.date32(), ["0001-01-01"]),
        (
            Column("n", "decimal(38,18)", False),
            [Decimal("99999999999999999999.999999999999999999")],
            pa.decimal128(38, 18),
            ["99999999999999999999.999999999999999999"],
        ),
    ],
)
def test_given_a_bound_then_it_is_the_exact_text_records_carry(column, values, kind, bounds):
    ranges = key_ranges(QuantileWarehouse(values, kind), TABLE, column, 2)
    assert [r.upper for r in ranges[:-1]] == bounds


def test_given_equal_quantiles_then_one_range():
    ranges = key_ranges(QuantileWarehouse([7, 7, 7], pa.int64()), TABLE, ID, 4)
    assert ranges == [KeyRange(lower=None, upper="7"), KeyRange(lower="7", upper=None)]
    assert key_ranges(QuantileWarehouse([], pa.int64()), TABLE, ID, 4) == [KeyRange()]


def test_given_a_range_then_its_condition_binds_both_bounds_cast_to_the_key_type():
    condition, values = range_condition(ID, KeyRange(lower="10", upper="20"))
    sql = condition.sql("databricks")
    assert sql == "`id` >= CAST(? AS BIGINT) AND `id` < CAST(? AS BIGINT)"
    assert values == ["10", "20"]
    assert range_condition(ID, KeyRange()) == (None, [])


@pytest.mark.parametrize(
    ("column", "splittable"),
    [
        (ID, True),
        (Column("id", "bigint", nullable=True), False),  # a NULL key would be in no range
        (Column("s", "string", nullable=False), False),
        (Column("ts", "timestamp_ntz", nullable=False), True),
    ],
)
def test_only_not_null_numeric_and_time_keys_are_split(column, splittable):
    assert is_splittable(column) is splittable


def test_given_partitioned_state_then_it_parses_and_a_bad_one_asks_for_a_reset():
    state = PartitionedKeyState(
        primary_key=("id",), version=3, partitions=(KeyRange(upper="5"), KeyRange(lower="5"))
    )
    assert parse_key_state(state.model_dump(), "t") == state
    with pytest.raises(AirbyteTracedException):
        parse_key_state({"primary_key": ["id"], "version": 3, "partitions": [{"x": 1}]}, "t")


def configured() -> ConfiguredAirbyteStream:
    stream = AirbyteStream(
        name="t", namespace="main.s", json_schema={}, supported_sync_modes=[SyncMode.full_refresh]
    )
    return ConfiguredAirbyteStream(
        stream=stream,
        sync_mode=SyncMode.full_refresh,
        destination_sync_mode=DestinationSyncMode.overwrite,
    )


def statuses(messages) -> list[str]:
    traces = [m.trace for m in messages if getattr(m, "trace", None)]
    return [t.stream_status.status.value for t in traces]


def test_a_forked_stream_writes_every_range_in_its_state_then_finishes_then_completes():
    submitted = []
    run = StreamRun(configured(), submitted.append)
    run.start(lambda session: iter(()))
    start = PartitionedKeyState(
        primary_key=("id",), version=3, partitions=(KeyRange(upper="5"), KeyRange(lower="5"))
    )
    fork = Fork(tasks=["range 0", "range 1"], finish="finish", progress=PartitionProgress(start))
    assert list(run.on_output(fork)) == []
    assert [task.run for task in submitted[1:]] == ["range 0", "range 1"]
    block = RecordBlock("t", "main.s", 1, b"")
    written = list(run.on_output(block))
    assert statuses(written) == ["RUNNING"] and written[-1] is block
    moved = KeyRange(lower="5", position=("7",), records=3)
    (state,) = run.on_output(PartitionCheckpoint(1, moved))
    assert list(state_blob(state)["partitions"]) == [
        KeyRange(upper="5").model_dump(),
        moved.model_dump(),
    ]
    assert list(run.on_done()) == []  # the first task (which forked)
    assert list(run.on_done()) == []  # range 0
    assert list(run.on_done()) == [] and submitted[-1].run == "finish"  # range 1: finish next
    assert statuses(run.on_done()) == ["COMPLETE"]


def test_a_failed_stream_cancels_its_tasks_and_writes_nothing_more():
    submitted = []
    run = StreamRun(configured(), submitted.append)
    run.start(lambda session: iter(()))
    run.fail()
    assert submitted[0].cancelled.is_set()
    assert list(run.on_output(RecordBlock("t", "main.s", 1, b""))) == []
    assert list(run.on_done()) == []


def test_the_condition_is_a_sqlglot_expression():
    condition, _ = range_condition(ID, KeyRange(upper="1"))
    assert isinstance(condition, exp.LT)


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=50),
    quantiles=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=8),
)
def test_property_every_key_falls_in_exactly_one_range(keys, quantiles):
    """Whatever bounds the warehouse's quantiles give, the ranges' SQL covers each key once."""
    warehouse = QuantileWarehouse(sorted(quantiles), pa.int64())
    ranges = key_ranges(warehouse, TABLE, ID, len(quantiles) + 1)
    engine = duckdb.connect()
    engine.execute("CREATE TABLE t (id BIGINT)")
    engine.executemany("INSERT INTO t VALUES (?)", [[key] for key in keys])
    hits: Counter = Counter()
    for part in ranges:
        condition, values = range_condition(ID, part)
        query = exp.select("id").from_("t")
        query = query.where(condition) if condition is not None else query
        hits.update(row[0] for row in engine.execute(query.sql("duckdb"), values).fetchall())
    assert hits == Counter(keys)

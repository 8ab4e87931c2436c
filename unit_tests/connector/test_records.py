from __future__ import annotations

import datetime as dt

import orjson
import pyarrow as pa
import pytest

from source_databricks.tables.records import RecordEncoder

UTC = dt.UTC


def encode(table: pa.Table, stream: str = "t", namespace: str | None = "main.demo") -> list[dict]:
    encoder = RecordEncoder(stream, namespace)
    try:
        payload = b"".join(bytes(encoder.encode(batch)) for batch in table.to_batches())
    finally:
        encoder.close()
    assert payload.endswith(b"\n")
    return [orjson.loads(line) for line in payload.splitlines()]


def values(column: pa.Array, name: str = "c") -> list:
    return [m["record"]["data"][name] for m in encode(pa.table({name: column}))]


def raw_lines(table: pa.Table) -> list[bytes]:
    encoder = RecordEncoder("t", None)
    return b"".join(bytes(encoder.encode(b)) for b in table.to_batches()).splitlines()


def test_given_decimal_38_18_extremes_then_json_text_carries_every_digit():
    top = "99999999999999999999.999999999999999999"
    texts = [top, "-" + top, "0.000000000000000001", None]
    column = pa.array(texts).cast(pa.decimal128(38, 18))
    lines = raw_lines(pa.table({"d": column}))
    assert b'"d":99999999999999999999.999999999999999999' in lines[0]
    assert b'"d":-99999999999999999999.999999999999999999' in lines[1]
    assert b'"d":0.000000000000000001' in lines[2]
    assert b'"d":null' in lines[3]


def test_given_timestamps_then_rfc3339_with_microseconds_and_utc_offset():
    instant = dt.datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=UTC)
    column = pa.array([instant, dt.datetime(1, 1, 1, tzinfo=UTC), None], pa.timestamp("us", "UTC"))
    assert values(column) == [
        "2024-03-10T06:59:59.999999+00:00",
        "0001-01-01T00:00:00.000000+00:00",
        None,
    ]


def test_given_a_non_utc_arrow_zone_then_the_instant_is_printed_in_utc():
    instant = dt.datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    column = pa.array([instant], pa.timestamp("us", "UTC")).cast(
        pa.timestamp("us", "America/New_York")
    )
    assert values(column) == ["2024-11-03T05:30:00.000000+00:00"]


def test_given_timestamp_ntz_then_no_offset():
    column = pa.array([dt.datetime(9999, 12, 31, 23, 59, 59, 999999)], pa.timestamp("us"))
    assert values(column) == ["9999-12-31T23:59:59.999999"]


def test_given_dates_then_iso_dates_with_four_digit_years():
    column = pa.array([dt.date(1, 1, 1), dt.date(9999, 12, 31)], pa.date32())
    assert values(column) == ["0001-01-01", "9999-12-31"]


def test_given_binary_then_base64():
    assert values(pa.array([b"\x00\xff", b"", None], pa.binary())) == ["AP8=", "", None]


@pytest.mark.parametrize("kind", [pa.float32(), pa.float64()])
def test_given_non_finite_floats_then_null(kind):
    column = pa.array([float("nan"), float("inf"), float("-inf"), 1.5], kind)
    assert values(column) == [None, None, None, 1.5]


def test_given_float32_then_shortest_text():
    assert raw_lines(pa.table({"f": pa.array([1.1], pa.float32())}))[0].count(b'"f":1.1}') == 1


def test_given_bigint_extremes_then_exact_integers():
    column = pa.array([2**63 - 1, -(2**63)], pa.int64())
    assert values(column) == [2**63 - 1, -(2**63)]


def test_given_hostile_strings_and_names_then_valid_json_that_round_trips():
    text = 'quote " backslash \\ newline \n nul \x00 emoji 😀 combining é 中文'
    name = 'col "with" `odd` name.and.dots'
    assert values(pa.array([text]), name) == [text]


def test_given_a_stream_then_envelope_names_stream_namespace_and_emitted_at():
    message = encode(pa.table({"a": [1]}), stream="events", namespace="main.demo")[0]
    assert message["type"] == "RECORD"
    assert message["record"]["stream"] == "events"
    assert message["record"]["namespace"] == "main.demo"
    assert isinstance(message["record"]["emitted_at"], int)
    assert message["record"]["emitted_at"] > 1_700_000_000_000


def test_given_no_namespace_then_it_is_left_out():
    assert "namespace" not in encode(pa.table({"a": [1]}), namespace=None)[0]["record"]


def test_given_many_batches_then_one_line_per_row_in_order():
    table = pa.table({"i": pa.array(range(10_000), pa.int64())})
    encoder = RecordEncoder("t", None)
    batches = table.to_batches(max_chunksize=999)
    lines = b"".join(bytes(encoder.encode(b)) for b in batches).splitlines()
    assert [orjson.loads(line)["record"]["data"]["i"] for line in lines] == list(range(10_000))


def test_given_a_sliced_batch_then_only_its_rows_are_encoded():
    batch = pa.record_batch({"s": ["a", "b", "c", "d"]}).slice(1, 2)
    encoder = RecordEncoder("t", None)
    assert [
        orjson.loads(x)["record"]["data"]["s"] for x in bytes(encoder.encode(batch)).splitlines()
    ] == ["b", "c"]


def test_given_nested_values_then_members_follow_the_same_rules_as_columns():
    members = [("b", pa.binary()), ("f", pa.float64()), ("t", pa.timestamp("us"))]
    column = pa.array(
        [{"b": b"\x00", "f": float("nan"), "t": dt.datetime(2024, 1, 1, 0, 0, 0, 7)}, None],
        pa.struct(members),
    )
    assert values(column) == [{"b": "AA==", "f": None, "t": "2024-01-01T00:00:00.000007"}, None]


def test_given_lists_of_timestamps_then_each_is_rfc3339():
    kind = pa.list_(pa.timestamp("us", "UTC"))
    column = pa.array([[dt.datetime(2024, 1, 1, tzinfo=UTC), None], [], None], kind)
    assert values(column) == [["2024-01-01T00:00:00.000000+00:00", None], [], None]


def test_given_maps_then_json_objects_with_text_keys():
    column = pa.array([[(1, [1.5, float("inf")])], []], pa.map_(pa.int32(), pa.list_(pa.float64())))
    assert values(column) == [{"1": [1.5, None]}, {}]


def test_given_nested_decimals_then_digits_are_exact():
    kind = pa.list_(pa.decimal128(38, 18))
    column = pa.array([["99999999999999999999.999999999999999999"]]).cast(kind)
    assert (
        raw_lines(pa.table({"d": column}))[0].count(b"[99999999999999999999.999999999999999999]")
        == 1
    )


def test_given_a_variant_column_then_its_json_text_becomes_a_json_value():
    encoder = RecordEncoder("t", None, json_columns=frozenset({"doc"}))
    batch = pa.record_batch({"doc": ['{"a": [1, 2.5, null], "b": "x"}', None]})
    lines = bytes(encoder.encode(batch)).splitlines()
    assert [orjson.loads(x)["record"]["data"]["doc"] for x in lines] == [
        {"a": [1, 2.5, None], "b": "x"},
        None,
    ]

"""Results: exact values, session time zone, and lazy streaming of large results."""

from __future__ import annotations

import datetime as dt
import threading
import time
import tracemalloc
from decimal import Decimal

import pyarrow as pa
import pytest

from local_workspace.engine import Parameter, SqlError
from local_workspace.engine.arrow_types import interval_text
from local_workspace.engine.results import BATCH_ROWS
from unit_tests.local_workspace.engine.conftest import one, rows

MAX_38_18 = "99999999999999999999.999999999999999999"


@pytest.mark.parametrize("text", [MAX_38_18, "-" + MAX_38_18, "0.000000000000000001", "0"])
def test_decimal_38_18_round_trips_exactly(session, text: str) -> None:
    session.execute("CREATE TABLE d (v DECIMAL(38,18))")
    session.execute("INSERT INTO d VALUES (?)", [Parameter(None, "DECIMAL(38,18)", text)])
    session.execute(f"INSERT INTO d VALUES ({text})")
    assert [r["v"] for r in rows(session, "SELECT v FROM d")] == [Decimal(text)] * 2


def test_timestamp_microseconds_and_session_time_zone(session) -> None:
    session.execute("CREATE TABLE ts (t TIMESTAMP, n TIMESTAMP_NTZ)")
    session.execute(
        "INSERT INTO ts VALUES (TIMESTAMP'2024-03-10 06:59:59.999999Z',"
        " TIMESTAMP_NTZ'2024-03-10 01:59:59.999999')"
    )
    utc = dt.datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=dt.UTC)
    [row] = rows(session, "SELECT * FROM ts")
    assert row == {"t": utc, "n": dt.datetime(2024, 3, 10, 1, 59, 59, 999999)}
    session.execute("SET TIME ZONE 'America/New_York'")
    result = session.execute("SELECT t, n FROM ts")
    assert result.schema.field("t").type == pa.timestamp("us", tz="America/New_York")
    [row] = result.reader.read_all().to_pylist()
    assert row["t"] == utc and row["t"].utcoffset() == dt.timedelta(hours=-5)
    assert row["n"] == dt.datetime(2024, 3, 10, 1, 59, 59, 999999)


def test_timestamp_literals_are_read_in_the_session_time_zone(session) -> None:
    session.execute("SET spark.sql.session.timeZone = America/New_York")
    value = one(session, "SELECT TIMESTAMP'2024-07-01 12:00:00'")
    assert value == dt.datetime(2024, 7, 1, 16, 0, tzinfo=dt.UTC)


def test_time_zone_from_session_conf(engine) -> None:
    session = engine.open_session(conf={"spark.sql.session.timeZone": "Asia/Tokyo"})
    assert session.execute("SELECT now()").schema.field(0).type.tz == "Asia/Tokyo"


def test_nulls_and_unicode(session) -> None:
    text = "😀 漢字 e\u0301 'q' \"d\" \\ \n"
    got = rows(session, "SELECT CAST(NULL AS INT) a, ? b", Parameter(None, "STRING", text))
    assert got == [{"a": None, "b": text}]


def test_dml_counts(session) -> None:
    session.execute("CREATE TABLE t (id BIGINT)")
    result = session.execute("INSERT INTO t SELECT id FROM range(1000)")
    assert result.num_modified_rows == 1000
    assert result.reader.read_all().to_pylist() == [
        {"num_affected_rows": 1000, "num_inserted_rows": 1000}
    ]
    assert session.execute("SELECT * FROM t").num_modified_rows is None


def test_large_result_streams_batch_by_batch(session) -> None:
    tracemalloc.start()
    try:
        result = session.execute(
            "SELECT id, id * 2 AS twice, 'row ' || id AS s FROM range(3000000)"
        )
        first = result.reader.read_next_batch()
        assert first.num_rows <= BATCH_ROWS
        total, peak_batch = first.num_rows, first.nbytes
        for batch in result.reader:
            total += batch.num_rows
            peak_batch = max(peak_batch, batch.nbytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 3_000_000
    # The whole result is ~100 MB in Arrow; Python-side allocations stay far below that.
    assert peak < 20_000_000
    assert peak_batch < 5_000_000


def test_first_batch_arrives_before_the_whole_result_is_built(session) -> None:
    started = time.monotonic()
    result = session.execute("SELECT id, sha256(CAST(id AS STRING)) h FROM range(5000000)")
    result.reader.read_next_batch()
    first = time.monotonic() - started
    for _ in result.reader:
        pass
    assert first < (time.monotonic() - started) / 5


def test_open_results_do_not_block_the_session(session) -> None:
    first = session.execute("SELECT id FROM range(1000000)")
    first.reader.read_next_batch()
    assert one(session, "SELECT 42") == 42  # Databricks allows many open results per session
    assert sum(b.num_rows for b in first.reader) == 1_000_000 - BATCH_ROWS


def test_cancel_interrupts_a_running_statement(session) -> None:
    threading.Timer(0.3, session.cancel).start()
    with pytest.raises(SqlError) as raised:
        session.execute("SELECT count(*) FROM range(1000000000000)").reader.read_all()
    assert raised.value.error_class == "OPERATION_CANCELED"


def test_closing_a_session_with_an_open_result_is_clean(engine) -> None:
    session = engine.open_session()
    result = session.execute("SELECT id FROM range(1000000)")
    result.reader.read_next_batch()
    session.close()
    engine.close()  # the fixture closes again: closing twice is harmless


def test_a_failure_while_streaming_is_a_sql_error(session) -> None:
    result = session.execute(
        "SELECT CAST(CASE WHEN id = 200000 THEN 'x' ELSE '1' END AS INT) v FROM range(300000)"
    )
    with pytest.raises(SqlError) as raised:
        result.reader.read_all()
    assert raised.value.error_class == "CAST_INVALID_INPUT"


def test_intervals_are_sent_as_text(session) -> None:
    result = session.execute(
        "SELECT INTERVAL 3 MONTH m, INTERVAL 90 MINUTE + INTERVAL 2 DAY d, CAST(NULL AS INTERVAL) n"
    )
    assert result.schema.types == [pa.string()] * 3
    assert result.reader.read_all().to_pylist() == [
        {"m": "0-3", "d": "2 01:30:00.000000000", "n": None}
    ]


def test_aggregates_have_databricks_result_types(session) -> None:
    result = session.execute("SELECT sum(id) s, sum(CAST(id AS INT)) i, 1 a, 2 a FROM range(10)")
    assert result.schema.types == [pa.int64(), pa.int64(), pa.int32(), pa.int32()]
    assert result.schema.names == ["s", "i", "a", "a"]
    assert result.reader.read_all().to_pydict() == {"s": [45], "i": [45], "a": [2]}


def test_an_interval_with_months_and_days_is_a_calendar_interval() -> None:
    nanos = ((12 * 60 + 30) * 60 + 1) * 1_000_000_000 + 1_001_000
    assert interval_text(1211, 8, nanos) == (
        "100 years 11 months 8 days 12 hours 30 minutes 1.001001 seconds"
    )
    assert interval_text(14, 0, 0) == "1-2"
    assert interval_text(0, 3, 14_706_000_000_000) == "3 04:05:06.000000000"

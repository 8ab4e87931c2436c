"""The demo's data, declared as Python literals: the seed writes them, tests compare against them.

Values are exactly what a Databricks client reads back: TIMESTAMP as aware UTC datetimes,
TIMESTAMP_NTZ as naive datetimes, DECIMAL as ``Decimal``, FLOAT values exactly representable in
32 bits, BINARY as bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

CATALOG = "main"
SCHEMA = "demo"

DECIMAL_38_18_MAX = Decimal("99999999999999999999.999999999999999999")
# Spelled out: unary minus on a Decimal rounds to the context's 28 digits.
DECIMAL_38_18_MIN = Decimal("-99999999999999999999.999999999999999999")
FLOAT32_MAX = 3.4028234663852886e38  # the largest finite 32-bit float, exactly
FLOAT32_MIN_NORMAL = 1.1754943508222875e-38
DOUBLE_MAX = 1.7976931348623157e308
DOUBLE_MIN_SUBNORMAL = 5e-324

# (column, Databricks type) in table order.
ALL_TYPES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "INT"),
    ("c_tinyint", "TINYINT"),
    ("c_smallint", "SMALLINT"),
    ("c_int", "INT"),
    ("c_bigint", "BIGINT"),
    ("c_float", "FLOAT"),
    ("c_double", "DOUBLE"),
    ("c_decimal", "DECIMAL(38,18)"),
    ("c_string", "STRING"),
    ("c_binary", "BINARY"),
    ("c_boolean", "BOOLEAN"),
    ("c_date", "DATE"),
    ("c_timestamp", "TIMESTAMP"),
    ("c_timestamp_ntz", "TIMESTAMP_NTZ"),
)

_NULLS = {name: None for name, _ in ALL_TYPES_COLUMNS[1:]}

ALL_TYPES_ROWS: tuple[dict[str, object], ...] = (
    {"id": 1, **_NULLS},
    {  # maxima; TIMESTAMP: the last microsecond before New York springs forward (EST)
        "id": 2,
        "c_tinyint": 127,
        "c_smallint": 32767,
        "c_int": 2147483647,
        "c_bigint": 9223372036854775807,
        "c_float": FLOAT32_MAX,
        "c_double": DOUBLE_MAX,
        "c_decimal": DECIMAL_38_18_MAX,
        "c_string": "emoji 😀🚀, CJK 漢字かな한글, combining e\u0301 n\u0303, RTL שלום",
        "c_binary": b"\x00\x01\x7f\x80\xfe\xff",
        "c_boolean": True,
        "c_date": date(9999, 12, 31),
        "c_timestamp": datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=UTC),
        "c_timestamp_ntz": datetime(9999, 12, 31, 23, 59, 59, 999999),
    },
    {  # minima; TIMESTAMP: the first instant of daylight saving time in New York (EDT)
        "id": 3,
        "c_tinyint": -128,
        "c_smallint": -32768,
        "c_int": -2147483648,
        "c_bigint": -9223372036854775808,
        "c_float": -FLOAT32_MAX,
        "c_double": -DOUBLE_MAX,
        "c_decimal": DECIMAL_38_18_MIN,
        "c_string": "quotes ' \" `, backslash \\ \\n, newline\nand tab\t, NUL-free",
        "c_binary": b"",
        "c_boolean": False,
        "c_date": date(1, 1, 1),
        "c_timestamp": datetime(2024, 3, 10, 7, 0, 0, 0, tzinfo=UTC),
        "c_timestamp_ntz": datetime(1, 1, 1, 0, 0, 0, 0),
    },
    {  # zeros; TIMESTAMP: the last microsecond of EDT before New York falls back
        "id": 4,
        "c_tinyint": 0,
        "c_smallint": 0,
        "c_int": 0,
        "c_bigint": 0,
        "c_float": 0.0,
        "c_double": 0.0,
        "c_decimal": Decimal("0E-18"),
        "c_string": "",
        "c_binary": b"\x00",
        "c_boolean": False,
        "c_date": date(1970, 1, 1),
        "c_timestamp": datetime(2024, 11, 3, 5, 59, 59, 999999, tzinfo=UTC),
        "c_timestamp_ntz": datetime(1970, 1, 1, 0, 0, 0, 0),
    },
    {  # tiny magnitudes; TIMESTAMP: the first instant after New York falls back (EST again)
        "id": 5,
        "c_tinyint": -1,
        "c_smallint": 1,
        "c_int": -1,
        "c_bigint": 1,
        "c_float": FLOAT32_MIN_NORMAL,
        "c_double": DOUBLE_MIN_SUBNORMAL,
        "c_decimal": Decimal("0.000000000000000001"),
        "c_string": "x" * 1000,
        "c_binary": bytes(range(256)),
        "c_boolean": True,
        "c_date": date(2024, 2, 29),
        "c_timestamp": datetime(2024, 11, 3, 6, 0, 0, 0, tzinfo=UTC),
        "c_timestamp_ntz": datetime(2024, 2, 29, 12, 34, 56, 789012),
    },
    {  # ordinary values
        "id": 6,
        "c_tinyint": 42,
        "c_smallint": -1234,
        "c_int": 123456789,
        "c_bigint": -1234567890123456789,
        "c_float": 1.5,
        "c_double": -2.718281828459045,
        "c_decimal": Decimal("-12345.678901234567890123"),
        "c_string": "plain ascii",
        "c_binary": b"hello",
        "c_boolean": True,
        "c_date": date(2000, 1, 1),
        "c_timestamp": datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        "c_timestamp_ntz": datetime(2000, 1, 1, 0, 0, 0, 1),
    },
)

CUSTOMERS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("customer_id", "INT NOT NULL"),
    ("name", "STRING"),
    ("email", "STRING"),
    ("country", "STRING"),
    ("signup_date", "DATE"),
)
CUSTOMERS_PRIMARY_KEY = ("customers_pk", ("customer_id",))
CUSTOMERS_ROWS: tuple[dict[str, object], ...] = (
    {
        "customer_id": 1,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "country": "GB",
        "signup_date": date(2023, 1, 15),
    },
    {
        "customer_id": 2,
        "name": "José Álvarez",
        "email": "jose@example.es",
        "country": "ES",
        "signup_date": date(2023, 3, 2),
    },
    {
        "customer_id": 3,
        "name": "李小龍",
        "email": None,
        "country": "HK",
        "signup_date": date(2023, 7, 20),
    },
    {
        "customer_id": 4,
        "name": "Zoë O'Brien",
        "email": "zoe@example.ie",
        "country": "IE",
        "signup_date": None,
    },
    {
        "customer_id": 5,
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "country": "US",
        "signup_date": date(2024, 2, 29),
    },
)

ORDER_ITEMS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("order_id", "BIGINT NOT NULL"),
    ("line_no", "INT NOT NULL"),
    ("sku", "STRING"),
    ("quantity", "INT"),
    ("unit_price", "DECIMAL(10,2)"),
)
ORDER_ITEMS_PRIMARY_KEY = ("order_items_pk", ("order_id", "line_no"))
ORDER_ITEMS_ROWS: tuple[dict[str, object], ...] = (
    {
        "order_id": 1001,
        "line_no": 1,
        "sku": "BOOK-1",
        "quantity": 1,
        "unit_price": Decimal("19.99"),
    },
    {"order_id": 1001, "line_no": 2, "sku": "PEN-3", "quantity": 3, "unit_price": Decimal("1.50")},
    {
        "order_id": 1002,
        "line_no": 1,
        "sku": "BOOK-1",
        "quantity": 2,
        "unit_price": Decimal("19.99"),
    },
    {"order_id": 1003, "line_no": 1, "sku": "MUG-7", "quantity": 1, "unit_price": Decimal("8.00")},
)

# events: generated in SQL from range(EVENTS_ROWS); see seed_demo.events_select().
EVENTS_ROWS = 1_000_000
EVENTS_ROWS_PER_TIMESTAMP = 100  # ties: this many events share each updated_at value
EVENTS_START = datetime(2024, 1, 1, tzinfo=UTC)
EVENTS_STEP_MICROS = 1_000_001  # between successive updated_at values (keeps microseconds)
EVENTS_CUSTOMERS = len(CUSTOMERS_ROWS)
EVENT_TYPES = ("view", "click", "purchase", "refund")
EVENTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "BIGINT NOT NULL"),
    ("customer_id", "INT"),
    ("event_type", "STRING"),
    ("amount", "DECIMAL(18,2)"),
    ("updated_at", "TIMESTAMP"),
    ("payload", "STRING"),
)
EVENTS_PRIMARY_KEY = ("events_pk", ("event_id",))


def expected_event(event_id: int) -> dict[str, object]:
    """The row the seed generates for ``event_id`` (for spot checks in tests)."""
    from datetime import timedelta

    step = event_id // EVENTS_ROWS_PER_TIMESTAMP
    event_type = EVENT_TYPES[event_id % len(EVENT_TYPES)]
    return {
        "event_id": event_id,
        "customer_id": event_id % EVENTS_CUSTOMERS + 1,
        "event_type": event_type,
        "amount": Decimal(event_id % 100_000) / 100,
        "updated_at": EVENTS_START + timedelta(microseconds=step * EVENTS_STEP_MICROS),
        "payload": f'{{"event_id": {event_id}, "type": "{event_type}"}}',
    }

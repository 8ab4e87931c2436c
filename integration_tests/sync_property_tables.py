"""Test tables for the sync properties: value domains, SQL through the real client, and models.

A model is the test's own account of what a table holds (rows by a unique `uid`), kept in step
with every statement it runs; `check_model` compares it with the table before each sync, so a
wrong expectation is reported as such and never mistaken for a connector bug.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from databricks import sql
from hypothesis import strategies as st

from integration_tests.local_workspace_process import RunningWorkspace

SCHEMA = "sync_properties"
NAMESPACE = f"main.{SCHEMA}"


class Sql:
    """Statements and queries through the real SQL client, parameters bound by the client."""

    def __init__(self, workspace: RunningWorkspace) -> None:
        self._connection = sql.connect(**workspace.sql_connect_kwargs())

    def run(self, statement: str, parameters: list[Any] | None = None) -> None:
        with self._connection.cursor() as cursor:
            cursor.execute(statement, parameters or [])

    def rows(self, statement: str) -> list[tuple[Any, ...]]:
        with self._connection.cursor() as cursor:
            cursor.execute(statement)
            return [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self._connection.close()


# ---------------------------------------------------------------------------------------------
# Value domains: each makes values with many ties, values at or above a floor, the parameter
# text that writes a value, and the value as an emitted record carries it.

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
MICRO = timedelta(microseconds=1)
# Session time zones for literals without an offset: DST, half hours, quarter hours.
SESSION_ZONES = [
    "UTC",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
]
OFFSET_MINUTES = [0, -8 * 60, 5 * 60 + 30, 14 * 60, -12 * 60, 12 * 60 + 45, -(3 * 60 + 30)]


def micros(text: str) -> int:
    """An RFC 3339 instant without offset (UTC) as microseconds since the epoch."""
    return (datetime.fromisoformat(text).replace(tzinfo=UTC) - EPOCH) // MICRO


def instant(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class TimestampValues:
    """TIMESTAMP instants as microseconds since the epoch, written in assorted time zones."""

    sql_type = "TIMESTAMP"
    # DST edges in Los Angeles, both sides of the epoch, and far from it.
    anchors = [
        micros("2024-03-10T09:59:59.999999"),
        micros("2024-03-10T10:00:00"),
        micros("2024-11-03T08:30:00"),
        micros("2024-11-03T09:30:00"),
        0,
        -1,
        micros("1901-01-01T00:00:00"),
        micros("2199-12-31T23:59:59.999999"),
    ]
    deltas = st.one_of(st.just(0), st.integers(-2, 2), st.integers(-DAY_US, DAY_US))
    rises = st.one_of(st.just(0), st.integers(0, 2), st.integers(0, 100 * DAY_US))

    def initial(self) -> st.SearchStrategy[int]:
        return st.builds(int.__add__, st.sampled_from(self.anchors), self.deltas)

    def at_or_above(self, floor: int) -> st.SearchStrategy[int]:
        return st.builds(int.__add__, st.just(floor), self.rises)

    def text(self, draw: st.DrawFn, value: int, zone: str) -> str:
        """Parameter text for CAST(? AS TIMESTAMP): with an offset, or in the session zone."""
        at = instant(value)
        local = at.astimezone(ZoneInfo(zone))
        unambiguous = local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset()
        if unambiguous and 1971 <= local.year <= 2037 and draw(st.booleans()):
            return _wall_clock(local, draw(st.sampled_from(" T")))
        minutes = draw(st.sampled_from(OFFSET_MINUTES))
        sign = "-" if minutes < 0 else "+"
        offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return _wall_clock(at + timedelta(minutes=minutes), " ") + offset

    def emitted(self, value: int) -> str:
        return f"{instant(value):%Y-%m-%dT%H:%M:%S.%f}+00:00"

    def normalized(self, json_value: Any) -> Any:
        return json_value

    def from_client(self, value: datetime) -> int:
        return (value - EPOCH) // MICRO


class TimestampNtzValues(TimestampValues):
    """TIMESTAMP_NTZ wall-clock values (microseconds since 1970-01-01 00:00), no time zone."""

    sql_type = "TIMESTAMP_NTZ"

    def text(self, draw: st.DrawFn, value: int, zone: str) -> str:
        return _wall_clock(instant(value), draw(st.sampled_from(" T")))

    def emitted(self, value: int) -> str:
        return f"{instant(value):%Y-%m-%dT%H:%M:%S.%f}"

    def from_client(self, value: datetime) -> int:
        return (value.replace(tzinfo=UTC) - EPOCH) // MICRO


def _wall_clock(moment: datetime, separator: str) -> str:
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + fraction


DECIMAL_MATH = decimal.Context(prec=60)
TINY = Decimal("0.000000000000000001")
DECIMAL_MAX = Decimal("99999999999999999999.999999999999999999")


class DecimalValues:
    """DECIMAL(38,18) values, every digit significant, up to the type's limits."""

    sql_type = "DECIMAL(38,18)"
    anchors = [
        Decimal(0),
        TINY,
        TINY.copy_negate(),  # unary minus would round to the default context's 28 digits
        Decimal("0.1"),
        Decimal("1.5"),
        Decimal("12345678901234567890.123456789012345678"),
        DECIMAL_MAX,
        DECIMAL_MAX.copy_negate(),
    ]
    spread = st.decimals(-(10**6), 10**6, places=18, allow_nan=False, allow_infinity=False)
    deltas = st.one_of(st.just(Decimal(0)), st.integers(-2, 2).map(TINY.__mul__), spread)

    def initial(self) -> st.SearchStrategy[Decimal]:
        return st.builds(self._clamped, st.sampled_from(self.anchors), self.deltas)

    def at_or_above(self, floor: Decimal) -> st.SearchStrategy[Decimal]:
        return st.builds(self._clamped, st.just(floor), self.deltas.map(Decimal.copy_abs))

    def text(self, draw: st.DrawFn, value: Decimal, zone: str) -> str:
        return format(value, "f")

    def emitted(self, value: Decimal) -> Decimal:
        return value

    def normalized(self, json_value: Any) -> Any:
        return None if json_value is None else Decimal(str(json_value))

    def from_client(self, value: Decimal) -> Decimal:
        return value

    @staticmethod
    def _clamped(base: Decimal, delta: Decimal) -> Decimal:
        total = DECIMAL_MATH.add(base, delta)
        low = DECIMAL_MAX.copy_negate()
        return max(low, min(DECIMAL_MAX, total)).quantize(TINY, context=DECIMAL_MATH)


# Pieces of strings: case, accents precomposed and combining, quotes, escapes, astral, controls.
PIECES = ["a", "A", "b", " ", "é", "e\u0301", "ß", '"', "'", "\\", "\U0001f642", "\n", "z"]
short_strings = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)


class StringValues:
    """STRING values compared byte by byte (UTF8_BINARY), with many ties."""

    sql_type = "STRING"

    def initial(self) -> st.SearchStrategy[str]:
        return short_strings

    def at_or_above(self, floor: str) -> st.SearchStrategy[str]:
        longer = st.lists(st.sampled_from(PIECES), min_size=1, max_size=2).map("".join)
        return st.one_of(st.just(floor), longer.map(floor.__add__))

    def text(self, draw: st.DrawFn, value: str, zone: str) -> str:
        return value

    def emitted(self, value: str) -> str:
        return value

    def normalized(self, json_value: Any) -> Any:
        return json_value

    def from_client(self, value: str) -> str:
        return value


Values = TimestampValues | DecimalValues | StringValues
TIMESTAMPS, TIMESTAMPS_NTZ = TimestampValues(), TimestampNtzValues()
DECIMALS_38_18, STRINGS = DecimalValues(), StringValues()


def bound(draw: st.DrawFn, values: Values, value: Any, zone: str) -> tuple[str, list[Any]]:
    """SQL for one value of `values` (a cast parameter, NULL inline) and its parameters."""
    if value is None:
        return f"CAST(NULL AS {values.sql_type})", []
    return f"CAST(? AS {values.sql_type})", [values.text(draw, value, zone)]


def set_zone(db: Sql, draw: st.DrawFn) -> str:
    zone = draw(st.sampled_from(SESSION_ZONES))
    db.run(f"SET TIME ZONE '{zone}'")
    return zone


notes = st.one_of(st.none(), short_strings)


# ---------------------------------------------------------------------------------------------
# Table models.


@dataclass
class CursorTable:
    """`uid INT, c <cursor type>, rev INT, note STRING`, synced incrementally by `c`.

    Rows change only as the cursor contract allows: inserts and updates set `c` at or above the
    highest value the table ever held (`high`), and every update bumps `rev`. Deletes are allowed
    (they cannot hide another row). Rows inserted with a NULL cursor after the first sync are
    outside the contract's promise and recorded as `exempt`.
    """

    name: str
    values: Values
    rows: dict[int, tuple[Any, int, str | None]] = field(default_factory=dict)
    changed_before_run: dict[int, int] = field(default_factory=dict)
    exempt: set[int] = field(default_factory=set)
    high: Any = None
    next_uid: int = 0

    @property
    def ref(self) -> str:
        return f"{NAMESPACE}.{self.name}"

    def create(self, db: Sql) -> None:
        db.run(
            f"CREATE OR REPLACE TABLE {self.ref} "
            f"(uid INT, c {self.values.sql_type}, rev INT, note STRING)"
        )

    def record(self, uid: int) -> dict[str, Any]:
        cursor, rev, note = self.rows[uid]
        value = None if cursor is None else self.values.emitted(cursor)
        return {"uid": uid, "c": value, "rev": rev, "note": note}

    def normalized(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "c": self.values.normalized(data.get("c"))}

    def insert(self, db: Sql, draw: st.DrawFn, cursors: list[Any], run: int) -> None:
        if not cursors:
            return
        zone = set_zone(db, draw)
        placeholders, parameters = [], []
        for cursor in cursors:
            uid, note = self.next_uid, draw(notes)
            self.next_uid += 1
            value_sql, value_parameters = bound(draw, self.values, cursor, zone)
            placeholders.append(f"(?, {value_sql}, 0, ?)")
            parameters += [uid, *value_parameters, note]
            self.rows[uid] = (cursor, 0, note)
            self.changed_before_run[uid] = run
            if cursor is None and run > 0:
                self.exempt.add(uid)
            self._raise_high(cursor)
        db.run(f"INSERT INTO {self.ref} VALUES {', '.join(placeholders)}", parameters)

    def update(self, db: Sql, draw: st.DrawFn, uids: list[int], cursor: Any, run: int) -> None:
        if not uids:
            return
        zone = set_zone(db, draw)
        note = draw(notes)
        value_sql, value_parameters = bound(draw, self.values, cursor, zone)
        marks = ", ".join("?" for _ in uids)
        db.run(
            f"UPDATE {self.ref} SET c = {value_sql}, rev = rev + 1, note = ? "
            f"WHERE uid IN ({marks})",
            [*value_parameters, note, *uids],
        )
        for uid in uids:
            self.rows[uid] = (cursor, self.rows[uid][1] + 1, note)
            self.changed_before_run[uid] = run
            self.exempt.discard(uid)
        self._raise_high(cursor)

    def delete(self, db: Sql, uids: list[int]) -> None:
        if uids:
            db.run(f"DELETE FROM {self.ref} WHERE uid IN ({', '.join(map(str, uids))})")
            for uid in uids:
                del self.rows[uid]

    def check_model(self, db: Sql) -> None:
        actual = {
            uid: (None if c is None else self.values.from_client(c), rev, note)
            for uid, c, rev, note in db.rows(f"SELECT uid, c, rev, note FROM {self.ref}")
        }
        assert actual == self.rows, f"the test's model of {self.ref} is wrong (a harness bug)"

    def _raise_high(self, cursor: Any) -> None:
        if cursor is not None and (self.high is None or cursor > self.high):
            self.high = cursor


KEY_STRINGS = st.sampled_from(["", "a", "A", "é", "e\u0301", "'", '"', "\\", "\U0001f642"])
KEY_NUDGES = st.sampled_from([0, 0, 1, -1])  # microseconds: key timestamps tie or nearly


@dataclass
class KeyedTable:
    """`k INT, s STRING, t TIMESTAMP, uid INT, v STRING`, primary key (k, s, t).

    Databricks does not enforce keys: (k, s, t) repeats often, and `uid` tells rows apart.
    """

    name: str
    rows: dict[int, tuple[int, str, int, str | None]] = field(default_factory=dict)
    next_uid: int = 0

    @property
    def ref(self) -> str:
        return f"{NAMESPACE}.{self.name}"

    def create(self, db: Sql) -> None:
        db.run(
            f"CREATE OR REPLACE TABLE {self.ref} (k INT NOT NULL, s STRING NOT NULL, "
            f"t TIMESTAMP NOT NULL, uid INT, v STRING, "
            f"CONSTRAINT {self.name}_pk PRIMARY KEY (k, s, t))"
        )

    def snapshot(self) -> set[tuple[Any, ...]]:
        return {(uid, k, s, TIMESTAMPS.emitted(t), v) for uid, (k, s, t, v) in self.rows.items()}

    @staticmethod
    def record_tuple(data: dict[str, Any]) -> tuple[Any, ...]:
        return (data["uid"], data["k"], data["s"], data["t"], data["v"])

    def draw_row(self, draw: st.DrawFn) -> tuple[int, str, int, str | None]:
        t = draw(st.sampled_from(TIMESTAMPS.anchors[:3])) + draw(KEY_NUDGES)
        return draw(st.integers(0, 3)), draw(KEY_STRINGS), t, draw(notes)

    def insert(self, db: Sql, draw: st.DrawFn, count: int) -> None:
        if not count:
            return
        zone = set_zone(db, draw)
        placeholders, parameters = [], []
        for _ in range(count):
            uid, (k, s, t, v) = self.next_uid, self.draw_row(draw)
            self.next_uid += 1
            t_sql, t_parameters = bound(draw, TIMESTAMPS, t, zone)
            placeholders.append(f"(?, ?, {t_sql}, ?, ?)")
            parameters += [k, s, *t_parameters, uid, v]
            self.rows[uid] = (k, s, t, v)
        db.run(f"INSERT INTO {self.ref} VALUES {', '.join(placeholders)}", parameters)

    def update(self, db: Sql, draw: st.DrawFn, uids: list[int]) -> None:
        if not uids:
            return
        zone = set_zone(db, draw)
        k, s, t, v = row = self.draw_row(draw)
        t_sql, t_parameters = bound(draw, TIMESTAMPS, t, zone)
        marks = ", ".join("?" for _ in uids)
        db.run(
            f"UPDATE {self.ref} SET k = ?, s = ?, t = {t_sql}, v = ? WHERE uid IN ({marks})",
            [k, s, *t_parameters, v, *uids],
        )
        self.rows.update(dict.fromkeys(uids, row))

    def delete(self, db: Sql, uids: list[int]) -> None:
        if uids:
            db.run(f"DELETE FROM {self.ref} WHERE uid IN ({', '.join(map(str, uids))})")
            for uid in uids:
                del self.rows[uid]

    def check_model(self, db: Sql) -> None:
        actual = {
            uid: (k, s, TIMESTAMPS.from_client(t), v)
            for k, s, t, uid, v in db.rows(f"SELECT k, s, t, uid, v FROM {self.ref}")
        }
        assert actual == self.rows, f"the test's model of {self.ref} is wrong (a harness bug)"


@dataclass
class ChangeFeedTable:
    """`id INT NOT NULL, c TIMESTAMP, amount DECIMAL(38,18), note STRING`, primary key id (unique
    here, so changes can be applied by key), with Change Data Feed on."""

    name: str
    rows: dict[int, tuple[int | None, Decimal | None, str | None]] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{NAMESPACE}.{self.name}"

    def create(self, db: Sql) -> None:
        db.run(
            f"CREATE OR REPLACE TABLE {self.ref} (id INT NOT NULL, c TIMESTAMP, "
            f"amount DECIMAL(38,18), note STRING, CONSTRAINT {self.name}_pk PRIMARY KEY (id)) "
            "TBLPROPERTIES (delta.enableChangeDataFeed = true)"
        )

    def record(self, key: int) -> dict[str, Any]:
        c, amount, note = self.rows[key]
        return {
            "id": key,
            "c": None if c is None else TIMESTAMPS.emitted(c),
            "amount": amount,
            "note": note,
        }

    @staticmethod
    def normalized(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": data["id"],
            "c": data["c"],
            "amount": DECIMALS_38_18.normalized(data["amount"]),
            "note": data["note"],
        }

    def draw_values(self, draw: st.DrawFn) -> tuple[int | None, Decimal | None, str | None]:
        c = draw(st.one_of(st.none(), TIMESTAMPS.initial()))
        amount = draw(st.one_of(st.none(), DECIMALS_38_18.initial()))
        return c, amount, draw(notes)

    def write(self, db: Sql, draw: st.DrawFn, statement: str, keys: list[int]) -> None:
        """`statement` is insert (keys absent), update or delete (keys present)."""
        if not keys:
            return
        if statement == "delete":
            db.run(f"DELETE FROM {self.ref} WHERE id IN ({', '.join(map(str, keys))})")
            for key in keys:
                del self.rows[key]
            return
        zone = set_zone(db, draw)
        if statement == "update":
            c, amount, note = values = self.draw_values(draw)
            c_sql, c_parameters = bound(draw, TIMESTAMPS, c, zone)
            a_sql, a_parameters = bound(draw, DECIMALS_38_18, amount, zone)
            marks = ", ".join("?" for _ in keys)
            db.run(
                f"UPDATE {self.ref} SET c = {c_sql}, amount = {a_sql}, note = ? "
                f"WHERE id IN ({marks})",
                [*c_parameters, *a_parameters, note, *keys],
            )
            self.rows.update(dict.fromkeys(keys, values))
            return
        placeholders, parameters = [], []
        for key in keys:
            c, amount, note = self.rows[key] = self.draw_values(draw)
            c_sql, c_parameters = bound(draw, TIMESTAMPS, c, zone)
            a_sql, a_parameters = bound(draw, DECIMALS_38_18, amount, zone)
            placeholders.append(f"(?, {c_sql}, {a_sql}, ?)")
            parameters += [key, *c_parameters, *a_parameters, note]
        db.run(f"INSERT INTO {self.ref} VALUES {', '.join(placeholders)}", parameters)

    def check_model(self, db: Sql) -> None:
        actual = {
            key: (None if c is None else TIMESTAMPS.from_client(c), amount, note)
            for key, c, amount, note in db.rows(f"SELECT id, c, amount, note FROM {self.ref}")
        }
        assert actual == self.rows, f"the test's model of {self.ref} is wrong (a harness bug)"

"""Date functions DuckDB lacks or answers differently, as DuckDB templates.

``months_between(a, b[, roundOff])`` follows Spark's definition: whole months when both days of
month match or both are the last day of their month; otherwise the months plus the difference in
days and seconds of day over 31-day months, rounded half up to 8 digits unless roundOff is false.
Timestamps are read as wall-clock times in the session time zone (Spark measures the seconds of
day from local midnight, which differs only on days of a daylight-saving change).

``next_day(d, dayOfWeek)`` takes Spark's day names (``TU``, ``TUE``, ``TUESDAY``, any case).
``try_to_timestamp``/``try_to_date`` answer NULL where parsing fails; ``to_char`` with a datetime
pattern is ``date_format``; ``extract(DOW ...)`` counts 1 (Sunday) .. 7.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from local_workspace.engine.dialect import DIALECT
from local_workspace.engine.errors import SqlError
from local_workspace.engine.templates import raise_error, template

_MONTHS = "(year(__a) * 12 + month(__a)) - (year(__b) * 12 + month(__b))"
_SECOND_OF_DAY = "(hour(__{t}) * 3600 + minute(__{t}) * 60 + second(__{t}))"
_FRACTION = (
    f"({_MONTHS}) + ((day(__a) - day(__b)) * 86400 + {_SECOND_OF_DAY.format(t='a')} - "
    f"{_SECOND_OF_DAY.format(t='b')}) / 2678400.0"
)
_MONTHS_BETWEEN = (
    "CASE WHEN day(__a) = day(__b) OR (day(__a) = day(last_day(__a)) AND "
    f"day(__b) = day(last_day(__b))) THEN CAST({_MONTHS} AS DOUBLE) "
    f"WHEN __round IS NOT FALSE THEN floor(({_FRACTION}) * 1e8 + 0.5) / 1e8 "
    f"ELSE {_FRACTION} END"
)


def _timestamp(value: exp.Expression) -> exp.Expression:
    return exp.cast(value.copy(), exp.DataType.build("TIMESTAMP"))


def months_between(node: exp.MonthsBetween) -> exp.Expression:
    round_off = node.args.get("roundoff") or exp.true()
    return template(
        _MONTHS_BETWEEN,
        a=_timestamp(node.this),
        b=_timestamp(node.expression),
        round=round_off,
    )


_DAYS = {
    0: ("SU", "SUN", "SUNDAY"),
    1: ("MO", "MON", "MONDAY"),
    2: ("TU", "TUE", "TUESDAY"),
    3: ("WE", "WED", "WEDNESDAY"),
    4: ("TH", "THU", "THURSDAY"),
    5: ("FR", "FRI", "FRIDAY"),
    6: ("SA", "SAT", "SATURDAY"),
}
_DAY_NUMBER = "CASE upper(trim(__name)) {whens} ELSE __illegal END".format(
    whens=" ".join(
        f"WHEN '{name}' THEN {number}" for number, names in _DAYS.items() for name in names
    )
)


def next_day(node: exp.NextDay) -> exp.Expression:
    """next_day(d, 'TU'): the first such weekday after d; an unknown name is
    ILLEGAL_DAY_OF_WEEK (ANSI mode)."""
    name = node.expression
    illegal = raise_error(
        "ILLEGAL_DAY_OF_WEEK", "22009", "Illegal input for day of week: ", name, "."
    )
    number = template(_DAY_NUMBER, name=name, illegal=illegal)
    day = exp.cast(node.this.copy(), exp.DataType.build("DATE"))
    return template(
        "CASE WHEN __name IS NULL THEN NULL "
        "ELSE __d + CAST((__n - isodow(__d) % 7 + 6) % 7 + 1 AS INTEGER) END",
        name=name,
        d=day,
        n=number,
    )


def _databricks(function: str, *args: exp.Expression) -> exp.Expression:
    """``function(args)`` parsed as Databricks SQL, so sqlglot reads its format patterns and
    the other rules still apply; literal arguments go in as text (a pattern must be seen as a
    literal to be converted), the others as sub-trees."""
    names = [
        a.sql("databricks") if isinstance(a, exp.Literal) else f"__a{i}" for i, a in enumerate(args)
    ]
    parts = {f"__a{i}": a for i, a in enumerate(args)}

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in parts:
            return parts[node.name].copy()
        return node

    return sqlglot.parse_one(f"{function}({', '.join(names)})", read=DIALECT).transform(fill)


def try_parse(function: str):
    """try_to_timestamp/try_to_date: the function, NULL where it fails."""

    def build(*args: exp.Expression) -> exp.Expression:
        return exp.Anonymous(this="try", expressions=[_databricks(function, *args)])

    return build


# Characters of a number format (to_char(number, '999,999.99')); a datetime pattern has others.
_NUMBER_FORMAT = re.compile(r"(?:[09.,$DGS]|MI|PR)+", re.IGNORECASE)


def to_char(value: exp.Expression, fmt: exp.Expression) -> exp.Expression:
    """to_char/to_varchar with a datetime pattern is date_format; number formats are refused."""
    if not (isinstance(fmt, exp.Literal) and fmt.is_string) or _NUMBER_FORMAT.fullmatch(fmt.name):
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "The local workspace supports `to_char` with a constant datetime pattern only, not "
            "number formats.",
        )
    return _databricks("date_format", value, fmt)


def refuse_number_format(node: exp.ToNumber):
    if node.args.get("format") is None:
        return None
    raise SqlError(
        "UNSUPPORTED_FEATURE",
        "0A000",
        "The local workspace does not support `to_number` with a format.",
    )


_DAY_OF_WEEK = {"DOW": "dayofweek", "DAYOFWEEK": "dayofweek", "DOW_ISO": "isodow"}


def _day_of_week(unit: str, value: exp.Expression):
    unit = "DOW_ISO" if unit == "DAYOFWEEK_ISO" else unit
    if unit not in _DAY_OF_WEEK:
        return None
    day = exp.cast(value.copy(), exp.DataType.build("DATE"))
    if unit == "DOW_ISO":
        return template("isodow(__d)", d=day)
    return template("isodow(__d) % 7 + 1", d=day)


def extract_day_of_week(node: exp.Extract):
    """extract(DOW ...) is 1 (Sunday) .. 7 as Spark counts; DOW_ISO is 1 (Monday) .. 7."""
    unit = node.this.name.upper() if isinstance(node.this, exp.Var) else ""
    return _day_of_week(unit, node.expression)


def date_part_day_of_week(field: exp.Expression, value: exp.Expression):
    """date_part('DOW', d): as extract(DOW FROM d)."""
    if not (isinstance(field, exp.Literal) and field.is_string):
        return None
    return _day_of_week(field.name.upper(), value)

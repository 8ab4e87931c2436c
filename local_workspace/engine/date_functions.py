"""Date functions DuckDB lacks or answers differently, as DuckDB templates.

``months_between(a, b[, roundOff])`` follows Spark's definition: whole months when both days of
month match or both are the last day of their month; otherwise the months plus the difference in
days and seconds of day over 31-day months, rounded half up to 8 digits unless roundOff is false.
Timestamps are read as wall-clock times in the session time zone (Spark measures the seconds of
day from local midnight, which differs only on days of a daylight-saving change).

``next_day(d, dayOfWeek)`` takes Spark's day names (``TU``, ``TUE``, ``TUESDAY``, any case).
"""

from __future__ import annotations

from sqlglot import exp

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

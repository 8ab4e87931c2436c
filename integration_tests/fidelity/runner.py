"""Run a fidelity case through databricks-sql-connector and compare it with the documented result.

Comparison is by value with a few normalisations a reader of the reference would apply: numbers
compare numerically (DECIMAL, DOUBLE and INT alike; booleans only equal booleans), DATE and
TIMESTAMP values compare as the text Databricks displays (timestamps in the case's session time
zone), MAP values as dicts, arrays element by element. Rows compare in order only when the
statement has an ORDER BY (``Case.ordered``); otherwise as a multiset.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integration_tests.fidelity.cases import Case

RESULTS: dict[str, bool] = {}  # case id -> passed as documented (filled in as the suite runs)


@dataclass
class Outcome:
    ok: bool
    detail: str
    error: str | None = None  # the error message when the statement failed


def run_case(connection, case: Case) -> Outcome:
    """Run ``case`` on a fresh cursor of ``connection`` and judge its result."""
    with connection.cursor() as cursor:
        try:
            if case.time_zone != "UTC":
                cursor.execute(f"SET TIME ZONE '{case.time_zone}'")
            for statement in case.setup:
                cursor.execute(statement)
            try:
                cursor.execute(case.sql)
                got = [list(row) for row in cursor.fetchall()]
                names = tuple(d[0] for d in cursor.description or ())
            except Exception as error:  # the server's error, as the client raises it
                return _judge_error(case, str(error))
        finally:
            if case.time_zone != "UTC":
                cursor.execute("SET TIME ZONE 'UTC'")
    if case.error is not None:
        return Outcome(False, f"expected [{case.error}], got rows {got!r}")
    if case.columns is not None:  # the documented columns, compared by name and in order
        present = [n for n in names if n in case.columns]
        if present != list(case.columns):
            return Outcome(False, f"columns {names!r}, documented {case.columns!r}")
        positions = [names.index(n) for n in case.columns]
        got = [[row[i] for i in positions] for row in got]
    zone = zoneinfo.ZoneInfo(case.time_zone)
    actual = [[normalise(v, zone) for v in row] for row in got]
    if rows_match(actual, case.expected or [], case.ordered, case.unordered_arrays):
        return Outcome(True, "ok")
    return Outcome(False, f"got {actual!r}, documented {case.expected!r}")


def _judge_error(case: Case, message: str) -> Outcome:
    if case.error is not None and has_error_class(message, case.error):
        return Outcome(True, "ok", message)
    return Outcome(False, f"failed: {message}", message)


def has_error_class(message: str, error_class: str) -> bool:
    """``[CLASS]`` or a sub-class ``[CLASS.SUB]`` in Databricks' message layout."""
    return f"[{error_class}]" in message or f"[{error_class}." in message


def normalise(value: Any, zone: zoneinfo.ZoneInfo) -> Any:
    """Client values -> plain Python values comparable with the transcribed ones."""
    if hasattr(value, "tolist") and not isinstance(value, Decimal):  # numpy arrays
        # The client turns an integer array holding NULLs into floats with NaN for the NULLs.
        value = [None if isinstance(v, float) and math.isnan(v) else v for v in value.tolist()]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return timestamp_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: normalise(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v, zone) for v in value]
    return value


def timestamp_text(value: datetime.datetime) -> str:
    """Databricks' display of a TIMESTAMP: seconds, then the fraction without trailing zeros."""
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text


def values_match(actual: Any, expected: Any, unordered_arrays: bool = False) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if _is_number(expected) and _is_number(actual):
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, dict):
        return _maps_match(actual, expected, unordered_arrays)
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list | tuple) or len(actual) != len(expected):
            return False
        if unordered_arrays:
            return _multiset_match(list(actual), list(expected), unordered_arrays)
        return all(
            values_match(a, e, unordered_arrays) for a, e in zip(actual, expected, strict=True)
        )
    return type(actual) is type(expected) and actual == expected


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _maps_match(actual: Any, expected: dict, unordered_arrays: bool) -> bool:
    if isinstance(actual, list):  # MAP values arrive as a list of (key, value) pairs
        if not all(isinstance(p, list | tuple) and len(p) == 2 for p in actual):
            return False
        pairs = [tuple(p) for p in actual]
    elif isinstance(actual, dict):
        pairs = list(actual.items())
    else:
        return False
    return _multiset_match(pairs, list(expected.items()), unordered_arrays)


def _multiset_match(actual: list, expected: list, unordered_arrays: bool) -> bool:
    if len(actual) != len(expected):
        return False
    unused = list(actual)
    for item in expected:
        match = next((a for a in unused if values_match(a, item, unordered_arrays)), _MISSING)
        if match is _MISSING:
            return False
        unused.remove(match)
    return True


_MISSING = object()


def rows_match(
    actual: Sequence[Sequence[Any]],
    expected: Sequence[Sequence[Any]],
    ordered: bool,
    unordered_arrays: bool = False,
) -> bool:
    actual_rows = [list(r) for r in actual]
    expected_rows = [list(r) for r in expected]
    if ordered:
        return len(actual_rows) == len(expected_rows) and all(
            values_match(a, e, unordered_arrays)
            for a, e in zip(actual_rows, expected_rows, strict=True)
        )
    return _multiset_match(actual_rows, expected_rows, unordered_arrays)

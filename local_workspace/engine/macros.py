"""DuckDB macros the semantics rules call where the operand's type decides the answer.

DuckDB picks a macro overload by the argument's type at bind time, which an AST rule cannot see.
``to_integral(kind, safe, x)`` is ``CAST``/``TRY_CAST`` of ``x`` to an integral type with
Databricks' semantics: FLOAT, DOUBLE and DECIMAL truncate toward zero (DuckDB rounds); text must
be a whole number (``'123.0'`` is CAST_INVALID_INPUT, DuckDB reads 123); a TIMESTAMP is its
seconds since the epoch; other types cast as DuckDB casts them. Also: ``shift_by_months`` (DATE
+ year-month interval stays a DATE), ``reverse`` (STRING or ARRAY), ``text`` (a TIMESTAMP as
Databricks writes it in a STRING), ``sequence`` (of DATEs too), ``octet_length``, ``crc32``
and ``minus`` (DATE - DATE is an INTERVAL). The macros live in the engine's in-memory root
catalog (``memory.main``) and are called by their qualified name, so every session finds them
whatever its current catalog.
"""

from __future__ import annotations

import duckdb
from sqlglot import exp

from local_workspace.engine.templates import raise_error

_SCHEMA = ("memory", "main")
INTEGRAL = ("TINYINT", "SMALLINT", "INT", "BIGINT")
_DUCKDB_NAMES = {"INT": "INTEGER"}
_EXACT = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
)
# DECIMAL(38,18) holds every fractional value that fits a BIGINT once truncated.
_FRACTIONAL = ("FLOAT", "DOUBLE", "DECIMAL(38,18)")
# Databricks reads text as an integer literal: '123' and ' -5 ' are fine, '123.0' is malformed.
_WHOLE_TEXT = r"regexp_full_match(x, '\s*[+-]?\d+\s*')"


def _malformed(kind: str) -> str:
    error = raise_error(
        "CAST_INVALID_INPUT",
        "22018",
        "The value '",
        exp.column("x"),
        f'\' of the type "STRING" cannot be cast to "{kind}" because it is malformed. '
        "Correct the value as per the syntax, or change its target type. Use `try_cast` to "
        "tolerate malformed input and return NULL instead.",
    )
    return error.sql("duckdb")


def _name(kind: str, safe: bool) -> str:
    return f"databricks_{'try_' if safe else ''}to_{kind.lower()}"


def to_integral(kind: str, safe: bool, value: exp.Expression) -> exp.Expression:
    """``memory.main.databricks_[try_]to_<kind>(value)``."""
    return _qualified(_name(kind, safe), value)


def _definition(kind: str, safe: bool) -> str:
    cast = "TRY_CAST" if safe else "CAST"
    target = _DUCKDB_NAMES.get(kind, kind)
    overloads = [f"(x {t}) AS {cast}(x AS {target})" for t in _EXACT]
    overloads += [f"(x {t}) AS {cast}(trunc(x) AS {target})" for t in _FRACTIONAL]
    otherwise = "NULL" if safe else _malformed(kind)
    text = f"CASE WHEN {_WHOLE_TEXT} THEN {cast}(x AS {target}) ELSE {otherwise} END"
    overloads.append(f"(x VARCHAR) AS {text}")
    # A TIMESTAMP is the whole seconds since the epoch (floored, as Spark does).
    overloads.append(f"(x TIMESTAMPTZ) AS {cast}(floor(epoch(x)) AS {target})")
    overloads.append(f"(x) AS {cast}(x AS {target})")
    qualified = ".".join((*_SCHEMA, _name(kind, safe)))
    return f"CREATE OR REPLACE MACRO {qualified}" + ", ".join(overloads)


def minus(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    """``left - right``; two DATEs give an INTERVAL of days (DuckDB answers an INTEGER)."""
    return _qualified("databricks_minus", left, right)


def to_double(safe: bool, value: exp.Expression) -> exp.Expression:
    """``CAST``/``TRY_CAST`` to DOUBLE where a TIMESTAMP is its seconds since the epoch with
    the fraction (DuckDB has no such cast)."""
    return _qualified(f"databricks_{'try_' if safe else ''}to_double", value)


def _double_definition(safe: bool) -> str:
    cast = "TRY_CAST" if safe else "CAST"
    name = ".".join((*_SCHEMA, f"databricks_{'try_' if safe else ''}to_double"))
    return (
        f"CREATE OR REPLACE MACRO {name}(x TIMESTAMPTZ) AS epoch(x), "
        f"(x VARCHAR) AS {cast}(x AS DOUBLE), (x) AS {cast}(x AS DOUBLE)"
    )


def _qualified(name: str, *args: exp.Expression) -> exp.Expression:
    catalog, schema = _SCHEMA
    function = exp.Anonymous(this=name, expressions=[a.copy() for a in args])
    return exp.Dot(
        this=exp.Dot(this=exp.to_identifier(catalog), expression=exp.to_identifier(schema)),
        expression=function,
    )


def shift_by_months(operation: str, value: exp.Expression, interval: exp.Expression):
    """``value + interval`` (``operation`` '+' or '-') for a year-month interval: a DATE stays a
    DATE (DuckDB answers a TIMESTAMP), other types as DuckDB adds them."""
    name = "databricks_date_plus" if operation == "+" else "databricks_date_minus"
    return _qualified(name, value, interval)


def reverse(value: exp.Expression) -> exp.Expression:
    """``reverse``: of a STRING its characters, of an ARRAY its elements."""
    return _qualified("databricks_reverse", value)


def text(value: exp.Expression) -> exp.Expression:
    """A TIMESTAMP as Databricks shows it in a STRING (``2024-01-01 10:00:00.12``: no zone, the
    fraction without trailing zeros; DuckDB appends ``+00``); any other value unchanged."""
    return _qualified("databricks_text", value)


def sequence(*args: exp.Expression) -> exp.Expression:
    """``sequence(start, stop[, step])``: counting down when stop < start; DATEs step by a day
    (or the given interval) and stay DATEs (DuckDB's series of dates are TIMESTAMPs)."""
    return _qualified("databricks_sequence", *args)


def octet_length(value: exp.Expression) -> exp.Expression:
    return _qualified("databricks_octet_length", value)


_DATES = "CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP)"
_DAY = "CASE WHEN a <= b THEN INTERVAL '1 day' ELSE INTERVAL '-1 day' END"
_SEQUENCE = (
    f"(a DATE, b DATE) AS CAST(generate_series({_DATES}, {_DAY}) AS DATE[]), "
    f"(a DATE, b DATE, s INTERVAL) AS CAST(generate_series({_DATES}, s) AS DATE[]), "
    f"(a TIMESTAMPTZ, b TIMESTAMPTZ) AS generate_series(a, b, {_DAY}), "
    "(a, b) AS generate_series(a, b, CASE WHEN a <= b THEN 1 ELSE -1 END), "
    "(a, b, s) AS generate_series(a, b, s)"
)


def crc32(value: exp.Expression) -> exp.Expression:
    """crc32 of a STRING's UTF-8 bytes or of a BINARY, as a BIGINT (bitwise, reflected)."""
    return _qualified("databricks_crc32", value)


def _crc32_of(blob: str) -> str:
    octets = (
        f"list_transform(range(0, len(hex({blob})), 2), "
        f"lambda i: CAST(('0x' || substr(hex({blob}), i + 1, 2)) AS BIGINT))"
    )
    step = "lambda acc, k: xor(acc >> 1, 3988292384 & -(acc & 1))"
    return (
        f"xor(list_reduce({octets}, lambda crc, b: list_reduce(range(8), {step}, xor(crc, b)), "
        "4294967295), 4294967295)"
    )


_TIMESTAMP_TEXT = (
    "strftime(x, '%Y-%m-%d %H:%M:%S') || CASE WHEN rtrim(strftime(x, '%f'), '0') = '' "
    "THEN '' ELSE '.' || rtrim(strftime(x, '%f'), '0') END"
)


def _other_definitions() -> list[str]:
    reverse = ".".join((*_SCHEMA, "databricks_reverse"))
    text = ".".join((*_SCHEMA, "databricks_text"))
    sequence = ".".join((*_SCHEMA, "databricks_sequence"))
    octets = ".".join((*_SCHEMA, "databricks_octet_length"))
    crc = ".".join((*_SCHEMA, "databricks_crc32"))
    minus = ".".join((*_SCHEMA, "databricks_minus"))
    return [
        f"CREATE OR REPLACE MACRO {minus}(a DATE, b DATE) AS to_days(CAST(a - b AS INTEGER)), "
        "(a, b) AS a - b",
        f"CREATE OR REPLACE MACRO {crc}(x VARCHAR) AS {_crc32_of('encode(x)')}, "
        f"(x BLOB) AS {_crc32_of('x')}",
        f"CREATE OR REPLACE MACRO {sequence}{_SEQUENCE}",
        f"CREATE OR REPLACE MACRO {octets}(x VARCHAR) AS strlen(x), (x BLOB) AS octet_length(x)",
        f"CREATE OR REPLACE MACRO {reverse}(x VARCHAR) AS reverse(x), (x) AS list_reverse(x)",
        f"CREATE OR REPLACE MACRO {text}(x VARCHAR) AS x, (x DATE) AS x, "
        f"(x TIMESTAMPTZ) AS {_TIMESTAMP_TEXT}, (x TIMESTAMP) AS {_TIMESTAMP_TEXT}, (x) AS x",
        *(
            f"CREATE OR REPLACE MACRO {'.'.join((*_SCHEMA, name))}"
            f"(x DATE, i INTERVAL) AS CAST(x {op} i AS DATE), (x, i) AS x {op} i"
            for name, op in (("databricks_date_plus", "+"), ("databricks_date_minus", "-"))
        ),
    ]


def install(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the macros on the engine's connection (once, at start)."""
    for kind in INTEGRAL:
        for safe in (False, True):
            connection.execute(_definition(kind, safe))
    for definition in [*_other_definitions(), _double_definition(False), _double_definition(True)]:
        connection.execute(definition)

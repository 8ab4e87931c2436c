"""DuckDB and sqlglot exceptions -> SqlError with Databricks' error classes: one table.

Each row matches an exception type and a pattern over DuckDB's *message* (never over SQL),
and names the Databricks error class, its SQLSTATE, and a message template fed by the pattern's
named groups. The first matching row wins; anything else is INTERNAL_ERROR / XX000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import sqlglot.errors

from local_workspace.engine import catalogs
from local_workspace.engine.errors import SqlError


@dataclass(frozen=True)
class Row:
    kind: type[BaseException]
    pattern: str
    error_class: str
    sqlstate: str
    template: str


_NAME = r'"?(?P<name>[^"!]+?)"?'
ERROR_MAP: list[Row] = [
    Row(
        sqlglot.errors.ParseError,
        r"(?P<detail>.*)",
        "PARSE_SYNTAX_ERROR",
        "42601",
        "Syntax error: {detail}",
    ),
    Row(
        duckdb.ParserException,
        r"(?:Parser Error: )?(?P<detail>.*)",
        "PARSE_SYNTAX_ERROR",
        "42601",
        "Syntax error: {detail}",
    ),
    Row(
        duckdb.InterruptException,
        r".*",
        "OPERATION_CANCELED",
        "HY008",
        "The operation was canceled.",
    ),
    Row(
        duckdb.CatalogException,
        rf"Table with name {_NAME} does not exist",
        "TABLE_OR_VIEW_NOT_FOUND",
        "42P01",
        "The table or view `{name}` cannot be found. Verify the spelling and correctness of the "
        "schema and catalog.",
    ),
    Row(
        duckdb.CatalogException,
        rf"Schema with name {_NAME} does not exist",
        "SCHEMA_NOT_FOUND",
        "42704",
        "The schema `{name}` cannot be found.",
    ),
    Row(
        duckdb.BinderException,
        rf"Schema with name {_NAME} does not exist",
        "SCHEMA_NOT_FOUND",
        "42704",
        "The schema `{name}` cannot be found.",
    ),
    Row(
        duckdb.Error,
        rf"Catalog (?:with name )?{_NAME} does not exist",
        "NO_SUCH_CATALOG_EXCEPTION",
        "42704",
        "Catalog '{name}' was not found.",
    ),
    Row(
        duckdb.CatalogException,
        rf"Table with name {_NAME} already exists",
        "TABLE_OR_VIEW_ALREADY_EXISTS",
        "42P07",
        "Cannot create table or view `{name}` because it already exists.",
    ),
    Row(
        duckdb.CatalogException,
        rf"View with name {_NAME} already exists",
        "TABLE_OR_VIEW_ALREADY_EXISTS",
        "42P07",
        "Cannot create table or view `{name}` because it already exists.",
    ),
    Row(
        duckdb.CatalogException,
        rf"Schema with name {_NAME} already exists",
        "SCHEMA_ALREADY_EXISTS",
        "42P06",
        "Cannot create schema `{name}` because it already exists.",
    ),
    Row(
        duckdb.Error,
        r"Cannot drop entry .* because there are entries that depend on it",
        "SCHEMA_NOT_EMPTY",
        "2BP01",
        "Cannot drop a schema because it contains objects. Use DROP SCHEMA ... CASCADE.",
    ),
    Row(
        duckdb.BinderException,
        r'Referenced column "?(?P<name>[^"]+)"? not found',
        "UNRESOLVED_COLUMN.WITH_SUGGESTION",
        "42703",
        "A column, variable, or function parameter with name `{name}` cannot be resolved.",
    ),
    Row(
        duckdb.CatalogException,
        r"(?:Scalar|Table|Aggregate) Function with name (?P<name>\S+)"
        r" does not exist",
        "UNRESOLVED_ROUTINE",
        "42883",
        "Cannot resolve routine `{name}` on search path.",
    ),
    Row(
        duckdb.ConversionException,
        r"value (?P<value>\S+) can't be cast because the value is out of range for the"
        r" destination type (?P<type>\w+)",
        "CAST_OVERFLOW",
        "22003",
        "The value {value} cannot be cast to {type} due to an overflow. Use `try_cast` to "
        "tolerate overflow and return NULL instead.",
    ),
    Row(
        duckdb.ConversionException,
        r"(?P<what>Date|Time|Timestamp) out of range: (?P<value>\S+)",
        "DATETIME_FIELD_OUT_OF_BOUNDS",
        "22023",
        '{what} field out of bounds: {value}. If necessary set "ANSI_MODE" to "false" to '
        "bypass this error.",
    ),
    Row(
        duckdb.ConversionException,
        r"Failed to cast decimal value (?P<value>\S+) to type (?P<type>\w+)",
        "CAST_OVERFLOW",
        "22003",
        "The value {value} cannot be cast to {type} due to an overflow. Use `try_cast` to "
        "tolerate overflow and return NULL instead.",
    ),
    Row(duckdb.ConversionException, r"(?P<detail>.*)", "CAST_INVALID_INPUT", "22018", "{detail}"),
    Row(
        duckdb.ConstraintException,
        r"NOT NULL constraint failed: (?P<name>.*)",
        "DELTA_NOT_NULL_CONSTRAINT_VIOLATED",
        "23502",
        "NOT NULL constraint violated for column: {name}.",
    ),
    Row(
        duckdb.Error,
        r"(?i).*division by zero",
        "DIVIDE_BY_ZERO",
        "22012",
        "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.",
    ),
    Row(
        duckdb.Error,
        r'Could not parse string "(?P<text>.*?)" according to format specifier',
        "CANNOT_PARSE_TIMESTAMP",
        "22007",
        "Text '{text}' could not be parsed. Use `try_to_timestamp` to tolerate invalid input "
        "string and return NULL instead.",
    ),
    Row(
        duckdb.Error,
        r"Pattern has (?P<count>\d+) groups. Cannot access group (?P<index>\d+)",
        "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
        "22023",
        "The value of parameter(s) `idx` is invalid: Expects group index between 0 and "
        "{count}, but got {index}.",
    ),
    Row(
        duckdb.Error,
        r"Map keys must be unique",
        "DUPLICATED_MAP_KEY",
        "23505",
        "A duplicate map key was found, please check the input data.",
    ),
    Row(duckdb.OutOfRangeException, r"(?P<detail>.*)", "ARITHMETIC_OVERFLOW", "22003", "{detail}"),
    Row(duckdb.BinderException, r"(?P<detail>.*)", "DATATYPE_MISMATCH", "42K09", "{detail}"),
]


_RAISED = re.compile(
    r"\[(?P<error_class>[A-Z][A-Z0-9_.]*)\] (?P<message>.*) SQLSTATE: (?P<sqlstate>[0-9A-Z]{5})",
    re.DOTALL,
)


def to_sql_error(error: BaseException) -> SqlError:
    """The SqlError a Databricks user would see for ``error`` (INTERNAL_ERROR if unknown)."""
    if isinstance(error, SqlError):
        return error
    if isinstance(error, sqlglot.errors.ParseError):
        return _parse_error(error)
    error = _as_duckdb_error(error)
    text = _strip_prefix(str(error)).split("\n\n")[0]  # DuckDB appends "LINE 1: ..." context
    raised = _RAISED.fullmatch(text) if isinstance(error, duckdb.InvalidInputException) else None
    if raised:  # error('[CLASS] ... SQLSTATE: s') from a semantics rule (see templates)
        return SqlError(raised["error_class"], raised["sqlstate"], raised["message"])
    for row in ERROR_MAP:
        match = re.search(row.pattern, text, re.DOTALL) if isinstance(error, row.kind) else None
        if match:
            fields = {k: _databricks_names(v or "") for k, v in match.groupdict().items()}
            return SqlError(row.error_class, row.sqlstate, row.template.format(**fields))
    return SqlError("INTERNAL_ERROR", "XX000", _databricks_names(text))


# DuckDB's message categories, for errors that reach us through an Arrow stream as a plain
# OSError/ArrowException (a failure while a lazy result is being read).
_CATEGORIES: dict[str, type[duckdb.Error]] = {
    "Conversion Error": duckdb.ConversionException,
    "Out of Range Error": duckdb.OutOfRangeException,
    "Invalid Input Error": duckdb.InvalidInputException,
    "Constraint Error": duckdb.ConstraintException,
    "INTERRUPT Error": duckdb.InterruptException,
    "Binder Error": duckdb.BinderException,
    "Catalog Error": duckdb.CatalogException,
}


def _as_duckdb_error(error: BaseException) -> BaseException:
    if isinstance(error, duckdb.Error) or not isinstance(error, OSError | pa.ArrowException):
        return error
    category = str(error).partition(":")[0]
    kind = _CATEGORIES.get(category)
    return kind(str(error)) if kind else error


def _parse_error(error: sqlglot.errors.ParseError) -> SqlError:
    first = error.errors[0] if error.errors else {}
    near = first.get("highlight") or ""
    where = f" at or near '{near}'" if near else ""
    position = f" (line {first.get('line')}, pos {first.get('col')})" if first else ""
    return SqlError("PARSE_SYNTAX_ERROR", "42601", f"Syntax error{where}.{position}")


def _strip_prefix(text: str) -> str:
    # DuckDB prefixes messages with its category ("Catalog Error: ").
    head, sep, rest = text.partition(": ")
    return rest if sep and head.endswith("Error") else text


def _databricks_names(text: str) -> str:
    """Replace DuckDB aliases of reserved catalogs (uc_main) with Databricks names (main)."""
    return re.sub(rf"\b{catalogs.PREFIX}(\w+)", lambda m: m.group(1), text)

"""Reads at a version: ``t VERSION AS OF n`` / ``TIMESTAMP AS OF ts`` and ``table_changes()``.

Both resolve to DuckDB SQL over the live table and its change log (see ``versions``). Errors are
Databricks': DELTA_VERSION_NOT_FOUND, DELTA_TIMESTAMP_GREATER_THAN_COMMIT, time travel on views
and non-Delta tables refused, DELTA_CDC_START_VERSION_AFTER_LATEST, DELTA_MISSING_CHANGE_DATA.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
from sqlglot import exp

from local_workspace.engine import catalogs, versions
from local_workspace.engine.catalogs import ident
from local_workspace.engine.errors import SqlError
from local_workspace.engine.versions import Name, Table, first


def table_of(cursor: duckdb.DuckDBPyConnection, name: Name, operation: str) -> Table:
    """A Delta table's metadata for ``operation``; views and non-Delta tables are refused."""
    table = versions.require(cursor, name)
    if table.table_type == "VIEW":
        raise (
            SqlError(
                "UNSUPPORTED_FEATURE.TIME_TRAVEL",
                "0A000",
                f"The feature is not supported: Time travel on the relation: {name.display}.",
            )
            if operation == "time travel"
            else SqlError(
                "EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE",
                "42809",
                f"'{operation}' expects a table but {name.display} is a view.",
            )
        )
    if not table.versioned:
        if operation == "time travel":
            raise SqlError(
                "UNSUPPORTED_FEATURE.TIME_TRAVEL",
                "0A000",
                f"The feature is not supported: Time travel on the relation: {name.display}.",
            )
        raise SqlError(
            "DELTA_TABLE_ONLY_OPERATION",
            "0AKDD",
            f"{name.display} is not a Delta table. {operation} is only supported for Delta tables.",
        )
    return table


def snapshot(cursor, name: Name, version: exp.Version) -> str | None:
    """DuckDB SQL for ``name`` at the version node's version (None: read the live table)."""
    table = table_of(cursor, name, "time travel")
    kind = str(version.this).upper()
    value = evaluate(cursor, version.expression, "TIMESTAMPTZ" if kind == "TIMESTAMP" else None)
    if kind == "TIMESTAMP":
        number = versions.version_at(cursor, table, value)
    else:
        number = _integer(value, "VERSION AS OF")
    return versions.snapshot_sql(cursor, table, number)


def evaluate(cursor, node: exp.Expression, cast: str | None = None):
    """The value of a constant expression (already translated to DuckDB)."""
    sql = node.sql("duckdb")
    if cast:
        sql = f"CAST({sql} AS {cast})"
    return first(cursor.execute(f"SELECT {sql}"))[0]


def _integer(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SqlError("INVALID_TIME_TRAVEL_SPEC", "42K0E", f"{what} needs an integer version.")
    try:
        return int(value)
    except ValueError:
        raise SqlError(
            "INVALID_TIME_TRAVEL_SPEC", "42K0E", f"{what} needs an integer version, got {value!r}."
        ) from None


def changes(cursor, name: Name, start: exp.Expression, end: exp.Expression | None) -> str:
    """DuckDB SQL for ``table_changes(name, start[, end])``."""
    table = table_of(cursor, name, "table_changes")
    first = _bound(cursor, table, start, is_start=True)
    last = table.latest if end is None else _bound(cursor, table, end, is_start=False)
    if first > table.latest:
        raise SqlError(
            "DELTA_CDC_START_VERSION_AFTER_LATEST",
            "22003",
            f"Provided Start version({first}) for reading change data is invalid. Start version "
            f"cannot be greater than the latest version of the table({table.latest}).",
        )
    last = min(last, table.latest)
    if last < first:
        raise SqlError(
            "DELTA_INVALID_CDC_RANGE",
            "22003",
            f"CDC range from start {first} to end {last} was invalid. End cannot be before start.",
        )
    if first < table.retained_from:
        raise versions.version_not_found(table, first)
    _require_cdf(cursor, table, first, last)
    data = ", ".join(ident(c) for c, _ in table.columns)
    extra = ", ".join(ident(c) for c in versions.CHANGE_COLUMNS)
    return (
        f"SELECT {data}, {extra} FROM {table.changes}"
        f" WHERE _commit_version BETWEEN {first} AND {last}"
    )


def _bound(cursor, table: Table, node: exp.Expression, is_start: bool) -> int:
    if isinstance(node, exp.Literal) and not node.is_string:
        return _integer(node.name, "table_changes")
    value = evaluate(cursor, node)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    stamp = evaluate(cursor, node, "TIMESTAMPTZ")
    return _version_for(cursor, table, stamp, is_start)


def _version_for(cursor, table: Table, stamp: datetime, is_start: bool) -> int:
    entries = versions.history(cursor, table)
    if is_start:
        later = [e.version for e in entries if e.timestamp >= stamp]
        if not later:
            versions.version_at(cursor, table, stamp)  # raises: after the latest commit
        return min(later)
    return versions.version_at(cursor, table, stamp)


def _require_cdf(cursor, table: Table, first: int, last: int) -> None:
    for entry in versions.history(cursor, table):
        if first <= entry.version <= last and not entry.cdf:
            raise SqlError(
                "DELTA_MISSING_CHANGE_DATA",
                "KD002",
                f"Error getting change data for range [{first} , {last}] as change data was not "
                f"recorded for version [{entry.version}]. If you've enabled change data feed on "
                "this table, use `DESCRIBE HISTORY` to see when it was first enabled. Otherwise, "
                "to start recording change data, use `ALTER TABLE table_name SET TBLPROPERTIES "
                f"({versions.CDF_KEY}=true)`.",
            )


def name_of(table: exp.Table, catalog: str, schema: str) -> Name:
    """The Name of a translated table node (catalog already a DuckDB alias if present)."""
    alias = table.catalog or catalogs.to_duckdb(catalog)
    return Name(alias, (table.db or schema).lower(), table.name.lower())


def parse_name(text: str, catalog: str, schema: str) -> Name:
    """A table name given as a string (table_changes('c.s.t', ...)), in Databricks spelling."""
    node = exp.to_table(text, dialect="databricks")
    return Name(
        catalogs.to_duckdb(node.catalog or catalog),
        (node.db or schema).lower(),
        node.name.lower(),
    )

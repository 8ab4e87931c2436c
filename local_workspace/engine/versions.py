"""Delta-style table versions: commits, history, change rows and the reconstruction of old versions.

Design (why a change log, not snapshot copies or row-versioned tables):

* The live table stays a plain DuckDB table. ``SELECT`` of the latest version, which is what
  the connector pins on every sync (``VERSION AS OF <latest>``), reads it directly: no hidden
  columns, no filter, no per-row cost (DuckDB's ~2 GB/s Arrow export is untouched).
* Every write is a *commit*: a row in the catalog's ``main.__uc_history`` (version, timestamp,
  operation, parameters, metrics, the column list and whether Change Data Feed was on), and the
  rows it removed and added, appended to the table's change log ``main.__uc_changes_<id>``
  (the table's columns + ``_change_type``, ``_commit_version``, ``_commit_timestamp``) in the
  same DuckDB transaction as the write itself (one catalog file, so one write transaction).
* An older version ``v`` is rebuilt as a multiset: ``(live + removed after v) - added after v``
  (``UNION ALL`` / ``EXCEPT ALL``); exact for duplicates, cost proportional to the table plus
  the changes since ``v``, paid only by reads of old versions.
* The same change log *is* the Change Data Feed: ``table_changes`` selects from it, and the
  per-commit CDF flag decides whether a range may be read (Databricks' DELTA_MISSING_CHANGE_DATA).
* Snapshot copies would cost a full copy per commit (a 1-row UPDATE of a 10M-row table copies
  10M rows); row-versioned storage (``_valid_from/_valid_to``) would add a filter to every read
  and hidden columns to hide from ``SELECT *``, DESCRIBE and information_schema.

Retention: ``VACUUM t RETAIN n HOURS`` forgets the versions committed before ``now - n hours``
(always keeping the latest): their history rows and the change rows only they needed go, and
time travel to them fails with DELTA_VERSION_NOT_FOUND, as after Delta's log clean-up.
Limitations: CREATE OR REPLACE starts a new history segment (older versions are no longer
retained); an UPDATE that leaves a row unchanged records no change rows for it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb

from local_workspace.engine import catalogs
from local_workspace.engine.catalogs import ident, qualified
from local_workspace.engine.errors import SqlError

TABLES = "__uc_tables"
HISTORY = "__uc_history"
CHANGES_PREFIX = "__uc_changes_"
CDF_KEY = "delta.enableChangeDataFeed"
CHANGE_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")
# Table types whose data is a Delta table with history (the others refuse time travel and CDF).
VERSIONED_TYPES = frozenset({"MANAGED", "EXTERNAL"})
USER = "local-workspace-user"

_DDL = (
    f"CREATE TABLE IF NOT EXISTS {{schema}}.{ident(TABLES)} (schema_name VARCHAR,"
    " table_name VARCHAR, table_id VARCHAR, table_type VARCHAR, location VARCHAR,"
    " properties VARCHAR, retained_from BIGINT, created TIMESTAMPTZ)",
    f"CREATE TABLE IF NOT EXISTS {{schema}}.{ident(HISTORY)} (table_id VARCHAR, version BIGINT,"
    ' "timestamp" TIMESTAMPTZ, operation VARCHAR, parameters VARCHAR, metrics VARCHAR,'
    " columns VARCHAR, cdf BOOLEAN, read_version BIGINT, blind_append BOOLEAN)",
)


def first(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of an executed statement, reading it to the end (DuckDB 2.0 refuses new
    work on a cursor whose result is unfinished)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def create_metadata_tables(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Create the version metadata tables in a catalog file (idempotent)."""
    schema = qualified(alias, catalogs.META_SCHEMA)
    for statement in _DDL:
        con.execute(statement.format(schema=schema))


@dataclass(frozen=True)
class Name:
    """A table by DuckDB alias of its catalog, schema and name (all lowercase)."""

    alias: str
    schema: str
    table: str

    @property
    def sql(self) -> str:
        return qualified(self.alias, self.schema, self.table)

    @property
    def display(self) -> str:
        return f"`{catalogs.from_duckdb(self.alias)}`.`{self.schema}`.`{self.table}`"


@dataclass
class Table:
    """A registered table's metadata and its latest commit."""

    name: Name
    table_id: str
    table_type: str
    location: str | None
    properties: dict[str, str]
    retained_from: int
    latest: int = -1
    latest_timestamp: datetime | None = None
    columns: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changes(self) -> str:
        return qualified(self.name.alias, catalogs.META_SCHEMA, CHANGES_PREFIX + self.table_id)

    @property
    def cdf(self) -> bool:
        return is_true(self.properties.get(CDF_KEY))

    @property
    def versioned(self) -> bool:
        return self.table_type in VERSIONED_TYPES


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _meta(alias: str, table: str) -> str:
    return qualified(alias, catalogs.META_SCHEMA, table)


def kind_of(cursor: duckdb.DuckDBPyConnection, name: Name) -> str | None:
    """'TABLE', 'VIEW' or None: what DuckDB holds under ``name``."""
    row = first(
        cursor.execute(
            "SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?"
            " AND table_name = ? UNION ALL SELECT 'VIEW' FROM duckdb_views()"
            " WHERE database_name = ? AND schema_name = ? AND view_name = ?",
            [name.alias, name.schema, name.table] * 2,
        )
    )
    return row[0] if row else None


def columns_of(cursor: duckdb.DuckDBPyConnection, name: Name) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a table, in order (bound, not executed: cheap)."""
    relation = cursor.sql(f"SELECT * FROM {name.sql}")
    return [(c, str(t)) for c, t in zip(relation.columns, relation.types, strict=True)]


def load(cursor: duckdb.DuckDBPyConnection, name: Name) -> Table | None:
    """The registered metadata of ``name`` (None if the engine never registered it)."""
    row = first(
        cursor.execute(
            f"SELECT table_id, table_type, location, properties, retained_from"
            f" FROM {_meta(name.alias, TABLES)} WHERE schema_name = ? AND table_name = ?",
            [name.schema, name.table],
        )
    )
    if row is None:
        return None
    table = Table(name, row[0], row[1], row[2], json.loads(row[3] or "{}"), int(row[4]))
    latest = first(
        cursor.execute(
            f"SELECT version, timestamp FROM {_meta(name.alias, HISTORY)} WHERE table_id = ?"
            " ORDER BY version DESC LIMIT 1",
            [table.table_id],
        )
    )
    if latest:
        table.latest, table.latest_timestamp = int(latest[0]), latest[1]
    table.columns = columns_of(cursor, name)
    return table


def require(cursor: duckdb.DuckDBPyConnection, name: Name) -> Table:
    """The table's metadata, registering a table created before versions existed (version 0)."""
    table = load(cursor, name)
    if table is not None:
        return table
    kind = kind_of(cursor, name)
    if kind is None:
        raise SqlError(
            "TABLE_OR_VIEW_NOT_FOUND",
            "42P01",
            f"The table or view {name.display} cannot be found. Verify the spelling and "
            "correctness of the schema and catalog.",
        )
    if kind == "VIEW":
        return Table(name, "", "VIEW", None, {}, 0)
    return register(cursor, name, "CREATE TABLE", {}, properties={})


def register(
    cursor: duckdb.DuckDBPyConnection,
    name: Name,
    operation: str,
    parameters: dict[str, str],
    *,
    properties: dict[str, str],
    table_type: str = "MANAGED",
    location: str | None = None,
    first_version: int = 0,
) -> Table:
    """Record a newly created table and its first commit (version ``first_version``)."""
    previous = forget(cursor, name, keep_history=first_version > 0)
    table_id = previous if previous and first_version > 0 else uuid.uuid4().hex
    cursor.execute(
        f"INSERT INTO {_meta(name.alias, TABLES)} VALUES (?, ?, ?, ?, ?, ?, ?, now())",
        [
            name.schema,
            name.table,
            table_id,
            table_type,
            location,
            json.dumps(properties),
            first_version,
        ],
    )
    table = Table(name, table_id, table_type, location, dict(properties), first_version)
    table.columns = columns_of(cursor, name)
    if table.versioned:
        _create_changes(cursor, table)
    commit(cursor, table, operation, parameters, version=first_version)
    return table


def _create_changes(cursor: duckdb.DuckDBPyConnection, table: Table) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {table.changes}")
    cursor.execute(
        f"CREATE TABLE {table.changes} AS SELECT *, NULL::VARCHAR AS _change_type,"
        f" NULL::BIGINT AS _commit_version, NULL::TIMESTAMPTZ AS _commit_timestamp"
        f" FROM {table.name.sql} LIMIT 0"
    )


@dataclass(frozen=True)
class Commit:
    version: int
    timestamp: datetime


def next_commit(table: Table) -> Commit:
    """The version and timestamp the next write to ``table`` will have (timestamps increase)."""
    now = datetime.now(UTC).replace(microsecond=datetime.now(UTC).microsecond // 1000 * 1000)
    last = table.latest_timestamp
    if last is not None and now <= last:
        now = last + timedelta(milliseconds=1)
    return Commit(table.latest + 1, now)


def commit(
    cursor: duckdb.DuckDBPyConnection,
    table: Table,
    operation: str,
    parameters: dict[str, str],
    metrics: dict[str, str] | None = None,
    *,
    version: int | None = None,
    at: Commit | None = None,
    blind_append: bool = False,
) -> Commit:
    """Append a history row for ``table`` (its current columns and properties)."""
    at = at or next_commit(table)
    if version is not None:
        at = Commit(version, at.timestamp)
    cursor.execute(
        f"INSERT INTO {_meta(table.name.alias, HISTORY)} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            table.table_id,
            at.version,
            at.timestamp,
            operation,
            json.dumps(parameters),
            json.dumps(metrics or {}),
            json.dumps(columns_of(cursor, table.name)),
            table.cdf,
            at.version - 1 if at.version > 0 else None,
            blind_append,
        ],
    )
    table.latest, table.latest_timestamp = at.version, at.timestamp
    return at


def record_changes(
    cursor: duckdb.DuckDBPyConnection, table: Table, at: Commit, change_type: str, source: str
) -> None:
    """Append the rows of ``source`` (a relation with the table's columns) as change rows."""
    columns = ", ".join(ident(c) for c, _ in columns_of(cursor, table.name))
    cursor.execute(
        f"INSERT INTO {table.changes} SELECT {columns}, ?, ?, ? FROM {source}",
        [change_type, at.version, at.timestamp],
    )


def set_properties(cursor: duckdb.DuckDBPyConnection, table: Table, values: dict[str, str]):
    table.properties.update(values)
    _save_properties(cursor, table)


def unset_properties(cursor: duckdb.DuckDBPyConnection, table: Table, keys: list[str]) -> None:
    for key in keys:
        table.properties.pop(key, None)
    _save_properties(cursor, table)


def _save_properties(cursor: duckdb.DuckDBPyConnection, table: Table) -> None:
    cursor.execute(
        f"UPDATE {_meta(table.name.alias, TABLES)} SET properties = ? WHERE table_id = ?",
        [json.dumps(table.properties), table.table_id],
    )


def add_columns(cursor: duckdb.DuckDBPyConnection, table: Table, columns: list[str]) -> None:
    """Mirror ``ALTER TABLE ADD COLUMN`` definitions (DuckDB SQL) on the change log."""
    for definition in columns:
        cursor.execute(f"ALTER TABLE {table.changes} ADD COLUMN {definition}")
    # Keep the change log's own columns last (data columns, then _change_type, ...).
    data = ", ".join(ident(c) for c, _ in columns_of(cursor, table.name))
    extra = ", ".join(ident(c) for c in CHANGE_COLUMNS)
    cursor.execute(
        f"CREATE OR REPLACE TABLE {table.changes} AS SELECT {data}, {extra} FROM {table.changes}"
    )


def forget(cursor: duckdb.DuckDBPyConnection, name: Name, keep_history: bool = False) -> str | None:
    """Drop what is recorded about ``name`` (after DROP TABLE, before a re-create); returns
    the table id it had."""
    row = first(
        cursor.execute(
            f"SELECT table_id FROM {_meta(name.alias, TABLES)} WHERE schema_name = ?"
            " AND table_name = ?",
            [name.schema, name.table],
        )
    )
    if row is None:
        return None
    changes = qualified(name.alias, catalogs.META_SCHEMA, CHANGES_PREFIX + row[0])
    cursor.execute(f"DROP TABLE IF EXISTS {changes}")
    cursor.execute(f"DELETE FROM {_meta(name.alias, TABLES)} WHERE table_id = ?", [row[0]])
    if not keep_history:
        cursor.execute(f"DELETE FROM {_meta(name.alias, HISTORY)} WHERE table_id = ?", [row[0]])
    return row[0]


def forget_schema(cursor: duckdb.DuckDBPyConnection, alias: str, schema: str) -> None:
    names = cursor.execute(
        f"SELECT table_name FROM {_meta(alias, TABLES)} WHERE schema_name = ?", [schema]
    ).fetchall()
    for (table,) in names:
        forget(cursor, Name(alias, schema, table))


def rename(cursor: duckdb.DuckDBPyConnection, old: Name, new: Name) -> None:
    cursor.execute(
        f"UPDATE {_meta(old.alias, TABLES)} SET schema_name = ?, table_name = ?"
        " WHERE schema_name = ? AND table_name = ?",
        [new.schema, new.table, old.schema, old.table],
    )


# -- reading history ------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    version: int
    timestamp: datetime
    operation: str
    parameters: dict[str, str]
    metrics: dict[str, str]
    columns: list[tuple[str, str]]
    cdf: bool
    read_version: int | None
    blind_append: bool


def history(
    cursor: duckdb.DuckDBPyConnection, table: Table, limit: int | None = None
) -> list[Version]:
    """Commits of ``table`` still in its history, newest first (after CREATE OR REPLACE the
    older ones are listed but no longer readable)."""
    sql = (
        "SELECT version, timestamp, operation, parameters, metrics, columns, cdf, read_version,"
        f" blind_append FROM {_meta(table.name.alias, HISTORY)} WHERE table_id = ?"
        " ORDER BY version DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = cursor.execute(sql, [table.table_id]).fetchall()
    return [
        Version(
            int(r[0]),
            r[1],
            r[2],
            json.loads(r[3]),
            json.loads(r[4]),
            [tuple(c) for c in json.loads(r[5])],
            bool(r[6]),
            r[7],
            bool(r[8]),
        )
        for r in rows
    ]


def version_not_found(table: Table, version: int) -> SqlError:
    return SqlError(
        "DELTA_VERSION_NOT_FOUND",
        "22003",
        f"Cannot time travel Delta table to version {version}. Available versions: "
        f"[{table.retained_from}, {table.latest}].",
    )


def version_at(cursor, table: Table, timestamp: datetime) -> int:
    """The latest version committed at or before ``timestamp`` (Databricks' TIMESTAMP AS OF)."""
    versions = history(cursor, table)
    if not versions:
        raise version_not_found(table, 0)
    newest, oldest = versions[0], versions[-1]
    if timestamp > newest.timestamp:
        raise SqlError(
            "DELTA_TIMESTAMP_GREATER_THAN_COMMIT",
            "42816",
            f"The provided timestamp ({_ts(timestamp)}) is after the latest version available "
            f"to this table ({_ts(newest.timestamp)}). Please use a timestamp before or at "
            f"{_ts(newest.timestamp)}.",
        )
    for entry in versions:
        if entry.timestamp <= timestamp:
            return entry.version
    raise SqlError(
        "DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION",
        "42816",
        f"The provided timestamp ({_ts(timestamp)}) is before the earliest version available "
        f"to this table ({_ts(oldest.timestamp)}). Please use a timestamp after "
        f"{_ts(oldest.timestamp)}.",
    )


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def snapshot_sql(cursor, table: Table, version: int) -> str | None:
    """DuckDB SQL of ``table`` as of ``version`` (None: the live table is that version)."""
    if version == table.latest:
        return None
    if version < table.retained_from or version > table.latest:
        raise version_not_found(table, version)
    current = ", ".join(ident(c) for c, _ in table.columns)
    then = _columns_at(cursor, table, version)
    removed = "('delete', 'update_preimage')"
    added = "('insert', 'update_postimage')"
    later = f"_commit_version > {int(version)}"
    rebuilt = (
        f"(SELECT {current} FROM {table.name.sql} UNION ALL SELECT {current} FROM"
        f" {table.changes} WHERE {later} AND _change_type IN {removed}) EXCEPT ALL"
        f" SELECT {current} FROM {table.changes} WHERE {later} AND _change_type IN {added}"
    )
    return f"SELECT {', '.join(ident(c) for c, _ in then)} FROM ({rebuilt})"


def _columns_at(cursor, table: Table, version: int) -> list[tuple[str, str]]:
    row = first(
        cursor.execute(
            f"SELECT columns FROM {_meta(table.name.alias, HISTORY)} WHERE table_id = ?"
            " AND version <= ? ORDER BY version DESC LIMIT 1",
            [table.table_id, version],
        )
    )
    return [tuple(c) for c in json.loads(row[0])] if row else table.columns


def vacuum(cursor, table: Table, retain_hours: float) -> None:
    """Forget versions committed before now - ``retain_hours`` (never the latest)."""
    cutoff = datetime.now(UTC) - timedelta(hours=retain_hours)
    row = first(
        cursor.execute(
            f"SELECT min(version) FROM {_meta(table.name.alias, HISTORY)} WHERE table_id = ?"
            " AND (timestamp >= ? OR version = ?)",
            [table.table_id, cutoff, table.latest],
        )
    )
    keep = int(row[0]) if row and row[0] is not None else table.latest
    if keep <= table.retained_from:
        return
    cursor.execute(f"DELETE FROM {table.changes} WHERE _commit_version <= ?", [keep])
    cursor.execute(
        f"DELETE FROM {_meta(table.name.alias, HISTORY)} WHERE table_id = ? AND version < ?",
        [table.table_id, keep],
    )
    cursor.execute(
        f"UPDATE {_meta(table.name.alias, TABLES)} SET retained_from = ? WHERE table_id = ?",
        [keep, table.table_id],
    )
    table.retained_from = keep

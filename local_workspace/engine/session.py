"""EngineSession: one SQL session with its namespace, time zone and cursors.

A session owns one *state* cursor (USE, SET, DDL, DML run there) and opens a fresh cursor per
query result: DuckDB refuses a new statement on a cursor whose result is still being read, and
Databricks lets a session keep several results open while it runs more statements.
"""

from __future__ import annotations

import logging
import threading
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from local_workspace.engine import catalogs, information_schema, router, statements, time_travel
from local_workspace.engine.dialect import DIALECT
from local_workspace.engine.error_map import to_sql_error
from local_workspace.engine.errors import SqlError
from local_workspace.engine.parameters import name_positional_markers
from local_workspace.engine.result import Parameter, StatementResult
from local_workspace.engine.results import empty_result
from local_workspace.engine.translate import Context

if TYPE_CHECKING:
    from local_workspace.engine.catalogs import Catalogs
    from local_workspace.engine.engine import Engine

DEFAULT_TIME_ZONE = "Etc/UTC"
# sqlglot logs a warning for every statement it keeps as a Command (CREATE CATALOG, SET TIME
# ZONE); those are handled on purpose here, so the warnings are noise in the server's log.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
TIME_ZONE_CONF = "spark.sql.session.timeZone"


class EngineSession:
    """A Databricks SQL session; one statement at a time, ``cancel`` from any thread."""

    def __init__(
        self, engine: Engine, catalog: str | None, schema: str | None, conf: dict[str, str]
    ) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._live: set[duckdb.DuckDBPyConnection] = set()
        self._names = count()
        self.conf = dict(conf)
        self.temp_views: dict[str, exp.Expression] = {}
        self._arrow_views: dict[str, pa.Table] = {}
        self.cursor = engine.connection.cursor()
        self.catalog, self.schema = catalogs.DEFAULT_CATALOG, catalogs.DEFAULT_SCHEMA
        self.time_zone = DEFAULT_TIME_ZONE
        self.set_time_zone(conf.get(TIME_ZONE_CONF, DEFAULT_TIME_ZONE))
        self.use(catalog or catalogs.DEFAULT_CATALOG, schema or catalogs.DEFAULT_SCHEMA)

    def execute(self, sql: str, parameters: Sequence[Parameter] = ()) -> StatementResult:
        """Run Databricks SQL (one or more statements; the last one's result is returned).

        Raises SqlError with Databricks' error class for every failure.
        """
        try:
            result = empty_result()
            if any(p.name is None for p in parameters):
                sql = name_positional_markers(sql)
            for text in router.split(sql):
                routed = router.route(self, text, parameters)
                result = routed if routed is not None else self._run_parsed(text, parameters)
            return result
        except Exception as error:
            raise to_sql_error(error) from error

    def _run_parsed(self, text: str, parameters: Sequence[Parameter]) -> StatementResult:
        result = empty_result()
        for tree in _parse(text):
            result = statements.run(self, tree, parameters)
        return result

    def conf_value(self, key: str) -> str | None:
        """A session conf value by case-insensitive key."""
        lowered = key.lower()
        return next((v for k, v in self.conf.items() if k.lower() == lowered), None)

    # -- temp views (session-scoped, visible to every later statement of the session) --------

    def create_temp_view(
        self, name: str, body: exp.Expression | pa.Table, replace: bool = False
    ) -> None:
        """Define a temp view: a translated DuckDB query, or Arrow data (Python contexts)."""
        key = name.lower()
        if key in self.temp_views and not replace:
            raise SqlError(
                "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS",
                "42P07",
                f"Cannot create the temporary view `{name}` because it already exists.",
            )
        if isinstance(body, pa.Table):
            body = self._arrow_view(key, body)
        self.temp_views[key] = body

    def drop_temp_view(self, name: str) -> bool:
        """Forget a temp view; False if there was none."""
        return self.temp_views.pop(name.lower(), None) is not None

    def _arrow_view(self, key: str, data: pa.Table) -> exp.Expression:
        hidden = f"__uc_temp_view_{id(self)}_{key}"
        self._arrow_views[hidden] = data
        return exp.select("*").from_(exp.to_identifier(hidden, quoted=True))

    @contextmanager
    def write_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The state cursor inside one write transaction, writes serialised engine-wide."""
        with self._engine.write_lock:
            self.cursor.execute("BEGIN TRANSACTION")
            try:
                yield self.cursor
            except BaseException:
                self.cursor.execute("ROLLBACK")
                raise
            self.cursor.execute("COMMIT")

    def cancel(self) -> None:
        """Interrupt whatever this session is running (called from another thread)."""
        with self._lock:
            cursors = [self.cursor, *self._live]
        for cursor in cursors:
            cursor.interrupt()

    def close(self) -> None:
        """Close the session's cursors, including any result still being read."""
        with self._lock:
            cursors, self._live = [*self._live, self.cursor], set()
        for cursor in cursors:
            cursor.close()
        self.temp_views.clear()
        self._arrow_views.clear()
        self._engine.forget(self)

    # -- used by statement handlers -------------------------------------------------------

    @property
    def catalogs(self) -> Catalogs:
        """The engine's catalogs (shared by all sessions)."""
        return self._engine.catalogs

    def use(self, catalog: str, schema: str) -> None:
        """Switch the namespace; NO_SUCH_CATALOG_EXCEPTION / SCHEMA_NOT_FOUND if missing."""
        alias = self._engine.catalogs.require(catalog)
        if not _schema_exists(self.cursor, alias, schema):
            raise SqlError(
                "SCHEMA_NOT_FOUND", "42704", f"The schema `{catalog}`.`{schema}` cannot be found."
            )
        self.cursor.execute(f"USE {catalogs.qualified(alias, schema.lower())}")
        self.catalog, self.schema = catalog.lower(), schema.lower()

    def set_time_zone(self, name: str) -> None:
        """Set the session time zone (TIMESTAMP literals, results); INVALID_CONF_VALUE if bad."""
        try:
            zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise SqlError(
                "INVALID_CONF_VALUE.TIME_ZONE",
                "22022",
                f"The value '{name}' in the config \"{TIME_ZONE_CONF}\" is invalid. Cannot "
                "resolve the given timezone.",
            ) from None
        _apply_time_zone(self.cursor, name)
        self.time_zone = name

    def context(self, parameters: Sequence[Parameter], cursor) -> Context:
        """The translation context for a statement that will run on ``cursor``."""

        def register(catalog: str, view: str) -> str:
            return self._register_information_schema(cursor, catalog, view)

        def snapshot(table: exp.Table) -> str | None:
            name = time_travel.name_of(table, self.catalog, self.schema)
            return time_travel.snapshot(cursor, name, table.args["version"])

        def changes(table: exp.Table) -> str:
            args = table.this.expressions
            if len(args) not in (2, 3) or not isinstance(args[0], exp.Literal):
                raise SqlError(
                    "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                    "42605",
                    "The `table_changes` requires 2 or 3 parameters but the actual number is "
                    f"{len(args)}.",
                )
            name = time_travel.parse_name(args[0].name, self.catalog, self.schema)
            return time_travel.changes(cursor, name, args[1], args[2] if len(args) > 2 else None)

        for hidden, data in self._arrow_views.items():
            cursor.register(hidden, data)
        return Context(
            self.catalog,
            self.schema,
            parameters,
            register,
            temp_view=self.temp_views.get,
            snapshot=snapshot,
            changes=changes,
        )

    def query_cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor in this session's namespace and time zone, for one lazy result."""
        cursor = self._engine.connection.cursor()
        _apply_time_zone(cursor, self.time_zone)
        cursor.execute(f"USE {catalogs.qualified(catalogs.to_duckdb(self.catalog), self.schema)}")
        with self._lock:
            self._live.add(cursor)
        return cursor

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._live.discard(cursor)
        cursor.close()

    def _register_information_schema(self, cursor, catalog: str, view: str) -> str:
        if catalog.lower() == catalogs.SYSTEM_CATALOG:
            names = [n for n in self._engine.catalogs.names() if n != catalogs.HIVE_METASTORE]
        elif catalog.lower() == catalogs.HIVE_METASTORE:
            raise SqlError(
                "TABLE_OR_VIEW_NOT_FOUND",
                "42P01",
                f"The table or view `{catalogs.HIVE_METASTORE}`.`information_schema`.`{view}` "
                "cannot be found. Verify the spelling and correctness of the schema and catalog.",
            )
        else:
            self._engine.catalogs.require(catalog)
            names = [catalog.lower()]
        aliases = [catalogs.to_duckdb(n) for n in names]
        name = f"__uc_information_schema_{next(self._names)}"
        cursor.register(name, information_schema.build(cursor, view, aliases))
        return name


def _parse(sql: str) -> list[exp.Expression]:
    return [tree for tree in sqlglot.parse(sql, read=DIALECT) if tree is not None]


def _apply_time_zone(cursor: duckdb.DuckDBPyConnection, name: str) -> None:
    cursor.execute(f"SET TimeZone = {exp.Literal.string(name).sql('duckdb')}")


def _schema_exists(cursor: duckdb.DuckDBPyConnection, alias: str, schema: str) -> bool:
    row = cursor.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?"
        " AND schema_name <> 'main'",
        [alias, schema.lower()],
    ).fetchone()
    return bool(row and row[0])

"""One execution context's SQL session: the engine session plus its temporary views.

Both the context's SQL commands and its Python ``spark`` object go through this object, so a
temporary view or ``USE`` made by one is seen by the other, as in one Spark session.
"""

from __future__ import annotations

import threading

import pyarrow as pa
import sqlglot
from sqlglot import exp

from local_workspace.contexts.temp_views import TempViews, dropped_view, temp_view_definition
from local_workspace.engine import EngineSession, SqlError, StatementResult
from local_workspace.engine.results import empty_result

SAVE_MODES = ("append", "overwrite", "error", "errorifexists", "ignore")


class ContextSession:
    """SQL for one context; statements run one at a time, ``cancel`` from any thread."""

    def __init__(self, engine_session: EngineSession) -> None:
        self.engine_session = engine_session
        self.views = TempViews()
        self._lock = threading.Lock()

    def execute(self, sql: str) -> StatementResult:
        """Run one or more statements; the last one's result. Raises SqlError."""
        trees = _parse(sql)
        with self._lock:
            if not self.views and not any(map(_is_view_statement, trees)):
                return self.engine_session.execute(sql)  # nothing to rewrite: the text as is
            result = empty_result()
            for tree in trees:
                result = self._run(tree)
            return result

    def describe(self, sql: str) -> tuple[bool, pa.Schema | pa.Table]:
        """For ``spark.sql``: (True, schema) of a query, which stays lazy (as in Spark), or
        (False, rows) of a command, which runs now."""
        trees = _parse(sql)
        if len(trees) == 1 and isinstance(trees[0], exp.Query):
            probe = exp.select("*").from_(trees[0].subquery("q")).limit(0)
            result = self.execute(probe.sql(dialect="databricks"))
            return True, read_table(result).schema
        return False, read_table(self.execute(sql))

    def define_view(self, name: str, query: exp.Query, replace: bool) -> None:
        with self._lock:
            self.views.define(name, self.views.expand(query), replace)

    def save_as_table(self, name: str, mode: str, query: exp.Query) -> None:
        """``df.write.mode(mode).saveAsTable(name)`` for the rows of ``query``."""
        if mode not in SAVE_MODES:
            raise SqlError(
                "INVALID_SAVE_MODE", "42000", f"The specified save mode {mode} is invalid."
            )
        table = exp.to_table(name, dialect="databricks")
        for statement in _save_statements(table, mode, query, self._exists(table)):
            _drain(self.execute(statement.sql(dialect="databricks")))

    def cancel(self) -> None:
        self.engine_session.cancel()

    def close(self) -> None:
        self.engine_session.close()

    def _run(self, tree: exp.Expression) -> StatementResult:
        definition = temp_view_definition(tree)
        if definition is not None:
            name, query, replace = definition
            self.views.define(name, query, replace)
            return empty_result()
        dropped = dropped_view(tree)
        if dropped is not None and self.views.drop(dropped[0]):
            return empty_result()
        return self.engine_session.execute(self.views.expand(tree).sql(dialect="databricks"))

    def _exists(self, table: exp.Table) -> bool:
        probe = exp.select("1").from_(table.copy()).limit(0).sql(dialect="databricks")
        try:
            _drain(self.execute(probe))
        except SqlError:
            return False
        return True


def _save_statements(table: exp.Table, mode: str, query: exp.Query, exists: bool) -> list:
    if mode in ("error", "errorifexists") and exists:
        raise SqlError(
            "TABLE_OR_VIEW_ALREADY_EXISTS",
            "42P07",
            f"Cannot create table or view {table.sql('databricks')} because it already exists.",
        )
    if mode == "ignore" and exists:
        return []
    if mode == "append" and exists:
        return [exp.insert(query, table)]
    create = exp.Create(this=table, kind="TABLE", expression=query, replace=mode == "overwrite")
    return [create]


def _is_view_statement(tree: exp.Expression) -> bool:
    return temp_view_definition(tree) is not None or dropped_view(tree) is not None


def _parse(sql: str) -> list[exp.Expression]:
    try:
        return [t for t in sqlglot.parse(sql, read="databricks") if t is not None]
    except sqlglot.ParseError:
        return []  # the engine reports the syntax error in Databricks' words


def _drain(result: StatementResult) -> None:
    for _ in result.reader:
        pass


def read_table(result: StatementResult, limit: int | None = None) -> pa.Table:
    """The rows of ``result`` (the first ``limit`` if given), reading no further."""
    batches, rows = [], 0
    for batch in result.reader:
        if limit is not None and rows + batch.num_rows >= limit:
            batches.append(batch.slice(0, limit - rows))
            break
        batches.append(batch)
        rows += batch.num_rows
    return pa.Table.from_batches(batches, schema=result.schema)

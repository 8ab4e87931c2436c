"""A stand-in for the SQL engine (``local_workspace.engine`` contract) for Thrift-layer tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

import pyarrow as pa

from local_workspace.engine import Parameter, SqlError, StatementResult

Statement = Callable[[Sequence[Parameter]], StatementResult]


def range_result(rows: int, batch_rows: int = 10_000) -> StatementResult:
    """``SELECT id FROM range(rows)``, produced lazily in batches of ``batch_rows``."""
    schema = pa.schema([("id", pa.int64())])

    def batches() -> Iterator[pa.RecordBatch]:
        for start in range(0, rows, batch_rows):
            ids = pa.array(range(start, min(start + batch_rows, rows)), pa.int64())
            yield pa.RecordBatch.from_arrays([ids], schema=schema)

    return StatementResult(schema, pa.RecordBatchReader.from_batches(schema, batches()))


def table_result(table: pa.Table, num_modified_rows: int | None = None) -> StatementResult:
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    return StatementResult(table.schema, reader, num_modified_rows)


class FakeSession:
    def __init__(self, engine: FakeEngine, catalog, schema, conf) -> None:
        self.engine, self.namespace, self.conf = engine, (catalog, schema), conf
        self.closed = False
        self.cancelled = 0
        self.executed: list[tuple[str, list[Parameter]]] = []

    def execute(self, sql: str, parameters: Sequence[Parameter] = ()) -> StatementResult:
        self.executed.append((sql, list(parameters)))
        statement = self.engine.statements.get(sql)
        if statement is None:
            raise SqlError("PARSE_SYNTAX_ERROR", "42601", f"Syntax error at or near '{sql}'.")
        return statement(parameters)

    def cancel(self) -> None:
        self.cancelled += 1
        self.engine.interrupted.set()

    def close(self) -> None:
        self.closed = True


class FakeEngine:
    """Answers the statements registered in ``statements`` (SQL text → result factory)."""

    def __init__(self, statements: dict[str, Statement] | None = None) -> None:
        self.statements = dict(statements or {})
        self.sessions: list[FakeSession] = []
        self.interrupted = threading.Event()  # set by any session's cancel()

    def open_session(self, catalog=None, schema=None, conf=None) -> FakeSession:
        if catalog == "missing":
            raise SqlError("NO_SUCH_CATALOG_EXCEPTION", "42704", "Catalog 'missing' not found.")
        if catalog == "kp001":  # the SQLSTATE that makes the SQL client switch backends
            raise SqlError("SOME_ERROR", "KP001", "An error with an unlucky SQLSTATE.")
        session = FakeSession(self, catalog, schema, conf)
        self.sessions.append(session)
        return session

    def close(self) -> None:
        pass

"""Statements run on the local workspace through the real SQL client, to set up test tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from databricks import sql

from integration_tests.local_workspace_process import RunningWorkspace


class Tables:
    """Creates and changes test tables in main.sync_tests through the real SQL client."""

    def __init__(self, workspace: RunningWorkspace) -> None:
        self._connection = sql.connect(**workspace.sql_connect_kwargs())

    def run(self, statement: str, parameters: list[Any] | None = None) -> None:
        with self._connection.cursor() as cursor:
            cursor.execute(statement, parameters or [])

    def close(self) -> None:
        self._connection.close()


@contextmanager
def tables_in(workspace: RunningWorkspace, schema: str) -> Iterator[Tables]:
    """A Tables helper for a test module, with `main.<schema>` created."""
    tables = Tables(workspace)
    try:
        tables.run(f"CREATE SCHEMA IF NOT EXISTS main.{schema}")
        yield tables
    finally:
        tables.close()

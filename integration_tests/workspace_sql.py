"""Statements run on the local workspace through the real SQL client, to set up test tables."""

from __future__ import annotations

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

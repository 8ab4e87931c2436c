"""EngineSession: one SQL session (a DuckDB cursor) with its namespace and time zone."""

from __future__ import annotations

from collections.abc import Sequence

from local_workspace.engine.result import Parameter, StatementResult


class EngineSession:
    """A Databricks SQL session; usable from any thread, one statement at a time."""

    def execute(self, sql: str, parameters: Sequence[Parameter] = ()) -> StatementResult:
        """Run one Databricks SQL statement; raises SqlError."""
        raise NotImplementedError

    def cancel(self) -> None:
        """Interrupt the running statement (from another thread)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the cursor; later calls fail."""
        raise NotImplementedError

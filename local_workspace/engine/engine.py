"""Engine: owns the single DuckDB connection (DuckDB admits one process per file)."""

from __future__ import annotations

from pathlib import Path

from local_workspace.engine.session import EngineSession


class Engine:
    """The workspace's SQL engine over the data directory ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        raise NotImplementedError("engine v0 in progress")

    def open_session(
        self,
        catalog: str | None = None,
        schema: str | None = None,
        conf: dict[str, str] | None = None,
    ) -> EngineSession:
        """Open a SQL session (a DuckDB cursor) with an initial namespace (default main.default)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close every session and the connection."""
        raise NotImplementedError

"""Engine: owns the single DuckDB connection (DuckDB admits one process per file)."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from local_workspace.engine import macros
from local_workspace.engine.catalogs import Catalogs
from local_workspace.engine.session import EngineSession


class Engine:
    """The workspace's SQL engine over ``data_dir`` (catalog files live in data_dir/catalogs).

    Only one process may open a data dir; a second one gets a RuntimeError that says so.
    Sessions are DuckDB cursors on the one connection and may be used from different threads.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.connection = duckdb.connect(":memory:")
        macros.install(self.connection)
        self._sessions: set[EngineSession] = set()
        self._lock = threading.Lock()
        # DuckDB admits concurrent writers only optimistically; commits number table versions,
        # so writes are serialised (reads stay concurrent).
        self.write_lock = threading.RLock()
        try:
            self.catalogs = Catalogs(self.connection, self.data_dir / "catalogs")
        except duckdb.IOException as error:
            self.connection.close()
            raise RuntimeError(
                f"The data directory {self.data_dir} is in use by another process (is the "
                f"local workspace server running?): {error}"
            ) from error

    def open_session(
        self,
        catalog: str | None = None,
        schema: str | None = None,
        conf: dict[str, str] | None = None,
    ) -> EngineSession:
        """Open a SQL session in ``catalog.schema`` (default main.default); raises SqlError."""
        session = EngineSession(self, catalog, schema, conf or {})
        with self._lock:
            self._sessions.add(session)
        return session

    def forget(self, session: EngineSession) -> None:
        with self._lock:
            self._sessions.discard(session)

    def close(self) -> None:
        """Close every session, then the connection (DuckDB checkpoints the catalog files)."""
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()
        self.connection.close()

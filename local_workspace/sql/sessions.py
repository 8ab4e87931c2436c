"""SQL sessions and the registry that resolves the client's Thrift handles to them.

The registry also runs statements (a worker pool: ExecuteStatement returns while they run, so
another thread can cancel them) and expires what clients abandoned: sessions idle longer than
``IdleLimits.session_seconds`` and finished operations not touched for ``operation_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import Engine, EngineSession
from local_workspace.sql.cloud_fetch import ResultFiles
from local_workspace.sql.operation import Operation, State, new_handle_id
from local_workspace.sql.result_log import ResultLog
from local_workspace.sql.status import InvalidHandle, engine_call

# SPARK_CLI_SERVICE_PROTOCOL_V7: what databricks-sql-connector 4.9 asks for and fully handles.
PROTOCOL_VERSION = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V7
STATEMENT_WORKERS = 64  # statements running at once; more wait (RUNNING) for a worker
_REMEMBERED_ABANDONED = 10_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdleLimits:
    """How long a session / a finished operation may go unused before it is dropped."""

    session_seconds: float = 3600.0
    operation_seconds: float = 900.0


class SqlSession:
    """One client connection's session: an engine session plus its open operations."""

    def __init__(
        self,
        engine_session: EngineSession,
        results: ResultLog | None = None,
        files: ResultFiles | None = None,
    ) -> None:
        self.results, self.files = results, files  # where its operations record and put results
        self.handle = T.TSessionHandle(
            sessionId=new_handle_id(), serverProtocolVersion=PROTOCOL_VERSION
        )
        self.engine_session = engine_session
        # The engine runs one statement per session at a time; fetches pull from it too.
        self.lock = threading.RLock()
        self.last_used = time.monotonic()

    @property
    def key(self) -> bytes:
        return self.handle.sessionId.guid

    def new_operation(
        self, operation_type: int = T.TOperationType.EXECUTE_STATEMENT, statement: str = ""
    ) -> Operation:
        return Operation(
            self.lock,
            self.engine_session.cancel,
            operation_type,
            statement=statement,
            results=self.results,
            files=self.files,
        )

    def close(self) -> None:
        with self.lock:
            self.engine_session.close()


class SessionRegistry:
    """Sessions and operations by handle, and the workers running statements; thread-safe."""

    def __init__(
        self,
        engine: Engine,
        idle: IdleLimits | None = None,
        results: ResultLog | None = None,
        files: ResultFiles | None = None,
    ) -> None:
        self.engine = engine
        self.idle = idle or IdleLimits()
        self.results = results or ResultLog()
        self.files = files
        self._sessions: dict[bytes, SqlSession] = {}
        self._operations: dict[bytes, tuple[SqlSession, Operation]] = {}
        self._abandoned: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()
        self._workers = ThreadPoolExecutor(STATEMENT_WORKERS, thread_name_prefix="sql-statement")
        self._stopped = threading.Event()
        self._reaper: threading.Thread | None = None

    def open_session(
        self, catalog: str | None, schema: str | None, conf: dict[str, str]
    ) -> SqlSession:
        engine_session = engine_call(lambda: self.engine.open_session(catalog, schema, conf))
        session = SqlSession(engine_session, self.results, self.files)
        with self._lock:
            self._sessions[session.key] = session
        self._ensure_reaper()
        return session

    def session_count(self) -> int:
        with self._lock:
            return len(self._sessions)

    def counts(self) -> dict[str, int]:
        """Open sessions and operations (for ``GET /local/sql``)."""
        with self._lock:
            return {"sessions": len(self._sessions), "operations": len(self._operations)}

    def session(self, handle: T.TSessionHandle | None) -> SqlSession:
        """The session behind ``handle``; InvalidHandle if closed, expired or unknown."""
        handle_id = handle.sessionId if handle is not None else None
        with self._lock:
            found = self._sessions.get(_key(handle_id))
        if found is None or found.handle.sessionId.secret != handle_id.secret:
            raise InvalidHandle(_describe(handle_id), "SESSION_NOT_FOUND")
        found.last_used = time.monotonic()
        return found

    def session_of(self, req: object) -> SqlSession | None:
        """The live session a request refers to, by its session or operation handle."""
        handle = getattr(req, "sessionHandle", None)
        op_handle = getattr(req, "operationHandle", None)
        with self._lock:
            if handle is not None:
                return self._sessions.get(_key(handle.sessionId))
            entry = self._operations.get(_key(op_handle and op_handle.operationId))
        return entry[0] if entry else None

    def start(
        self, session: SqlSession, operation: Operation, run: Callable[[Operation], None]
    ) -> Operation:
        """Register ``operation`` and run ``run(operation)`` on a worker."""
        with self._lock:
            self._operations[operation.key] = (session, operation)
        self._workers.submit(run, operation)
        return operation

    def operation(self, handle: T.TOperationHandle | None) -> Operation:
        """The operation behind ``handle``; InvalidHandle if closed, abandoned or unknown."""
        handle_id = handle.operationId if handle is not None else None
        key = _key(handle_id)
        with self._lock:
            entry = self._operations.get(key)
            abandoned = key in self._abandoned
        if entry is None or entry[1].handle.operationId.secret != handle_id.secret:
            reason = "OPERATION_ABANDONED" if abandoned else "OPERATION_NOT_FOUND"
            raise InvalidHandle(_describe(handle_id), reason)
        session, operation = entry
        session.last_used = operation.last_used = time.monotonic()
        return operation

    def close_operation(self, handle: T.TOperationHandle | None) -> None:
        operation = self.operation(handle)
        with self._lock:
            self._operations.pop(operation.key, None)
        operation.close()

    def close_session(self, handle: T.TSessionHandle | None) -> None:
        """Close a session and every operation it still has open."""
        self.drop_session(self.session(handle))

    def drop_session(self, session: SqlSession) -> None:
        """End ``session`` (closed by its client, expired, or its warehouse stopped)."""
        with self._lock:
            self._sessions.pop(session.key, None)
            mine = [k for k, (owner, _) in self._operations.items() if owner is session]
            operations = [self._operations.pop(k)[1] for k in mine]
        for operation in operations:
            operation.cancel()  # interrupt first, so closing does not wait for a statement
        for operation in operations:
            operation.close()
        session.close()

    def expire_idle(self, now: float | None = None) -> tuple[int, int]:
        """Drop idle sessions and abandoned finished operations; how many of each."""
        now = time.monotonic() if now is None else now
        with self._lock:
            sessions = [
                s for s in self._sessions.values() if now - s.last_used > self.idle.session_seconds
            ]
            operations = [
                op
                for _, op in self._operations.values()
                if op.state != State.RUNNING_STATE
                and now - op.last_used > self.idle.operation_seconds
            ]
            for op in operations:
                self._forget_abandoned(op.key)
        for operation in operations:
            operation.close()
        for session in sessions:
            log.info(
                "session %s expired after %.0fs idle",
                _describe(session.handle.sessionId),
                now - session.last_used,
            )
            self.drop_session(session)
        return len(sessions), len(operations)

    def close_all(self) -> None:
        """Close every session (warehouse stop, server shutdown)."""
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            self.drop_session(session)

    def shutdown(self) -> None:
        self._stopped.set()
        self.close_all()
        self._workers.shutdown(wait=False, cancel_futures=True)

    def _forget_abandoned(self, key: bytes) -> None:
        self._operations.pop(key, None)
        self._abandoned[key] = None
        while len(self._abandoned) > _REMEMBERED_ABANDONED:
            self._abandoned.popitem(last=False)

    def _ensure_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None:
                return
            self._reaper = threading.Thread(target=self._reap, name="sql-idle-reaper", daemon=True)
        self._reaper.start()

    def _reap(self) -> None:
        period = min(self.idle.session_seconds, self.idle.operation_seconds) / 4
        while not self._stopped.wait(min(max(period, 0.05), 30.0)):
            try:
                self.expire_idle()
            except Exception:
                log.exception("expiring idle SQL sessions failed")


def _key(handle_id: T.THandleIdentifier | None) -> bytes | None:
    return handle_id.guid if handle_id is not None else None


def _describe(handle_id: T.THandleIdentifier | None) -> str:
    if handle_id is None or not handle_id.guid:
        return "<missing>"
    try:
        return str(uuid.UUID(bytes=handle_id.guid))
    except ValueError:
        return handle_id.guid.hex()

"""SQL sessions and the registry that resolves the client's Thrift handles to them."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import Engine, EngineSession, Parameter
from local_workspace.sql.arrow_encoding import ResultEncoding
from local_workspace.sql.operation import Operation, new_handle_id
from local_workspace.sql.status import InvalidHandle, ThriftError, engine_call

# SPARK_CLI_SERVICE_PROTOCOL_V7: what databricks-sql-connector 4.9 asks for and fully handles.
PROTOCOL_VERSION = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V7


class SqlSession:
    """One client connection's session: an engine session plus its open operations."""

    def __init__(self, engine_session: EngineSession) -> None:
        self.handle = T.TSessionHandle(
            sessionId=new_handle_id(), serverProtocolVersion=PROTOCOL_VERSION
        )
        self.engine_session = engine_session
        # The engine runs one statement per session at a time; fetches pull from it too.
        self.lock = threading.RLock()

    def execute(
        self,
        sql: str,
        parameters: Sequence[Parameter],
        encoding: ResultEncoding,
        row_limit: int | None = None,
    ) -> Operation:
        """Run ``sql`` to completion (rows stay lazy); SQL errors give an ERROR operation."""
        operation = Operation(self.lock, self.engine_session.cancel)
        with self.lock:
            try:
                result = engine_call(lambda: self.engine_session.execute(sql, parameters))
            except ThriftError as error:
                operation.fail(error)
            else:
                operation.succeed(result, encoding, row_limit)
        return operation

    def close(self) -> None:
        with self.lock:
            self.engine_session.close()


class SessionRegistry:
    """Sessions and operations by handle; thread-safe."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions: dict[bytes, SqlSession] = {}
        self._operations: dict[bytes, tuple[bytes, Operation]] = {}  # op -> (session, op)
        self._lock = threading.Lock()

    def open_session(
        self, catalog: str | None, schema: str | None, conf: dict[str, str]
    ) -> SqlSession:
        engine_session = engine_call(lambda: self._engine.open_session(catalog, schema, conf))
        session = SqlSession(engine_session)
        with self._lock:
            self._sessions[session.handle.sessionId.guid] = session
        return session

    def session(self, handle: T.TSessionHandle | None) -> SqlSession:
        """The session behind ``handle``; InvalidHandle if closed or unknown."""
        with self._lock:
            found = self._sessions.get(_key(handle and handle.sessionId))
        if found is None or found.handle.sessionId.secret != handle.sessionId.secret:
            raise InvalidHandle(f"Invalid SessionHandle: {_describe(handle and handle.sessionId)}")
        return found

    def add_operation(self, session: SqlSession, operation: Operation) -> None:
        with self._lock:
            self._operations[operation.key] = (session.handle.sessionId.guid, operation)

    def operation(self, handle: T.TOperationHandle | None) -> Operation:
        """The operation behind ``handle``; InvalidHandle if closed or unknown."""
        with self._lock:
            entry = self._operations.get(_key(handle and handle.operationId))
        if entry is None or entry[1].handle.operationId.secret != handle.operationId.secret:
            raise InvalidHandle(
                f"Invalid OperationHandle: {_describe(handle and handle.operationId)}"
            )
        return entry[1]

    def close_operation(self, handle: T.TOperationHandle | None) -> None:
        operation = self.operation(handle)
        with self._lock:
            self._operations.pop(operation.key, None)
        operation.close()

    def close_session(self, handle: T.TSessionHandle | None) -> None:
        """Close a session and every operation it still has open."""
        session = self.session(handle)
        guid = session.handle.sessionId.guid
        with self._lock:
            self._sessions.pop(guid, None)
            mine = [k for k, (owner, _) in self._operations.items() if owner == guid]
            operations = [self._operations.pop(k)[1] for k in mine]
        for operation in operations:
            operation.close()
        session.close()

    def close_all(self) -> None:
        """Close every session (server shutdown)."""
        with self._lock:
            handles = [s.handle for s in self._sessions.values()]
        for handle in handles:
            self.close_session(handle)


def _key(handle_id: T.THandleIdentifier | None) -> bytes | None:
    return handle_id.guid if handle_id is not None else None


def _describe(handle_id: T.THandleIdentifier | None) -> str:
    if handle_id is None or not handle_id.guid:
        return "<missing>"
    try:
        return str(uuid.UUID(bytes=handle_id.guid))
    except ValueError:
        return handle_id.guid.hex()

"""Operation: one executed statement, its state and its result pages.

Statements run synchronously inside ExecuteStatement, so an operation starts FINISHED (or ERROR);
its rows stay in the engine's lazy reader and are pulled page by page as the client fetches.
"""

from __future__ import annotations

import threading
import uuid

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import StatementResult
from local_workspace.sql.arrow_encoding import BatchEncoder, ResultEncoding
from local_workspace.sql.paging import Page, Pager
from local_workspace.sql.status import (
    InvalidHandle,
    ThriftError,
    engine_call,
    ok,
    status_of,
)
from local_workspace.sql.type_desc import table_schema

State = T.TOperationState


def new_handle_id() -> T.THandleIdentifier:
    """A fresh handle identifier; 16-byte GUIDs, which the client renders as UUIDs."""
    return T.THandleIdentifier(guid=uuid.uuid4().bytes, secret=uuid.uuid4().bytes)


class Operation:
    """A statement's server-side state; all methods are thread-safe."""

    def __init__(self, lock: threading.RLock, cancel_engine) -> None:
        self.handle = T.TOperationHandle(
            operationId=new_handle_id(),
            operationType=T.TOperationType.EXECUTE_STATEMENT,
            hasResultSet=True,
        )
        self.state = State.RUNNING_STATE
        self._lock = lock  # the session's: one engine call per session at a time
        self._cancel_engine = cancel_engine
        self._busy = False
        self._error: ThriftError | None = None
        self._pager: Pager | None = None
        self._encoder: BatchEncoder | None = None
        self._metadata: T.TGetResultSetMetadataResp | None = None
        self.num_modified_rows: int | None = None

    @property
    def key(self) -> bytes:
        return self.handle.operationId.guid

    def succeed(self, result: StatementResult, encoding: ResultEncoding, row_limit: int | None):
        """The statement ran: serve ``result`` (at most ``row_limit`` rows) in ``encoding``."""
        self.num_modified_rows = result.num_modified_rows
        self._encoder = BatchEncoder(result.schema, encoding)
        self._metadata = T.TGetResultSetMetadataResp(
            status=ok(),
            schema=table_schema(result.schema),
            resultFormat=T.TSparkRowSetType.ARROW_BASED_SET,
            lz4Compressed=encoding.lz4,
            arrowSchema=self._encoder.schema_bytes(),
            isStagingOperation=False,
        )
        self._pager = Pager(result.reader, row_limit)
        self.handle.hasResultSet = len(result.schema) > 0
        self.state = State.FINISHED_STATE

    def fail(self, error: ThriftError) -> None:
        self._error, self.state = error, State.ERROR_STATE
        self._close_pager()

    def status_resp(self) -> T.TGetOperationStatusResp:
        """The GetOperationStatus reply: state, error text (ERROR) and DML row count."""
        error = self._error
        return T.TGetOperationStatusResp(
            status=ok(),
            operationState=self.state,
            hasResultSet=self.handle.hasResultSet,
            numModifiedRows=self.num_modified_rows,
            sqlState=error.sqlstate if error else None,
            errorMessage=error.display_message if error else None,
            displayMessage=error.display_message if error else None,
        )

    def metadata_resp(self) -> T.TGetResultSetMetadataResp:
        """Column descriptors plus the Arrow IPC schema the batches follow."""
        if self._metadata is None:
            return T.TGetResultSetMetadataResp(status=self._unavailable_status())
        return self._metadata

    def fetch_resp(self, max_rows: int | None, max_bytes: int | None) -> T.TFetchResultsResp:
        """The next page as a FetchResults reply (with metadata, which the client requires)."""
        with self._lock:
            if self.state != State.FINISHED_STATE or self._pager is None or self._encoder is None:
                return T.TFetchResultsResp(status=self._unavailable_status(), hasMoreRows=False)
            try:
                page = self._next_page(max_rows, max_bytes)
            except ThriftError as error:
                self.fail(error)
                return T.TFetchResultsResp(status=status_of(error), hasMoreRows=False)
            return T.TFetchResultsResp(
                status=ok(),
                hasMoreRows=page.has_more_rows,
                results=self._row_set(page),
                resultSetMetadata=self.metadata_resp(),
            )

    def cancel(self) -> None:
        """Stop the operation: interrupt a fetch in flight, drop the remaining rows."""
        if self._busy:
            self._cancel_engine()
        with self._lock:
            if self.state != State.CLOSED_STATE:
                # also over the error an interrupted fetch just recorded: the user canceled
                self.state, self._error = State.CANCELED_STATE, None
            self._close_pager()

    def close(self) -> None:
        with self._lock:
            self.state = State.CLOSED_STATE
            self._close_pager()

    def _next_page(self, max_rows: int | None, max_bytes: int | None) -> Page:
        assert self._pager is not None
        self._busy = True
        try:
            return engine_call(lambda: self._pager.next_page(max_rows, max_bytes))
        finally:
            self._busy = False

    def _row_set(self, page: Page) -> T.TRowSet:
        assert self._encoder is not None
        return T.TRowSet(
            startRowOffset=page.start_row_offset,
            rows=[],
            arrowBatches=[self._encoder.encode(batch) for batch in page.batches],
        )

    def _close_pager(self) -> None:
        if self._pager is not None:
            self._pager.close()

    def _unavailable_status(self) -> T.TStatus:
        if self._error is not None:
            return status_of(self._error)
        operation_id = uuid.UUID(bytes=self.key)
        if self.state == State.CANCELED_STATE:
            error = ThriftError(f"Operation {operation_id} was canceled", "HY008", "CANCELED")
        else:
            error = InvalidHandle(f"Operation {operation_id} is closed")
        return status_of(error)

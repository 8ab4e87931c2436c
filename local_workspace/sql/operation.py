"""Operation: one statement (or metadata call), its state and its result pages.

A statement runs in a worker thread (``run``): RUNNING until the engine has produced its first
batch, then FINISHED (rows stay in the engine's lazy reader, pulled page by page as the client
fetches) or ERROR. ``cancel`` and ``close`` may come from any thread at any time: they change the
state at once, interrupt the engine if it is busy for this operation, and the worker or fetch that
was interrupted drops the rows (and any Cloud Fetch files).

A result goes inline (Arrow batches in each FetchResults) unless the client can download files and
it is larger than the Cloud Fetch threshold: then each fetch returns links (``cloud_fetch``).
After each reply with more rows to come, the next rows are prepared ahead (``read_ahead``).
Every result is recorded as sent in the ``ResultLog``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import StatementResult
from local_workspace.sql.arrow_encoding import BatchEncoder, ResultEncoding
from local_workspace.sql.cloud_fetch import LinkBatches, ResultFiles
from local_workspace.sql.paging import Page, Pager
from local_workspace.sql.read_ahead import NextRows, RowsAhead
from local_workspace.sql.result_log import ResultLog
from local_workspace.sql.status import InvalidHandle, ThriftError, engine_call, ok, status_of
from local_workspace.sql.type_desc import table_schema

State = T.TOperationState
_DONE = frozenset({State.FINISHED_STATE, State.ERROR_STATE, State.CANCELED_STATE})
_ENDED = frozenset({State.CANCELED_STATE, State.CLOSED_STATE})


def new_handle_id() -> T.THandleIdentifier:
    """A fresh handle identifier; 16-byte GUIDs, which the client renders as UUIDs."""
    return T.THandleIdentifier(guid=uuid.uuid4().bytes, secret=uuid.uuid4().bytes)


class Operation:
    """A statement's server-side state; all methods are thread-safe."""

    def __init__(
        self,
        session_lock: threading.RLock,
        cancel_engine: Callable[[], None],
        operation_type: int = T.TOperationType.EXECUTE_STATEMENT,
        statement: str = "",
        results: ResultLog | None = None,
        files: ResultFiles | None = None,
    ) -> None:
        self.handle = T.TOperationHandle(
            operationId=new_handle_id(), operationType=operation_type, hasResultSet=True
        )
        self.state = State.RUNNING_STATE
        self.last_used = time.monotonic()
        self._session_lock = session_lock  # one engine call per session at a time
        self._cancel_engine = cancel_engine
        self._changed = threading.Condition()  # guards state, _busy and the result fields
        self._ended = threading.Event()  # set by cancel/close: also ends an injected latency
        self._busy = False  # an engine call for this operation is in flight
        self._error: ThriftError | None = None
        self._pager: Pager | None = None
        self._encoder: BatchEncoder | None = None
        self._metadata: T.TGetResultSetMetadataResp | None = None
        self._links: LinkBatches | None = None  # set when the result goes through Cloud Fetch
        self._ahead: RowsAhead | None = None  # the next rows, being prepared
        self.num_modified_rows: int | None = None
        self.statement = statement
        self._results = results or ResultLog(capacity=0)
        self._files = files

    @property
    def key(self) -> bytes:
        return self.handle.operationId.guid

    def run(
        self,
        execute: Callable[[], StatementResult],
        encoding: ResultEncoding,
        row_limit: int | None = None,
        latency: float = 0.0,
    ) -> None:
        """Run the statement to its first batch (in a worker thread); never raises."""
        if latency and self._ended.wait(latency):
            return  # canceled or closed during the injected latency
        with self._session_lock:
            if not self._begin_engine_call():
                return
            pager = None
            try:
                result = engine_call(execute)
                pager = Pager(result.reader, row_limit)
                engine_call(pager.prime)
                cloud_fetch = self._wants_cloud_fetch(encoding) and engine_call(
                    lambda: pager.read_ahead(self._files.options.threshold_bytes)
                )
            except ThriftError as error:
                self._finish_with_error(error, pager)
            else:
                self._finish(result, pager, encoding, cloud_fetch)
            finally:
                self._end_engine_call()

    def wait(self, timeout: float) -> int:
        """Wait up to ``timeout`` s for the statement to leave RUNNING; the state."""
        with self._changed:
            self._changed.wait_for(lambda: self.state != State.RUNNING_STATE, timeout)
            return self.state

    def status_resp(self) -> T.TGetOperationStatusResp:
        """The GetOperationStatus reply: state, error text (ERROR) and DML row count."""
        self.last_used = time.monotonic()
        with self._changed:
            error, state = self._error, self.state
        return T.TGetOperationStatusResp(
            status=ok(),
            operationState=state,
            hasResultSet=self.handle.hasResultSet,
            numModifiedRows=self.num_modified_rows,
            sqlState=error.sqlstate if error else None,
            errorMessage=error.display_message if error else None,
            displayMessage=error.display_message if error else None,
        )

    def metadata_resp(self) -> T.TGetResultSetMetadataResp:
        """Column descriptors plus the Arrow IPC schema the batches follow."""
        with self._changed:
            if self._metadata is None or self.state != State.FINISHED_STATE:
                return T.TGetResultSetMetadataResp(status=self._unavailable_status())
            return self._metadata

    def fetch_resp(self, max_rows: int | None, max_bytes: int | None) -> T.TFetchResultsResp:
        """The next page as a FetchResults reply (with metadata, which the client requires)."""
        self.last_used = time.monotonic()
        with self._changed:
            ahead, self._ahead = self._ahead, None
        try:
            prepared = ahead.result() if ahead is not None else None  # not under the lock
        except ThriftError as error:
            with self._session_lock:
                self._finish_with_error(error, self._pager)
            return T.TFetchResultsResp(status=self._unavailable_status(), hasMoreRows=False)
        with self._session_lock:
            if not self._begin_engine_call(require=State.FINISHED_STATE):
                return T.TFetchResultsResp(status=self._unavailable_status(), hasMoreRows=False)
            try:
                rows = prepared or engine_call(lambda: self._next_rows(max_rows, max_bytes))
            except ThriftError as error:
                self._finish_with_error(error, self._pager)
                return T.TFetchResultsResp(status=self._unavailable_status(), hasMoreRows=False)
            finally:
                self._end_engine_call()
            self._hand_out(rows)
        if rows.has_more_rows:
            self._read_ahead(max_rows, max_bytes)
        return T.TFetchResultsResp(
            status=ok(),
            hasMoreRows=rows.has_more_rows,
            results=rows.row_set,
            resultSetMetadata=self._metadata,
        )

    def cancel(self) -> None:
        """CANCELED at once (also over an error an interrupted call is about to record)."""
        self._end(State.CANCELED_STATE)

    def close(self) -> None:
        """CLOSED; waits for an interrupted engine call of this operation to return."""
        self._end(State.CLOSED_STATE)
        with self._session_lock:
            self._drop_rows()

    # -- internals ------------------------------------------------------------------------

    def _end(self, state: int) -> None:
        with self._changed:
            if self.state == State.CLOSED_STATE:
                return
            self.state, self._error = state, None
            busy = self._busy
            self._changed.notify_all()
        self._ended.set()
        if busy:
            self._cancel_engine()
        elif self._session_lock.acquire(blocking=False):  # else the next fetch/close drops them
            try:
                self._drop_rows()
            finally:
                self._session_lock.release()

    def _begin_engine_call(self, require: int = State.RUNNING_STATE) -> bool:
        with self._changed:
            if self.state != require or (require == State.FINISHED_STATE and self._pager is None):
                self._drop_rows()
                return False
            self._busy = True
            return True

    def _end_engine_call(self) -> None:
        with self._changed:
            self._busy = False
            if self.state in _ENDED:
                self._drop_rows()

    def _wants_cloud_fetch(self, encoding: ResultEncoding) -> bool:
        return encoding.cloud_fetch and self._files is not None and self._files.options.enabled

    def _finish(
        self, result: StatementResult, pager: Pager, encoding: ResultEncoding, cloud_fetch: bool
    ) -> None:
        encoder = BatchEncoder(result.schema, encoding)
        result_format = (
            T.TSparkRowSetType.URL_BASED_SET if cloud_fetch else T.TSparkRowSetType.ARROW_BASED_SET
        )
        links = LinkBatches(self._files, self.key, encoder) if cloud_fetch else None
        self._results.start(
            self.key,
            self.statement,
            T.TSparkRowSetType._VALUES_TO_NAMES[result_format],
            encoding.lz4,
            encoder.wire_schema,
        )
        metadata = T.TGetResultSetMetadataResp(
            status=ok(),
            schema=table_schema(result.schema),
            resultFormat=result_format,
            lz4Compressed=encoding.lz4,
            arrowSchema=encoder.schema_bytes(),
            isStagingOperation=False,
        )
        with self._changed:
            self._pager, self._encoder, self._metadata = pager, encoder, metadata
            self._links = links
            if self.state in _ENDED:
                return  # rows dropped by _end_engine_call
            self.num_modified_rows = result.num_modified_rows
            self.handle.hasResultSet = len(result.schema) > 0
            self.state = State.FINISHED_STATE
            self._changed.notify_all()

    def _finish_with_error(self, error: ThriftError, pager: Pager | None) -> None:
        with self._changed:
            self._pager = pager
            if self.state not in _ENDED:  # a cancel wins over the error it caused
                self.state, self._error = State.ERROR_STATE, error
                self._changed.notify_all()
            self._drop_rows()

    def _drop_rows(self) -> None:
        self._ahead = None
        pager, self._pager = self._pager, None
        if pager is not None:
            pager.close()
        links, self._links = self._links, None
        if links is not None:
            links.close()

    def _read_ahead(self, max_rows: int | None, max_bytes: int | None) -> None:
        """Prepare the next rows now, with the limits of the request just answered."""

        def prepare() -> NextRows | None:
            with self._session_lock:
                if not self._begin_engine_call(require=State.FINISHED_STATE):
                    return None  # ended meanwhile: the next fetch reports why
                try:
                    return engine_call(lambda: self._next_rows(max_rows, max_bytes))
                finally:
                    self._end_engine_call()

        with self._changed:
            if self.state == State.FINISHED_STATE:
                self._ahead = RowsAhead(prepare)

    def _next_rows(self, max_rows: int | None, max_bytes: int | None) -> NextRows:
        """The next rows to send: a batch of Cloud Fetch links, or an inline page."""
        assert self._pager is not None
        if self._links is not None:
            row_set, files = self._links.next_row_set(self._pager, max_bytes)
            return NextRows(row_set, self._pager.has_more_rows, files=files)
        page = self._pager.next_page(max_rows, max_bytes)
        return self._inline(page)

    def _inline(self, page: Page) -> NextRows:
        assert self._encoder is not None
        encoded = [self._encoder.encode_sized(batch) for batch in page.batches]
        batches = [batch for batch, _ in encoded]
        return NextRows(
            T.TRowSet(startRowOffset=page.start_row_offset, rows=[], arrowBatches=batches),
            page.has_more_rows,
            rows=page.num_rows,
            wire_bytes=sum(len(batch.batch) for batch in batches),
            arrow_bytes=sum(size for _, size in encoded),
        )

    def _hand_out(self, rows: NextRows) -> None:
        """Record rows as sent; Cloud Fetch: the files of the batch before are read by now."""
        if self._links is not None:
            self._links.handed_out(rows.files)
            self._results.links_issued(self.key, len(rows.files))
        else:
            self._results.inline_page(self.key, rows.rows, rows.wire_bytes, rows.arrow_bytes)

    def _unavailable_status(self) -> T.TStatus:
        with self._changed:
            error, state = self._error, self.state
        if error is not None:
            return status_of(error)
        operation_id = uuid.UUID(bytes=self.key)
        if state == State.CANCELED_STATE:
            error = ThriftError(f"Operation {operation_id} was canceled", "HY008", "CANCELED")
        elif state == State.RUNNING_STATE:
            message = f"Operation {operation_id} is still running: poll its status until it ends"
            error = ThriftError(message, "HY000", "INVALID_STATE")
        else:
            error = InvalidHandle(operation_id, "OPERATION_NOT_FOUND")
        return status_of(error)

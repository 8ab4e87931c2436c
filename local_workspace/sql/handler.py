"""The TCLIService handler: what the SQL warehouse answers to each Thrift RPC.

The generated ``TCLIService.Processor`` decodes requests and calls the method of the same name
here. Every method returns its reply struct, failures included: an exception escaping to the
Processor would reach the client as an opaque ``TApplicationException``.
"""

from __future__ import annotations

import functools
import logging

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import Engine
from local_workspace.faults import HANDLER_KINDS, Faults
from local_workspace.sql.arrow_encoding import ResultEncoding
from local_workspace.sql.cloud_fetch import ResultFiles
from local_workspace.sql.metadata import metadata_call
from local_workspace.sql.operation import Operation
from local_workspace.sql.parameters import engine_parameters
from local_workspace.sql.sessions import PROTOCOL_VERSION, IdleLimits, SessionRegistry
from local_workspace.sql.status import ThriftError, ok, status_of
from local_workspace.sql.warehouse import Warehouse

log = logging.getLogger(__name__)

# Required reply fields to fill even when replying with an error status.
_REQUIRED_ON_ERROR = {"serverProtocolVersion": PROTOCOL_VERSION, "hasMoreRows": False}

# RPCs not served (databricks-sql-connector does not send them).
UNSUPPORTED_RPCS = (
    "GetInfo",
    "GetTypeInfo",
    "GetTableTypes",
    "GetFunctions",
    "GetCrossReference",
    "GetDelegationToken",
    "CancelDelegationToken",
    "RenewDelegationToken",
)


def error_reply(rpc: str, status: T.TStatus):
    """The ``T<rpc>Resp`` carrying an error ``status``."""
    reply = getattr(T, f"T{rpc}Resp")(status=status)
    for name, value in _REQUIRED_ON_ERROR.items():
        if hasattr(reply, name):
            setattr(reply, name, value)
    return reply


def _guarded(method):
    """Turn exceptions into the RPC's error reply (unexpected ones are logged with traceback)."""

    @functools.wraps(method)
    def wrapper(self, req):
        try:
            self._inject_faults(method.__name__, req)
            return method(self, req)
        except ThriftError as error:
            return error_reply(method.__name__, status_of(error))
        except Exception as exc:
            log.exception("unexpected error in %s", method.__name__)
            error = ThriftError(f"local workspace internal error in {method.__name__}: {exc!r}")
            return error_reply(method.__name__, status_of(error))

    return wrapper


class ThriftHandler:
    """Serves TCLIService RPCs over the engine; safe to call from many threads.

    ``direct_wait``: how long ExecuteStatement waits for a statement before replying RUNNING
    (the client then polls); ``poll_wait``: how long GetOperationStatus waits for a change
    (the client polls without pause; it also sends one request at a time per connection, so a
    cancel from another thread waits behind a poll: keep polls short); ``files``: where large
    results go as Cloud Fetch files (None: every result inline).
    """

    def __init__(
        self,
        engine: Engine,
        warehouse: Warehouse | None = None,
        faults: Faults | None = None,
        idle: IdleLimits | None = None,
        direct_wait: float = 1.0,
        poll_wait: float = 0.2,
        files: ResultFiles | None = None,
    ) -> None:
        self.registry = SessionRegistry(engine, idle, files.results if files else None, files)
        self.warehouse = warehouse
        self.faults = faults or Faults()
        self.direct_wait, self.poll_wait = direct_wait, poll_wait
        if warehouse is not None:
            warehouse.on_stop(self.registry.close_all)  # a stopped warehouse has no sessions

    @_guarded
    def OpenSession(self, req: T.TOpenSessionReq) -> T.TOpenSessionResp:
        if self.warehouse is not None:
            self.warehouse.wait_running()  # as on Databricks: a session starts the warehouse
        namespace = req.initialNamespace or T.TNamespace()
        conf = {str(k): str(v) for k, v in (req.configuration or {}).items()}
        session = self.registry.open_session(namespace.catalogName, namespace.schemaName, conf)
        return T.TOpenSessionResp(
            status=ok(),
            serverProtocolVersion=PROTOCOL_VERSION,
            sessionHandle=session.handle,
            canUseMultipleCatalogs=True,
            initialNamespace=req.initialNamespace,
        )

    @_guarded
    def CloseSession(self, req: T.TCloseSessionReq) -> T.TCloseSessionResp:
        self.registry.close_session(req.sessionHandle)
        return T.TCloseSessionResp(status=ok())

    @_guarded
    def ExecuteStatement(self, req: T.TExecuteStatementReq) -> T.TExecuteStatementResp:
        session = self.registry.session(req.sessionHandle)
        parameters = engine_parameters(req.parameters)
        sql = req.statement

        def execute():
            return session.engine_session.execute(sql, parameters)

        encoding = ResultEncoding.from_request(req)
        operation = self._start(
            session, execute, encoding, req.resultRowLimit, "ExecuteStatement", statement=sql
        )
        return self._execute_reply(T.TExecuteStatementResp, operation, req.getDirectResults)

    @_guarded
    def GetCatalogs(self, req: T.TGetCatalogsReq) -> T.TGetCatalogsResp:
        return self._metadata("GetCatalogs", req)

    @_guarded
    def GetSchemas(self, req: T.TGetSchemasReq) -> T.TGetSchemasResp:
        return self._metadata("GetSchemas", req)

    @_guarded
    def GetTables(self, req: T.TGetTablesReq) -> T.TGetTablesResp:
        return self._metadata("GetTables", req)

    @_guarded
    def GetColumns(self, req: T.TGetColumnsReq) -> T.TGetColumnsResp:
        return self._metadata("GetColumns", req)

    @_guarded
    def GetPrimaryKeys(self, req: T.TGetPrimaryKeysReq) -> T.TGetPrimaryKeysResp:
        return self._metadata("GetPrimaryKeys", req)

    @_guarded
    def GetOperationStatus(self, req: T.TGetOperationStatusReq) -> T.TGetOperationStatusResp:
        operation = self.registry.operation(req.operationHandle)
        operation.wait(self.poll_wait)  # long poll: the client asks again at once
        return operation.status_resp()

    @_guarded
    def GetResultSetMetadata(self, req: T.TGetResultSetMetadataReq) -> T.TGetResultSetMetadataResp:
        return self.registry.operation(req.operationHandle).metadata_resp()

    @_guarded
    def FetchResults(self, req: T.TFetchResultsReq) -> T.TFetchResultsResp:
        operation = self.registry.operation(req.operationHandle)
        if req.orientation not in (None, T.TFetchOrientation.FETCH_NEXT):
            name = T.TFetchOrientation._VALUES_TO_NAMES.get(req.orientation, req.orientation)
            raise ThriftError(f"fetch orientation {name} is not supported; use FETCH_NEXT")
        return operation.fetch_resp(req.maxRows, req.maxBytes)

    @_guarded
    def CancelOperation(self, req: T.TCancelOperationReq) -> T.TCancelOperationResp:
        self.registry.operation(req.operationHandle).cancel()
        return T.TCancelOperationResp(status=ok())

    @_guarded
    def CloseOperation(self, req: T.TCloseOperationReq) -> T.TCloseOperationResp:
        self.registry.close_operation(req.operationHandle)
        return T.TCloseOperationResp(status=ok())

    def close(self) -> None:
        """Close every session and stop the statement workers (server shutdown)."""
        self.registry.shutdown()

    # -- internals ------------------------------------------------------------------------

    def _start(
        self, session, execute, encoding, row_limit, rpc: str, op_type=None, statement=None
    ) -> Operation:
        latency = self.faults.take("statement_latency", rpc)
        operation = session.new_operation(
            op_type or T.TOperationType.EXECUTE_STATEMENT, statement or rpc
        )

        def run(op: Operation) -> None:
            op.run(execute, encoding, row_limit, latency.seconds if latency else 0.0)

        return self.registry.start(session, operation, run)

    def _metadata(self, rpc: str, req):
        """A metadata RPC: an operation like a statement's, over information_schema."""
        session = self.registry.session(req.sessionHandle)
        compute = metadata_call(rpc, req)
        op_type = _OPERATION_TYPES.get(rpc, T.TOperationType.UNKNOWN)
        operation = self._start(
            session, lambda: compute(session.engine_session), ResultEncoding(), None, rpc, op_type
        )
        return self._execute_reply(getattr(T, f"T{rpc}Resp"), operation, req.getDirectResults)

    def _execute_reply(self, reply_type, operation: Operation, limits):
        if limits is not None:  # the synchronous path: answer with the outcome if it is quick
            operation.wait(self.direct_wait)
        return reply_type(
            status=ok(),
            operationHandle=operation.handle,
            directResults=_direct_results(operation, limits),
        )

    def _inject_faults(self, rpc: str, req: object) -> None:
        """Faults on a request's session: it expires, its warehouse stops, its statement is
        canceled (by someone else); the request is then served as usual and fails as it would."""
        if rpc == "OpenSession" or not self.faults.armed(HANDLER_KINDS):
            return
        session = self.registry.session_of(req)
        if session is None:
            return
        if self.faults.take("expire_session", rpc) is not None:
            log.info("fault expire_session: session of %s expired", rpc)
            self.registry.drop_session(session)
        elif self.warehouse is not None and self.faults.take("stop_warehouse", rpc) is not None:
            log.info("fault stop_warehouse: the warehouse stops before %s", rpc)
            self.warehouse.stop()
        elif (handle := getattr(req, "operationHandle", None)) is not None and (
            self.faults.take("cancel_statement", rpc) is not None
        ):
            log.info("fault cancel_statement: the statement of %s is canceled", rpc)
            self.registry.operation(handle).cancel()


_OPERATION_TYPES = {
    "GetCatalogs": T.TOperationType.GET_CATALOGS,
    "GetSchemas": T.TOperationType.GET_SCHEMAS,
    "GetTables": T.TOperationType.GET_TABLES,
    "GetColumns": T.TOperationType.GET_COLUMNS,
}


def _direct_results(
    operation: Operation, limits: T.TSparkGetDirectResults | None
) -> T.TSparkDirectResults | None:
    """Status, metadata and the first page in the ExecuteStatement reply (saves round trips)."""
    if limits is None:
        return None  # execute_async: the client polls GetOperationStatus
    first_page = None
    if operation.state == T.TOperationState.FINISHED_STATE:
        first_page = operation.fetch_resp(limits.maxRows, limits.maxBytes)
    status = operation.status_resp()  # after the first page: reading rows can fail too
    if status.operationState != T.TOperationState.FINISHED_STATE:
        return T.TSparkDirectResults(operationStatus=status)
    return T.TSparkDirectResults(
        operationStatus=status,
        resultSetMetadata=operation.metadata_resp(),
        resultSet=first_page,
    )


def _unsupported(rpc: str):
    def method(self: ThriftHandler, req: object):
        message = (
            f"{rpc} is not supported by the local workspace yet; "
            "run SQL instead (SHOW CATALOGS, SHOW SCHEMAS, SHOW TABLES, information_schema)"
        )
        return error_reply(rpc, status_of(ThriftError(message, "0A000", "NOT_SUPPORTED")))

    method.__name__ = rpc
    return method


for _rpc in UNSUPPORTED_RPCS:
    setattr(ThriftHandler, _rpc, _unsupported(_rpc))

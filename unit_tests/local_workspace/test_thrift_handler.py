from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest
from databricks.sql.thrift_api.TCLIService import ttypes as T
from databricks.sql.utils import convert_arrow_based_set_to_arrow_table

from local_workspace.engine import Parameter, SqlError, StatementResult
from local_workspace.sql.endpoint import ThriftService
from local_workspace.sql.handler import ThriftHandler
from unit_tests.local_workspace.fakes import FakeEngine, range_result, table_result
from unit_tests.local_workspace.thrift_client import WireClient

Status = T.TStatusCode
State = T.TOperationState
DIRECT = T.TSparkGetDirectResults(maxRows=100_000, maxBytes=100 * 1024 * 1024)


def _echo(parameters) -> StatementResult:
    columns = {p.name or f"p{i}": [f"{p.type}:{p.value}"] for i, p in enumerate(parameters)}
    return table_result(pa.table(columns))


def _boom(parameters):
    raise RuntimeError("engine bug")


def _fails_while_reading(parameters) -> StatementResult:
    schema = pa.schema([("id", pa.int64())])

    def batches():
        yield pa.record_batch([pa.array([1, 2])], schema=schema)
        raise SqlError("CAST_INVALID_INPUT", "22018", "The value 'x' cannot be cast.")

    return StatementResult(schema, pa.RecordBatchReader.from_batches(schema, batches()))


STATEMENTS = {
    "range": lambda p: range_result(250_000, batch_rows=9_999),
    "echo": _echo,
    "insert": lambda p: table_result(pa.table({"num_affected_rows": [3]}), num_modified_rows=3),
    "boom": _boom,
    "late error": _fails_while_reading,
}


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine(STATEMENTS)


@pytest.fixture
def client(engine) -> WireClient:
    return WireClient(ThriftService(ThriftHandler(engine)))


@pytest.fixture
def session(client) -> T.TSessionHandle:
    req = T.TOpenSessionReq(client_protocol_i64=42247, canUseMultipleCatalogs=True)
    return client.OpenSession(req).sessionHandle


def _execute(client, session, sql, parameters=(), direct=DIRECT, **kw) -> T.TExecuteStatementResp:
    req = T.TExecuteStatementReq(
        sessionHandle=session,
        statement=sql,
        runAsync=True,
        getDirectResults=direct,
        canReadArrowResult=True,
        parameters=list(parameters),
        **kw,
    )
    return client.ExecuteStatement(req)


def _fetch(client, handle, max_rows=100_000) -> T.TFetchResultsResp:
    req = T.TFetchResultsReq(
        operationHandle=handle, maxRows=max_rows, maxBytes=100 * 1024 * 1024, orientation=0
    )
    return client.FetchResults(req)


def _rows(resp: T.TFetchResultsResp, metadata: T.TGetResultSetMetadataResp) -> list[dict]:
    table, _ = convert_arrow_based_set_to_arrow_table(
        resp.results.arrowBatches, metadata.lz4Compressed, metadata.arrowSchema
    )
    return table.to_pylist()


def test_open_session_speaks_v7_and_honours_the_namespace(client, engine):
    req = T.TOpenSessionReq(
        client_protocol_i64=42247,
        canUseMultipleCatalogs=True,
        initialNamespace=T.TNamespace(catalogName="cat", schemaName="sch"),
        configuration={"spark.thriftserver.arrowBasedRowSet.timestampAsString": "false"},
    )
    resp = client.OpenSession(req)
    assert resp.status.statusCode == Status.SUCCESS_STATUS
    assert resp.serverProtocolVersion == 42247 and resp.canUseMultipleCatalogs
    assert len(resp.sessionHandle.sessionId.guid) == 16
    assert engine.sessions[0].namespace == ("cat", "sch")


def test_open_session_failure_is_an_error_status_never_kp001(client):
    req = T.TOpenSessionReq(initialNamespace=T.TNamespace(catalogName="missing"))
    resp = client.OpenSession(req)
    assert resp.status.statusCode == Status.ERROR_STATUS
    assert resp.status.errorMessage.startswith("[NO_SUCH_CATALOG_EXCEPTION]")
    assert resp.status.sqlState == "42704"


def test_open_session_never_answers_sqlstate_kp001(client):
    resp = client.OpenSession(T.TOpenSessionReq(initialNamespace=T.TNamespace(catalogName="kp001")))
    assert resp.status.statusCode == Status.ERROR_STATUS
    assert resp.status.sqlState != "KP001"


def test_execute_returns_finished_metadata_and_the_first_page(client, session):
    resp = _execute(client, session, "range")
    direct = resp.directResults
    assert resp.status.statusCode == Status.SUCCESS_STATUS
    assert direct.operationStatus.operationState == State.FINISHED_STATE
    assert direct.resultSetMetadata.resultFormat == T.TSparkRowSetType.ARROW_BASED_SET
    assert direct.resultSet.results.startRowOffset == 0
    assert sum(b.rowCount for b in direct.resultSet.results.arrowBatches) == 100_000
    assert direct.resultSet.hasMoreRows and direct.closeOperation is None


def test_fetch_results_continues_with_true_offsets_until_done(client, session):
    resp = _execute(client, session, "range")
    metadata = resp.directResults.resultSetMetadata
    offsets, ids = [], [r["id"] for r in _rows(resp.directResults.resultSet, metadata)]
    while True:
        page = _fetch(client, resp.operationHandle)
        offsets.append(page.results.startRowOffset)
        ids += [r["id"] for r in _rows(page, page.resultSetMetadata)]
        if not page.hasMoreRows:
            break
    assert offsets == [100_000, 200_000]
    assert ids == list(range(250_000))
    assert _fetch(client, resp.operationHandle).hasMoreRows is False  # past the end: empty


def test_lz4_only_when_the_client_can_decompress(client, session):
    plain = _execute(client, session, "range", canDecompressLZ4Result=False)
    packed = _execute(client, session, "range", canDecompressLZ4Result=True)
    assert not plain.directResults.resultSetMetadata.lz4Compressed
    assert packed.directResults.resultSetMetadata.lz4Compressed
    assert _rows(packed.directResults.resultSet, packed.directResults.resultSetMetadata)[-1] == {
        "id": 99_999
    }


def test_sql_error_is_an_error_state_with_the_display_message(client, session):
    resp = _execute(client, session, "selec 1")
    status = resp.directResults.operationStatus
    assert resp.status.statusCode == Status.SUCCESS_STATUS
    assert status.operationState == State.ERROR_STATE
    assert status.displayMessage == (
        "[PARSE_SYNTAX_ERROR] Syntax error at or near 'selec 1'. SQLSTATE: 42601"
    )
    assert status.errorMessage == status.displayMessage and status.sqlState == "42601"
    assert resp.directResults.resultSet is None


def test_unexpected_engine_exception_becomes_an_internal_error_state(client, session):
    status = _execute(client, session, "boom").directResults.operationStatus
    assert status.operationState == State.ERROR_STATE
    assert status.displayMessage.startswith("[INTERNAL_ERROR]")
    assert "engine bug" in status.displayMessage


def test_error_while_reading_the_first_page_fails_the_statement(client, session):
    status = _execute(client, session, "late error").directResults.operationStatus
    assert status.operationState == State.ERROR_STATE
    assert status.displayMessage.startswith("[CAST_INVALID_INPUT]")


def test_error_while_reading_a_later_page_is_an_error_status(client, session):
    resp = _execute(client, session, "late error", direct=None)
    page = _fetch(client, resp.operationHandle, max_rows=1)
    assert page.status.statusCode == Status.SUCCESS_STATUS and page.hasMoreRows
    page = _fetch(client, resp.operationHandle, max_rows=5)
    assert page.status.statusCode == Status.ERROR_STATUS
    assert page.status.errorMessage.startswith("[CAST_INVALID_INPUT]")
    status = client.GetOperationStatus(T.TGetOperationStatusReq(resp.operationHandle))
    assert status.operationState == State.ERROR_STATE


def test_dml_reports_modified_rows(client, session):
    resp = _execute(client, session, "insert")
    assert resp.directResults.operationStatus.numModifiedRows == 3
    status = client.GetOperationStatus(T.TGetOperationStatusReq(resp.operationHandle))
    assert status.numModifiedRows == 3


def _param(name, type_, value):
    value = None if value is None else T.TSparkParameterValue(stringValue=value)
    return T.TSparkParameter(ordinal=1 if name is None else 0, name=name, type=type_, value=value)


def test_parameters_are_bound_in_order_with_their_types(client, session, engine):
    params = [_param(None, "INT", "1"), _param(None, "STRING", "x"), _param(None, "VOID", None)]
    resp = _execute(client, session, "echo", params)
    metadata = resp.directResults.resultSetMetadata
    assert _rows(resp.directResults.resultSet, metadata) == [
        {"p0": "INT:1", "p1": "STRING:x", "p2": "VOID:None"}
    ]
    assert engine.sessions[0].executed[-1][1] == [
        Parameter(None, "INT", "1"),
        Parameter(None, "STRING", "x"),
        Parameter(None, "VOID", None),
    ]


def test_named_parameters_keep_their_names(client, session, engine):
    _execute(client, session, "echo", [_param("a", "DECIMAL(10,2)", "1.50")])
    assert engine.sessions[0].executed[-1][1] == [Parameter("a", "DECIMAL(10,2)", "1.50")]


def test_async_execute_then_status_metadata_and_fetch(client, session):
    resp = _execute(client, session, "insert", direct=None)
    assert resp.directResults is None
    handle = resp.operationHandle
    assert client.GetOperationStatus(T.TGetOperationStatusReq(handle)).operationState == (
        State.FINISHED_STATE
    )
    metadata = client.GetResultSetMetadata(T.TGetResultSetMetadataReq(handle))
    assert metadata.schema.columns[0].columnName == "num_affected_rows"
    assert _rows(_fetch(client, handle), metadata) == [{"num_affected_rows": 3}]


def test_closed_operation_handle_is_invalid(client, session):
    handle = _execute(client, session, "range").operationHandle
    assert client.CloseOperation(T.TCloseOperationReq(handle)).status.statusCode == 0
    page = _fetch(client, handle)
    assert page.status.statusCode == Status.INVALID_HANDLE_STATUS
    assert "[INVALID_HANDLE.OPERATION_NOT_FOUND]" in page.status.errorMessage


def test_unknown_session_handle_is_invalid(client):
    bogus = T.TSessionHandle(sessionId=T.THandleIdentifier(guid=b"\x01" * 16, secret=b"s" * 16))
    resp = _execute(client, bogus, "range")
    assert resp.status.statusCode == Status.INVALID_HANDLE_STATUS
    assert "01010101-0101-0101-0101-010101010101" in resp.status.errorMessage


def test_cancel_drops_the_remaining_rows(client, session):
    handle = _execute(client, session, "range").operationHandle
    assert client.CancelOperation(T.TCancelOperationReq(handle)).status.statusCode == 0
    status = client.GetOperationStatus(T.TGetOperationStatusReq(handle))
    assert status.operationState == State.CANCELED_STATE
    assert _fetch(client, handle).status.statusCode != Status.SUCCESS_STATUS


def test_close_session_closes_its_operations_and_engine_session(client, session, engine):
    handle = _execute(client, session, "range").operationHandle
    assert client.CloseSession(T.TCloseSessionReq(session)).status.statusCode == 0
    assert engine.sessions[0].closed
    assert _fetch(client, handle).status.statusCode == Status.INVALID_HANDLE_STATUS
    assert _execute(client, session, "range").status.statusCode == Status.INVALID_HANDLE_STATUS


@pytest.mark.parametrize("rpc", ["GetInfo", "GetTypeInfo", "GetFunctions"])
def test_metadata_rpcs_answer_a_clear_error(client, session, rpc):
    req = getattr(T, f"T{rpc}Req")(sessionHandle=session)
    resp = getattr(client, rpc)(req)
    assert resp.status.statusCode == Status.ERROR_STATUS
    assert f"{rpc} is not supported" in resp.status.errorMessage


def test_cancel_interrupts_a_fetch_in_flight_and_wins_over_its_error(client, session, engine):
    reading = threading.Event()
    schema = pa.schema([("id", pa.int64())])

    def batches():
        yield pa.record_batch([pa.array([1])], schema=schema)
        reading.set()
        assert engine.interrupted.wait(timeout=10)
        raise SqlError("OPERATION_INTERRUPTED", "HY008", "Interrupted.")

    reader = pa.RecordBatchReader.from_batches(schema, batches())
    engine.statements["slow"] = lambda p: StatementResult(schema, reader)
    handle = _execute(client, session, "slow", direct=None).operationHandle
    with ThreadPoolExecutor(1) as pool:
        fetch = pool.submit(_fetch, client, handle)
        assert reading.wait(timeout=10)
        client.CancelOperation(T.TCancelOperationReq(handle))
        assert fetch.result(timeout=10).status.statusCode == Status.ERROR_STATUS
    status = client.GetOperationStatus(T.TGetOperationStatusReq(handle))
    assert status.operationState == State.CANCELED_STATE and status.displayMessage is None
    assert "was canceled" in _fetch(client, handle).status.errorMessage

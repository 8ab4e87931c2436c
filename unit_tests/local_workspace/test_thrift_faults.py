"""Faults inside the Thrift handler: expired sessions, stopped warehouse, canceled statements,
statement latency."""

from __future__ import annotations

import time

import pyarrow as pa
import pytest
from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.faults import Fault, Faults
from local_workspace.sql.endpoint import ThriftService
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.warehouse import RUNNING, STOPPED, Warehouse
from unit_tests.local_workspace.fakes import FakeEngine, table_result
from unit_tests.local_workspace.thrift_client import WireClient

Status = T.TStatusCode
State = T.TOperationState
DIRECT = T.TSparkGetDirectResults(maxRows=1000, maxBytes=1 << 20)
STATEMENTS = {"one": lambda p: table_result(pa.table({"x": [1]}))}


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def client(faults) -> WireClient:
    handler = ThriftHandler(FakeEngine(STATEMENTS), faults=faults, direct_wait=0.2, poll_wait=0.1)
    return WireClient(ThriftService(handler))


def _session(client) -> T.TSessionHandle:
    return client.OpenSession(T.TOpenSessionReq(client_protocol_i64=42247)).sessionHandle


def _execute(client, session, direct=DIRECT) -> T.TExecuteStatementResp:
    req = T.TExecuteStatementReq(sessionHandle=session, statement="one", getDirectResults=direct)
    return client.ExecuteStatement(req)


def test_an_expired_session_is_an_invalid_handle_from_then_on(client, faults):
    session = _session(client)
    handle = _execute(client, session).operationHandle
    faults.add(Fault("expire_session", rpc="ExecuteStatement"))
    other = _session(client)
    for _ in range(2):
        status = _execute(client, session).status
        assert status.statusCode == Status.INVALID_HANDLE_STATUS
        assert status.errorMessage.startswith("[INVALID_HANDLE.SESSION_NOT_FOUND] The handle ")
        assert status.errorMessage.endswith("is invalid. Session not found. SQLSTATE: HY000")
    fetch = client.FetchResults(T.TFetchResultsReq(operationHandle=handle, maxRows=10))
    assert "[INVALID_HANDLE.OPERATION_NOT_FOUND]" in fetch.status.errorMessage
    assert _execute(client, other).status.statusCode == Status.SUCCESS_STATUS
    assert faults.snapshot()["injected"] == {"expire_session": 1}


def test_expire_session_through_an_operation_rpc(client, faults):
    session = _session(client)
    handle = _execute(client, session).operationHandle
    faults.add(Fault("expire_session"))
    status = client.GetOperationStatus(T.TGetOperationStatusReq(handle)).status
    assert status.statusCode == Status.INVALID_HANDLE_STATUS
    assert _execute(client, session).status.statusCode == Status.INVALID_HANDLE_STATUS


def test_open_session_is_never_expired(client, faults):
    faults.add(Fault("expire_session"))
    assert _session(client) is not None
    assert faults.snapshot()["total"] == 0


def test_statement_latency_keeps_the_statement_running(client, faults):
    faults.add(Fault("statement_latency", seconds=0.6))
    session = _session(client)
    started = time.monotonic()
    resp = _execute(client, session)
    assert resp.directResults.operationStatus.operationState == State.RUNNING_STATE
    assert resp.directResults.resultSetMetadata is None
    state = State.RUNNING_STATE
    while state == State.RUNNING_STATE:
        state = client.GetOperationStatus(T.TGetOperationStatusReq(resp.operationHandle))
        state = state.operationState
    assert state == State.FINISHED_STATE
    assert time.monotonic() - started >= 0.6
    assert _execute(client, session).directResults.operationStatus.operationState == (
        State.FINISHED_STATE
    )
    assert faults.snapshot()["injected"] == {"statement_latency": 1}


def test_a_statement_in_injected_latency_can_be_canceled(client, faults):
    faults.add(Fault("statement_latency", seconds=30))
    session = _session(client)
    handle = _execute(client, session, direct=None).operationHandle
    started = time.monotonic()
    client.CancelOperation(T.TCancelOperationReq(handle))
    status = client.GetOperationStatus(T.TGetOperationStatusReq(handle))
    assert status.operationState == State.CANCELED_STATE
    assert time.monotonic() - started < 5


def test_cancel_statement_cancels_the_requests_statement_as_someone_else_would(client, faults):
    handle = _execute(client, _session(client), direct=None).operationHandle
    faults.add(Fault("cancel_statement", rpc="FetchResults"))
    fetch = client.FetchResults(T.TFetchResultsReq(operationHandle=handle, maxRows=10))
    assert fetch.status.statusCode == Status.ERROR_STATUS
    assert fetch.status.errorMessage.startswith("[CANCELED] Operation ")
    status = client.GetOperationStatus(T.TGetOperationStatusReq(handle))
    assert status.operationState == State.CANCELED_STATE
    assert faults.snapshot()["injected"] == {"cancel_statement": 1}


def test_stop_warehouse_ends_every_session_and_the_next_one_starts_it(tmp_path, faults):
    warehouse = Warehouse(tmp_path / "warehouse.json", "w1")
    handler = ThriftHandler(FakeEngine(STATEMENTS), warehouse, faults, direct_wait=0.2)
    client = WireClient(ThriftService(handler))
    session, other = _session(client), _session(client)
    handle = _execute(client, session).operationHandle
    faults.add(Fault("stop_warehouse", rpc="FetchResults"))
    fetch = client.FetchResults(T.TFetchResultsReq(operationHandle=handle, maxRows=10))
    assert "[INVALID_HANDLE.OPERATION_NOT_FOUND]" in fetch.status.errorMessage
    assert warehouse.state == STOPPED
    assert _execute(client, other).status.statusCode == Status.INVALID_HANDLE_STATUS
    assert _execute(client, _session(client)).status.statusCode == Status.SUCCESS_STATUS
    assert warehouse.state == RUNNING
    assert faults.snapshot()["injected"] == {"stop_warehouse": 1}

"""Statements on workers: RUNNING replies, cancel and close at any time, idle expiry."""

from __future__ import annotations

import time

import pyarrow as pa
import pytest
from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import SqlError, StatementResult
from local_workspace.sql.endpoint import ThriftService
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.sessions import IdleLimits
from unit_tests.local_workspace.fakes import FakeEngine, table_result
from unit_tests.local_workspace.thrift_client import WireClient

Status = T.TStatusCode
State = T.TOperationState
DIRECT = T.TSparkGetDirectResults(maxRows=1000, maxBytes=1 << 20)


@pytest.fixture
def engine() -> FakeEngine:
    def slow(parameters) -> StatementResult:
        if not engine.interrupted.wait(timeout=30):
            raise AssertionError("never interrupted")
        raise SqlError("OPERATION_INTERRUPTED", "HY008", "Interrupted.")

    engine = FakeEngine({"one": lambda p: table_result(pa.table({"x": [1]})), "slow": slow})
    return engine


@pytest.fixture
def handler(engine) -> ThriftHandler:
    limits = IdleLimits(session_seconds=60, operation_seconds=10)
    return ThriftHandler(engine, idle=limits, direct_wait=0.1, poll_wait=0.05)


@pytest.fixture
def client(handler) -> WireClient:
    return WireClient(ThriftService(handler))


def _session(client) -> T.TSessionHandle:
    return client.OpenSession(T.TOpenSessionReq(client_protocol_i64=42247)).sessionHandle


def _execute(client, session, sql, direct=DIRECT) -> T.TExecuteStatementResp:
    req = T.TExecuteStatementReq(sessionHandle=session, statement=sql, getDirectResults=direct)
    return client.ExecuteStatement(req)


def _state(client, handle) -> int:
    return client.GetOperationStatus(T.TGetOperationStatusReq(handle)).operationState


def test_a_slow_statement_replies_running_and_cancel_ends_it_at_once(client, engine):
    resp = _execute(client, _session(client), "slow")
    assert resp.directResults.operationStatus.operationState == State.RUNNING_STATE
    assert _state(client, resp.operationHandle) == State.RUNNING_STATE
    assert (
        client.CancelOperation(T.TCancelOperationReq(resp.operationHandle)).status.statusCode == 0
    )
    assert engine.interrupted.is_set()
    status = client.GetOperationStatus(T.TGetOperationStatusReq(resp.operationHandle))
    assert (status.operationState, status.errorMessage) == (State.CANCELED_STATE, None)


def test_closing_the_session_interrupts_its_running_statement(client, engine):
    session = _session(client)
    handle = _execute(client, session, "slow").operationHandle
    client.CloseSession(T.TCloseSessionReq(session))
    assert engine.interrupted.is_set()
    assert engine.sessions[0].closed
    assert _state(client, handle) is None  # the handle is gone


def test_many_sessions_run_side_by_side(client):
    sessions = [_session(client) for _ in range(8)]
    replies = [_execute(client, s, "one") for s in sessions]
    for reply in replies:
        while _state(client, reply.operationHandle) == State.RUNNING_STATE:
            pass
    assert {_state(client, r.operationHandle) for r in replies} == {State.FINISHED_STATE}
    assert len({s.sessionId.guid for s in sessions}) == 8


def test_idle_sessions_expire(client, handler):
    session = _session(client)
    assert handler.registry.expire_idle(time.monotonic() + 61) == (1, 0)
    status = _execute(client, session, "one").status
    assert status.statusCode == Status.INVALID_HANDLE_STATUS
    assert "[INVALID_HANDLE.SESSION_NOT_FOUND]" in status.errorMessage


def test_abandoned_results_expire_but_running_statements_do_not(client, handler):
    session = _session(client)
    finished = _execute(client, session, "one").operationHandle
    running = _execute(client, _session(client), "slow").operationHandle
    assert handler.registry.expire_idle(time.monotonic() + 11) == (0, 1)
    fetch = client.FetchResults(T.TFetchResultsReq(operationHandle=finished, maxRows=10))
    assert "[INVALID_HANDLE.OPERATION_ABANDONED]" in fetch.status.errorMessage
    assert _state(client, running) == State.RUNNING_STATE
    client.CancelOperation(T.TCancelOperationReq(running))
    assert handler.registry.counts() == {"sessions": 2, "operations": 1}

"""Fault switches over the app: the admin endpoint, HTTP faults on Thrift RPCs and REST paths."""

from __future__ import annotations

import json

import pytest
from databricks.sql.thrift_api.TCLIService import TCLIService
from databricks.sql.thrift_api.TCLIService import ttypes as T
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TTransport import TMemoryBuffer

from local_workspace.auth import TokenStore
from local_workspace.data_dir import DataDir
from local_workspace.fault_middleware import ConnectionDropped, thrift_rpc_name
from local_workspace.faults import Fault, Faults
from local_workspace.server import Workspace, build_app
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.warehouse import RECORD_FILE, Warehouse
from unit_tests.local_workspace.asgi import call
from unit_tests.local_workspace.fakes import FakeEngine

TOKEN = "dapi-unit-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
THRIFT = {**AUTH, "Content-Type": "application/x-thrift"}
ID = "0123456789abcdef"
SQL_PATH = f"/sql/1.0/warehouses/{ID}"


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def app(tmp_path, faults):
    data_dir = DataDir(tmp_path / "ws").ensure()
    warehouse = Warehouse(tmp_path / RECORD_FILE, ID)
    sql = ThriftHandler(FakeEngine(), warehouse, faults)
    return build_app(Workspace(data_dir, TokenStore(TOKEN), ID, "1", sql, faults=faults))


def _open_session_body() -> bytes:
    out = TMemoryBuffer()
    client = TCLIService.Client(TBinaryProtocol(out))
    client.send_OpenSession(T.TOpenSessionReq(client_protocol_i64=42247))
    return out.getvalue()


def _arm(app, **fault) -> dict:
    reply = call(app, "POST", "/local/faults", AUTH, json.dumps(fault).encode())
    assert reply.status == 200, reply.body
    return reply.json()


def test_the_rpc_name_is_read_from_the_thrift_message():
    assert thrift_rpc_name(_open_session_body()) == "OpenSession"
    assert thrift_rpc_name(b"\x80") is None


def test_admin_endpoint_arms_lists_and_clears_faults(app):
    armed = _arm(app, kind="unavailable", rpc="ExecuteStatement", count=2)
    assert armed["faults"][0] | {"kind": "unavailable", "count": 2} == armed["faults"][0]
    body = {"faults": [{"kind": "slow_start", "seconds": 3}, {"kind": "expire_session"}]}
    reply = call(app, "POST", "/local/faults", AUTH, json.dumps(body).encode())
    assert [f["id"] for f in reply.json()["faults"]] == [1, 2, 3]
    assert call(app, "DELETE", "/local/faults", AUTH).json()["faults"] == []
    assert call(app, "GET", "/local/faults", AUTH).json() == {
        "faults": [],
        "injected": {},
        "total": 0,
    }


def test_admin_endpoint_needs_the_token_and_a_valid_fault(app):
    assert call(app, "GET", "/local/faults").status == 401
    reply = call(app, "POST", "/local/faults", AUTH, b'{"kind": "explode"}')
    assert reply.status == 400
    assert "unknown fault kind" in reply.json()["message"]


@pytest.mark.parametrize(
    ("kind", "status", "error_code"),
    [("unavailable", 503, "TEMPORARILY_UNAVAILABLE"), ("rate_limited", 429, None)],
)
def test_an_http_fault_on_a_thrift_rpc_answers_its_status_with_retry_after(
    app, faults, kind, status, error_code
):
    _arm(app, kind=kind, rpc="OpenSession", retry_after=2)
    reply = call(app, "POST", SQL_PATH, THRIFT, _open_session_body())
    assert (reply.status, reply.headers["retry-after"]) == (status, "2")
    assert reply.json()["error_code"] == (error_code or "REQUEST_LIMIT_EXCEEDED")
    assert "injected fault 1" in reply.headers["x-thriftserver-error-message"]
    assert call(app, "POST", SQL_PATH, THRIFT, _open_session_body()).status == 200  # spent
    assert faults.snapshot()["injected"] == {kind: 1}


def test_an_http_fault_on_another_rpc_lets_this_one_through(app, faults):
    _arm(app, kind="unavailable", rpc="ExecuteStatement")
    assert call(app, "POST", SQL_PATH, THRIFT, _open_session_body()).status == 200
    assert faults.snapshot()["total"] == 0


def test_an_http_fault_on_a_rest_path(app):
    _arm(app, kind="unavailable", path="/api/2.0/sql/warehouses", count=1)
    assert call(app, "GET", "/api/2.0/sql/warehouses", AUTH).status == 503
    assert call(app, "GET", "/api/2.0/sql/warehouses", AUTH).status == 200


def test_admin_routes_are_never_faulted(app):
    _arm(app, kind="unavailable", count=0)
    assert call(app, "GET", "/local/faults", AUTH).status == 200
    assert call(app, "GET", "/api/2.0/sql/warehouses", AUTH).status == 503


def test_a_dropped_connection_sends_half_the_reply_then_fails(app, faults):
    _arm(app, kind="drop_connection", rpc="OpenSession")
    with pytest.raises(ConnectionDropped):
        call(app, "POST", SQL_PATH, THRIFT, _open_session_body())
    assert faults.snapshot()["injected"] == {"drop_connection": 1}
    assert call(app, "POST", SQL_PATH, THRIFT, _open_session_body()).status == 200


def test_faults_armed_at_start_fire(tmp_path):
    faults = Faults([Fault("rate_limited", path="/api/2.0/sql/warehouses")])
    data_dir = DataDir(tmp_path / "ws").ensure()
    sql = ThriftHandler(FakeEngine(), Warehouse(tmp_path / RECORD_FILE, ID), faults)
    app = build_app(Workspace(data_dir, TokenStore(TOKEN), ID, "1", sql, faults=faults))
    assert call(app, "GET", "/api/2.0/sql/warehouses", AUTH).status == 429

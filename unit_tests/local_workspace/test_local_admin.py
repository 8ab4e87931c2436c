"""``/local/sql`` (open sessions and operations) and the benchmark-only Arrow route."""

from __future__ import annotations

import lz4.frame
import pyarrow as pa
import pytest

from local_workspace.auth import TokenStore
from local_workspace.data_dir import DataDir
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID
from local_workspace.rest.local_admin import _result_frames
from local_workspace.server import Workspace, build_app
from local_workspace.sql.handler import ThriftHandler
from unit_tests.local_workspace.asgi import call
from unit_tests.local_workspace.fakes import FakeEngine, range_result

TOKEN = "dapi-unit-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def handler() -> ThriftHandler:
    return ThriftHandler(FakeEngine({"range": lambda p: range_result(25_000, batch_rows=10_000)}))


@pytest.fixture
def app(tmp_path, handler):
    data_dir = DataDir(tmp_path / "ws").ensure()
    return build_app(Workspace(data_dir, TokenStore(TOKEN), "0123456789abcdef", "1", handler))


def test_sql_status_counts_sessions(app, handler):
    assert call(app, "GET", "/local/sql", AUTH).json() == {"sessions": 0, "operations": 0}
    handler.registry.open_session(None, None, {})
    assert call(app, "GET", "/local/sql", AUTH).json() == {"sessions": 1, "operations": 0}
    assert call(app, "GET", "/local/sql").status == 401


@pytest.mark.parametrize("compressed", [False, True])
def test_bench_payloads_are_the_wire_payloads_length_prefixed(handler, compressed):
    # (through the app, the in-process ASGI caller disconnects before a stream is read)
    body = b"".join(_result_frames(handler.registry.engine, "range", compressed))
    payloads, offset = [], 0
    while offset < len(body):
        size = int.from_bytes(body[offset : offset + 8], "little")
        payload = body[offset + 8 : offset + 8 + size]
        payloads.append(lz4.frame.decompress(payload) if compressed and payloads else payload)
        offset += 8 + size
    table = pa.ipc.open_stream(b"".join(payloads)).read_all()
    assert table.column("id").to_pylist() == list(range(25_000))
    assert len(payloads) == 4  # the schema, then one payload per batch


def test_bench_route_reports_a_bad_statement(app):
    reply = call(app, "GET", "/local/bench/arrow?sql=nonsense", AUTH)
    assert reply.status == 400
    assert "Syntax error" in reply.json()["message"]


def test_a_cluster_fails_through_the_admin_route(app):
    path = f"/local/clusters/{ALL_PURPOSE_ID}/fail"
    assert call(app, "POST", path).status == 401
    reply = call(app, "POST", path, AUTH, b'{"code": "SPOT_INSTANCE_TERMINATION"}')
    assert reply.json() == {"cluster_id": ALL_PURPOSE_ID, "state": "TERMINATED"}
    details = call(app, "GET", f"/api/2.1/clusters/get?cluster_id={ALL_PURPOSE_ID}", AUTH).json()
    assert details["state"] == "TERMINATED"
    assert details["state_message"].startswith("The driver became unreachable")
    assert details["termination_reason"] == {
        "code": "SPOT_INSTANCE_TERMINATION",
        "type": "SERVICE_FAULT",
        "parameters": {},
    }
    assert call(app, "POST", path, AUTH).status == 400  # already down


def test_no_context_is_listed_and_an_unknown_one_cannot_be_killed(app):
    assert call(app, "GET", "/local/contexts", AUTH).json() == {"contexts": []}
    assert call(app, "POST", "/local/contexts/123/kill-worker", AUTH).status == 404

"""SQL Warehouses API 2.0 over the app: list, get, start, stop of the one warehouse."""

from __future__ import annotations

import pytest

from local_workspace.auth import TokenStore
from local_workspace.data_dir import DataDir
from local_workspace.server import Workspace, build_app
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.warehouse import RECORD_FILE, Warehouse
from unit_tests.local_workspace.asgi import call
from unit_tests.local_workspace.fakes import FakeEngine

TOKEN = "dapi-unit-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ID = "0123456789abcdef"
PREFIX = "/api/2.0/sql/warehouses"


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    return Warehouse(tmp_path / RECORD_FILE, ID, start_delay=lambda: 60)


@pytest.fixture
def app(tmp_path, warehouse):
    data_dir = DataDir(tmp_path / "ws").ensure()
    sql = ThriftHandler(FakeEngine(), warehouse)
    return build_app(Workspace(data_dir, TokenStore(TOKEN), ID, "1234567890", sql))


def test_list_has_the_one_warehouse_with_its_sql_endpoint(app):
    reply = call(app, "GET", PREFIX, AUTH)
    assert reply.status == 200
    (info,) = reply.json()["warehouses"]
    assert {k: info[k] for k in ("id", "state", "num_clusters", "num_active_sessions")} == {
        "id": ID,
        "state": "RUNNING",
        "num_clusters": 1,
        "num_active_sessions": 0,
    }
    assert info["odbc_params"] == {
        "hostname": "127.0.0.1",
        "path": f"/sql/1.0/warehouses/{ID}",
        "port": 8443,
        "protocol": "https",
    }
    assert f"httpPath=/sql/1.0/warehouses/{ID};" in info["jdbc_url"]


def test_stop_then_start_changes_the_state_at_once(app):
    assert call(app, "POST", f"{PREFIX}/{ID}/stop", AUTH).json() == {}
    assert call(app, "GET", f"{PREFIX}/{ID}", AUTH).json()["state"] == "STOPPED"
    assert call(app, "POST", f"{PREFIX}/{ID}/start", AUTH).json() == {}
    info = call(app, "GET", f"{PREFIX}/{ID}", AUTH).json()
    assert info["state"] == "STARTING"
    assert info["health"]["summary"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("POST", "/nope/start"), ("POST", "/nope/stop")],
)
def test_an_unknown_warehouse_does_not_exist(app, method, path):
    reply = call(app, method, PREFIX + path, AUTH)
    assert reply.status == 404
    assert reply.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert ID in reply.json()["message"]


def test_the_api_needs_the_token(app):
    assert call(app, "GET", PREFIX).status == 401

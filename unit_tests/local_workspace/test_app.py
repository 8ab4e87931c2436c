from __future__ import annotations

import base64
import json

import pytest

from local_workspace.auth import TokenStore
from local_workspace.data_dir import DataDir
from local_workspace.server import Workspace, build_app
from local_workspace.sql.handler import ThriftHandler
from unit_tests.local_workspace.asgi import call
from unit_tests.local_workspace.fakes import FakeEngine

TOKEN = "dapi-unit-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
THRIFT = {"Content-Type": "application/x-thrift"}


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    data_dir = DataDir(tmp_path / "ws").ensure()
    return Workspace(data_dir, TokenStore(TOKEN), "0123456789abcdef", "1234567890", None)


@pytest.fixture
def app(workspace):
    workspace.sql = ThriftHandler(FakeEngine())
    return build_app(workspace)


def test_host_metadata_is_public(app):
    reply = call(app, "GET", "/.well-known/databricks-config")
    assert reply.status == 200
    assert reply.json() == {
        "workspace_id": "1234567890",
        "cloud": "aws",
        "oidc_endpoint": "https://127.0.0.1:8443/oidc",
    }


def test_oidc_discovery_is_public(app):
    reply = call(app, "GET", "/oidc/.well-known/oauth-authorization-server")
    assert reply.status == 200
    assert reply.json()["token_endpoint"] == "https://127.0.0.1:8443/oidc/v1/token"


@pytest.mark.parametrize(
    ("headers", "status", "error_code"),
    [
        ({}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Basic abc"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Bearer"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Bearer dapi-wrong"}, 403, "PERMISSION_DENIED"),
    ],
)
def test_requests_without_a_valid_token_are_rejected(app, headers, status, error_code):
    reply = call(app, "POST", "/sql/1.0/warehouses/0123456789abcdef", headers, b"x")
    assert reply.status == status
    assert reply.json()["error_code"] == error_code
    assert reply.json()["message"]


def test_thrift_auth_failures_carry_the_message_in_headers(app):
    reply = call(app, "POST", "/sql/1.0/warehouses/0123456789abcdef", THRIFT, b"x")
    assert reply.status == 401
    assert reply.headers["x-thriftserver-error-message"].startswith("UNAUTHENTICATED: ")
    assert reply.headers["x-databricks-reason-phrase"]


def test_unknown_warehouse_is_not_found_by_name(app):
    reply = call(app, "POST", "/sql/1.0/warehouses/ffff", {**AUTH, **THRIFT}, b"x")
    assert reply.status == 404
    assert reply.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert "ffff" in reply.json()["message"]
    assert "ffff" in reply.headers["x-thriftserver-error-message"]


def test_unknown_endpoint_needs_auth_then_is_databricks_shaped(app):
    assert call(app, "GET", "/api/2.0/nope").status == 401
    reply = call(app, "GET", "/api/2.0/nope", AUTH)
    assert (reply.status, reply.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")


def test_wrong_method_is_databricks_shaped(app):
    reply = call(app, "GET", "/sql/1.0/warehouses/0123456789abcdef", AUTH)
    assert (reply.status, reply.json()["error_code"]) == (405, "METHOD_NOT_ALLOWED")


def _token_request(app, body: dict[str, str], basic: tuple[str, str] | None = None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(basic).encode()).decode()
    form = "&".join(f"{k}={v}" for k, v in body.items()).encode()
    return call(app, "POST", "/oidc/v1/token", headers, form)


@pytest.fixture
def principal(workspace):
    principals = [{"client_id": "sp-1", "client_secret": "s3cret"}]
    workspace.data_dir.service_principals_file.write_text(json.dumps(principals))


@pytest.mark.parametrize("use_basic", [True, False])
def test_service_principal_gets_a_token_that_authenticates(app, principal, use_basic):
    body = {"grant_type": "client_credentials", "scope": "all-apis"}
    if use_basic:
        reply = _token_request(app, body, basic=("sp-1", "s3cret"))
    else:
        reply = _token_request(app, {**body, "client_id": "sp-1", "client_secret": "s3cret"})
    assert reply.status == 200
    token = reply.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert call(app, "GET", "/api/2.0/nope", headers).status == 404  # past auth


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_unknown_client_credentials_are_invalid_client(app, principal, secret):
    reply = _token_request(app, {"grant_type": "client_credentials"}, basic=("sp-1", secret))
    assert reply.status == 401
    assert reply.json()["error"] == "invalid_client"
    assert reply.headers["content-type"].startswith("application/json")


def test_token_endpoint_without_principals_file_is_invalid_client(app):
    reply = _token_request(app, {"grant_type": "client_credentials"}, basic=("sp-1", "x"))
    assert reply.json()["error"] == "invalid_client"


def test_other_grants_are_unsupported(app, principal):
    reply = _token_request(app, {"grant_type": "password"}, basic=("sp-1", "s3cret"))
    assert (reply.status, reply.json()["error"]) == (400, "unsupported_grant_type")


def test_malformed_thrift_body_is_a_bad_request(app):
    reply = call(app, "POST", "/sql/1.0/warehouses/0123456789abcdef", {**AUTH, **THRIFT}, b"\x80")
    assert (reply.status, reply.json()["error_code"]) == (400, "BAD_REQUEST")

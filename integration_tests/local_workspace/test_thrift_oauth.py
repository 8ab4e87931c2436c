"""OAuth M2M end to end: the SDK gets a token from the workspace; the SQL client uses it."""

from __future__ import annotations

import json
import os

import pytest
from databricks import sql
from databricks.sdk.core import Config

from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

PRINCIPAL = {"client_id": "sp-thrift", "client_secret": "s3cret-thrift"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("oauth") / "ws") as ws:
        ws.data_dir.service_principals_file.write_text(json.dumps([PRINCIPAL]))
        yield ws


@pytest.fixture(autouse=True)
def sdk_env(monkeypatch, workspace):
    for name in [n for n in os.environ if n.startswith(("DATABRICKS_", "ARM_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))  # the SDK uses requests


def _config(workspace: RunningWorkspace, secret: str) -> Config:
    return Config(
        host=workspace.url,
        client_id=PRINCIPAL["client_id"],
        client_secret=secret,
        auth_type="oauth-m2m",
    )


def test_sdk_reads_host_metadata(workspace):
    config = _config(workspace, PRINCIPAL["client_secret"])
    assert config.workspace_id.isdigit()
    assert config.discovery_url == f"{workspace.url}/oidc/.well-known/oauth-authorization-server"


def test_sql_client_authenticates_with_the_sdk_token(workspace):
    config = _config(workspace, PRINCIPAL["client_secret"])
    kwargs = workspace.sql_connect_kwargs(credentials_provider=lambda: config.authenticate)
    del kwargs["access_token"]
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 AS one")
        assert cursor.fetchall()[0].one == 1


def test_wrong_secret_is_invalid_client(workspace):
    with pytest.raises(ValueError, match="invalid_client"):
        _config(workspace, "wrong").authenticate()

"""A WorkspaceClient whose HTTP calls go to requests-mock."""

from __future__ import annotations

import requests_mock
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

HOST = "https://ws.example.com"


def mocked_client(mock: requests_mock.Mocker) -> WorkspaceClient:
    mock.get(f"{HOST}/.well-known/databricks-config", json={})
    config = Config(host=HOST, token="t", auth_type="pat", retry_timeout_seconds=5)
    return WorkspaceClient(config=config)


def api(path: str) -> str:
    return f"{HOST}{path}"

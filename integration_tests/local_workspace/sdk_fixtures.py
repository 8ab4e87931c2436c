"""Fixtures for tests that drive the local workspace with the real ``databricks-sdk``.

    from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401

The SDK uses ``requests``, which prefers ``REQUESTS_CA_BUNDLE`` over a session's ``verify``, so
the local CA is trusted through that variable for the module's duration.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient

from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

FAST_CLUSTERS = {"LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS": "0.2"}


@pytest.fixture(scope="module")
def sdk_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    """A running local workspace whose clusters start in 0.2 s."""
    with running_workspace(tmp_path_factory.mktemp("sdk-workspace"), env=FAST_CLUSTERS) as ws:
        yield ws


@pytest.fixture(scope="module")
def w(sdk_workspace: RunningWorkspace) -> Iterator[WorkspaceClient]:
    """A WorkspaceClient for ``sdk_workspace`` (PAT auth, local CA trusted)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("DATABRICKS_", "ARM_"))}
    for name in saved:
        del os.environ[name]
    previous = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(sdk_workspace.ca_file)
    try:
        yield WorkspaceClient(host=sdk_workspace.url, token=sdk_workspace.token)
    finally:
        os.environ.update(saved)
        if previous is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = previous

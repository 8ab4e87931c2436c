"""Session fixtures: one local workspace, seeded with the demo, shared by the connector tests."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from integration_tests.local_workspace_process import ROOT, RunningWorkspace, running_workspace

# Recognisable, so a leak is found by a plain substring search: run_connector fails any run that
# prints the token of its config, running_workspace a server that prints its own.
DEMO_TOKEN = "dapi" + "integrationtoken" + secrets.token_hex(8)


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    """A running local workspace holding main.demo, as `seed-demo` makes it."""
    data_dir = tmp_path_factory.mktemp("demo-workspace")
    with running_workspace(data_dir, env={"LOCAL_WORKSPACE_TOKEN": DEMO_TOKEN}) as workspace:
        seed = [sys.executable, "-m", "local_workspace", "seed-demo", "--data-dir", str(data_dir)]
        subprocess.run(seed, cwd=ROOT, check=True, capture_output=True, timeout=300)
        yield workspace


@pytest.fixture(scope="session")
def connector_config(demo_workspace: RunningWorkspace) -> dict[str, Any]:
    """The connector's config for the demo workspace, as a user would write it."""
    return config_for(demo_workspace)


def config_for(workspace: RunningWorkspace, **overrides: Any) -> dict[str, Any]:
    config = {
        "host": workspace.url,
        "credentials": {
            "auth_type": "personal_access_token",
            "personal_access_token": workspace.token,
        },
        "http_path": workspace.http_path,
        "ca_bundle_path": str(workspace.ca_file),
        "catalogs": ["main"],
        "include_schemas": ["demo"],
    }
    return {**config, **overrides}

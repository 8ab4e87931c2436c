"""OAuth M2M through the real main.py: the SDK fetches the token, both clients use it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import configured_catalog, run_connector
from integration_tests.local_workspace_process import ROOT, running_workspace
from local_workspace import demo_data

PRINCIPAL = {"client_id": "airbyte-sync-sp", "client_secret": "oauth-secret-7f3a9c"}


@pytest.fixture(scope="module")
def oauth_config(demo_workspace) -> dict:
    principals = demo_workspace.data_dir.service_principals_file
    principals.write_text(json.dumps([PRINCIPAL]))
    credentials = {"auth_type": "oauth_m2m", **PRINCIPAL}
    return config_for(demo_workspace, credentials=credentials)


def test_check_discover_and_read_with_a_service_principal(oauth_config):
    check = run_connector("check", config=oauth_config)
    assert [m["connectionStatus"]["status"] for m in check.of_type("CONNECTION_STATUS")] == [
        "SUCCEEDED"
    ], check.stdout[-2000:]
    streams = run_connector("discover", config=oauth_config).of_type("CATALOG")[0]["catalog"]
    customers = next(s for s in streams["streams"] if s["name"] == "customers")
    read = run_connector("read", config=oauth_config, catalog=configured_catalog([customers]))
    assert read.returncode == 0
    assert len(read.records) > 0
    assert PRINCIPAL["client_secret"] not in check.stdout + read.stdout + read.stderr


def test_a_wrong_client_secret_is_a_config_error_that_never_shows_the_secret(oauth_config):
    wrong = {
        **oauth_config,
        "credentials": {**oauth_config["credentials"], "client_secret": "nope-123456"},
    }
    run = run_connector("check", config=wrong)
    statuses = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses == ["FAILED"], run.stdout[-3000:]
    assert run.errors[0]["failure_type"] == "config_error"
    assert "client_secret" in run.errors[0]["message"]
    assert "nope-123456" not in run.stdout + run.stderr


def test_a_token_that_expires_mid_read_is_renewed(tmp_path_factory):
    # A workspace whose OAuth tokens live 2 s, and a read of 1M rows that lasts longer.
    lifetime = {"LOCAL_WORKSPACE_TOKEN_LIFETIME_SECONDS": "2"}
    data_dir = tmp_path_factory.mktemp("short-tokens")
    with running_workspace(data_dir, env=lifetime) as workspace:
        workspace.data_dir.service_principals_file.write_text(json.dumps([PRINCIPAL]))
        seed = [sys.executable, "-m", "local_workspace", "seed-demo", "--data-dir", str(data_dir)]
        subprocess.run(seed, cwd=ROOT, check=True, capture_output=True, timeout=300)
        credentials = {"auth_type": "oauth_m2m", **PRINCIPAL}
        config = config_for(workspace, credentials=credentials)
        streams = run_connector("discover", config=config).of_type("CATALOG")[0]["catalog"]
        events = next(s for s in streams["streams"] if s["name"] == "events")
        read = run_connector("read", config=config, catalog=configured_catalog([events]))
    assert read.returncode == 0, read.stdout[-2000:]
    assert len(read.records) == demo_data.EVENTS_ROWS
    assert read.seconds > 2 * 2  # the read outlived at least two tokens

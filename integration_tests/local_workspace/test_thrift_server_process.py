"""The server process as users and other processes see it: start-up, auth, shutdown."""

from __future__ import annotations

import stat
import subprocess
import sys
import time

import pytest
from databricks import sql
from databricks.sql.exc import RequestError
from urllib3.exceptions import MaxRetryError

from integration_tests.local_workspace_process import ROOT, RunningWorkspace, running_workspace
from local_workspace.data_dir import DataDir

ENV_TOKEN = "dapi" + "e" * 32


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("process") / "ws") as ws:
        yield ws


def _select_one(ws: RunningWorkspace, **overrides) -> int:
    with sql.connect(**ws.sql_connect_kwargs(**overrides)) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT 1 AS one")
        return cursor.fetchall()[0].one


def test_start_up_lines_name_the_files_never_the_token(workspace):
    stdout, _ = workspace.output()
    assert f"listening on https://127.0.0.1:{workspace.port}" in stdout
    assert str(workspace.data_dir.token_file) in stdout
    assert str(workspace.ca_file) in stdout
    assert workspace.http_path in stdout
    assert workspace.token not in stdout


def test_server_json_and_token_file(workspace):
    info = workspace.data_dir.read_server_info()
    assert (info.host, info.pid) == ("127.0.0.1", workspace.process.pid)
    assert info.http_path == f"/sql/1.0/warehouses/{info.warehouse_id}"
    assert len(info.warehouse_id) == 16
    assert stat.S_IMODE(workspace.data_dir.token_file.stat().st_mode) == 0o600
    assert workspace.token.startswith("dapi")


def test_wrong_token_is_rejected_fast(workspace):
    started = time.monotonic()
    with pytest.raises(RequestError, match="PERMISSION_DENIED"):
        _select_one(workspace, access_token="dapi-not-the-token")
    assert time.monotonic() - started < 5


def test_unknown_warehouse_is_rejected_by_name(workspace):
    started = time.monotonic()
    with pytest.raises(RequestError, match=r"RESOURCE_DOES_NOT_EXIST.*0000000000000000"):
        _select_one(workspace, http_path="/sql/1.0/warehouses/0000000000000000")
    assert time.monotonic() - started < 5


def test_untrusted_client_cannot_connect(workspace):
    # Without the CA bundle the client must refuse the certificate (it is not a public one).
    kwargs = workspace.sql_connect_kwargs(_retry_stop_after_attempts_count=1)
    del kwargs["_tls_trusted_ca_file"]
    with pytest.raises(MaxRetryError, match=r"CERTIFICATE_VERIFY_FAILED"):
        sql.connect(**kwargs).close()


def test_env_token_restart_and_clean_shutdown(tmp_path):
    data_dir = tmp_path / "ws"
    with running_workspace(data_dir, env={"LOCAL_WORKSPACE_TOKEN": ENV_TOKEN}) as ws:
        assert ws.token == ENV_TOKEN and _select_one(ws) == 1
        first = (ws.warehouse_id, ws.ca_file.read_bytes())
        assert ws.stop() == 0
        assert ws.data_dir.read_server_info() is None  # removed on SIGTERM
        stdout, stderr = ws.output()
        assert ENV_TOKEN not in stdout and ENV_TOKEN not in stderr
    with running_workspace(data_dir, env={"LOCAL_WORKSPACE_TOKEN": ""}) as ws:
        assert ws.token == ENV_TOKEN  # kept in the token file
        assert (ws.warehouse_id, ws.ca_file.read_bytes()) == first
        assert _select_one(ws) == 1


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "local_workspace", "serve", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_second_server_on_the_same_data_dir_refuses_to_start(workspace):
    result = _serve("--port", "0", "--data-dir", str(workspace.data_dir.path))
    assert result.returncode == 1
    assert "already serves" in result.stderr and str(workspace.process.pid) in result.stderr
    assert workspace.data_dir.read_server_info().pid == workspace.process.pid


def test_busy_port_is_a_clear_error(workspace, tmp_path):
    result = _serve("--port", str(workspace.port), "--data-dir", str(tmp_path / "other"))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{workspace.port}" in result.stderr


def test_ca_bundle_command_prints_the_ca_path(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "local_workspace", "ca-bundle", "--data-dir", str(tmp_path / "ws")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == str(DataDir(tmp_path / "ws").ca_file)
    assert DataDir(tmp_path / "ws").ca_file.exists()

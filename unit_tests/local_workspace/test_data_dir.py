from __future__ import annotations

import re
import stat

import pytest

from local_workspace.data_dir import TOKEN_ENV, DataDir, ServerInfo


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "ws").ensure()


def test_generated_token_looks_like_a_pat_not_a_jwt(data_dir):
    token = data_dir.ensure_token(env={})
    assert re.fullmatch(r"dapi[0-9a-f]{32}", token)
    assert token.count(".") == 0  # a JWT has three dot-separated parts


def test_token_file_is_private_and_holds_the_token(data_dir):
    token = data_dir.ensure_token(env={})
    assert stat.S_IMODE(data_dir.token_file.stat().st_mode) == 0o600
    assert data_dir.read_token() == token


def test_token_is_stable_across_restarts(data_dir):
    assert data_dir.ensure_token(env={}) == data_dir.ensure_token(env={})


def test_token_from_the_environment_wins_and_is_written(data_dir):
    data_dir.ensure_token(env={})
    token = data_dir.ensure_token(env={TOKEN_ENV: "dapi-from-env"})
    assert token == "dapi-from-env"
    assert data_dir.read_token() == "dapi-from-env"
    assert stat.S_IMODE(data_dir.token_file.stat().st_mode) == 0o600


def test_warehouse_id_is_16_hex_chars_and_persistent(data_dir):
    warehouse_id = data_dir.warehouse_id()
    assert re.fullmatch(r"[0-9a-f]{16}", warehouse_id)
    assert DataDir(data_dir.path).warehouse_id() == warehouse_id


def test_workspace_id_is_numeric_and_persistent(data_dir):
    assert data_dir.workspace_id().isdigit()
    assert data_dir.workspace_id() == data_dir.workspace_id()


def test_server_info_round_trip_and_removal(data_dir):
    info = ServerInfo("127.0.0.1", 8443, 42, "/sql/1.0/warehouses/abc", "abc")
    assert data_dir.read_server_info() is None
    data_dir.write_server_info(info)
    assert data_dir.read_server_info() == info
    assert info.url == "https://127.0.0.1:8443"
    data_dir.remove_server_info()
    assert data_dir.read_server_info() is None


def test_wait_for_server_info_ignores_another_process(data_dir):
    data_dir.write_server_info(ServerInfo("127.0.0.1", 1, 42, "/p", "w"))
    assert data_dir.wait_for_server_info(timeout=1, pid=42).port == 1
    with pytest.raises(TimeoutError, match=r"server\.json"):
        data_dir.wait_for_server_info(timeout=0.2, pid=43)


def test_paths_are_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data_dir = DataDir("rel")
    assert data_dir.ca_file == tmp_path / "rel" / "tls" / "ca.pem"

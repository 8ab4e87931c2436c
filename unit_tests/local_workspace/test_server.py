from __future__ import annotations

import os
import subprocess
import sys

import pytest

from local_workspace.data_dir import DataDir, ServerInfo
from local_workspace.server import StartupError, _refuse_if_running


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "ws").ensure()


def test_stale_server_json_does_not_block_a_start(data_dir):
    data_dir.write_server_info(ServerInfo("127.0.0.1", 1, _dead_pid(), "/p", "w"))
    _refuse_if_running(data_dir)


def test_live_server_blocks_a_second_start(data_dir):
    data_dir.write_server_info(ServerInfo("127.0.0.1", 1, os.getppid(), "/p", "w"))
    with pytest.raises(StartupError, match="already serves"):
        _refuse_if_running(data_dir)

"""Run the real local workspace (`python -m local_workspace serve`) as a subprocess for tests.

    with running_workspace(tmp_path / "ws") as ws:
        with databricks.sql.connect(**ws.sql_connect_kwargs()) as conn: ...

The server's stdout and stderr go to ``<data_dir>/server-stdout.log`` / ``server-stderr.log``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_workspace.data_dir import DataDir, ServerExited

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


@dataclass
class RunningWorkspace:
    """A started server: where it listens and the credentials to reach it."""

    data_dir: DataDir
    process: subprocess.Popen[bytes]
    host: str
    port: int
    http_path: str
    warehouse_id: str
    token: str
    ca_file: Path

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def stdout_file(self) -> Path:
        return self.data_dir.path / "server-stdout.log"

    @property
    def stderr_file(self) -> Path:
        return self.data_dir.path / "server-stderr.log"

    def output(self) -> tuple[str, str]:
        """The server's stdout and stderr so far."""
        return _read(self.stdout_file), _read(self.stderr_file)

    def sql_connect_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for ``databricks.sql.connect`` reaching this workspace."""
        kwargs: dict[str, Any] = {
            "server_hostname": self.host,
            "_port": self.port,
            "http_path": self.http_path,
            "access_token": self.token,
            "_tls_trusted_ca_file": str(self.ca_file),
            "enable_telemetry": False,  # else connect() spends ~34 s probing port 443
        }
        return kwargs | overrides

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """SIGTERM the server and wait for it (killing it past ``timeout``); its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextmanager
def running_workspace(
    data_dir: str | os.PathLike[str],
    port: int = 0,
    env: Mapping[str, str] | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
    args: Sequence[str] = (),
) -> Iterator[RunningWorkspace]:
    """Start ``serve --port port --data-dir data_dir``, wait for server.json, stop on exit.

    ``env`` entries are added to (not replacing) this process's environment, e.g.
    ``{"LOCAL_WORKSPACE_TOKEN": ...}``; ``args`` are more ``serve`` options, e.g.
    ``["--fault", "unavailable@ExecuteStatement"]``. After a clean exit, the server's output is
    checked for its token (it keeps it in ``<data-dir>/token``, never in its output).
    """
    workspace = _start(DataDir(data_dir).ensure(), port, env, start_timeout, args)
    try:
        yield workspace
    finally:
        workspace.stop()
    if len(workspace.token) >= 8:  # shorter ones a substring search would find anywhere
        assert workspace.token not in "".join(workspace.output()), "the token is in the output"


def _start(
    data_dir: DataDir,
    port: int,
    env: Mapping[str, str] | None,
    timeout: float,
    args: Sequence[str] = (),
) -> RunningWorkspace:
    command = [sys.executable, "-m", "local_workspace", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir.path), *args]
    with (
        open(data_dir.path / "server-stdout.log", "wb") as out,
        open(data_dir.path / "server-stderr.log", "wb") as err,
    ):
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err
        )
    try:
        info = _wait_for_info(data_dir, process, timeout)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return RunningWorkspace(
        data_dir=data_dir,
        process=process,
        host=info.host,
        port=info.port,
        http_path=info.http_path,
        warehouse_id=info.warehouse_id,
        token=data_dir.read_token(),
        ca_file=data_dir.ca_file,
    )


def _wait_for_info(data_dir: DataDir, process: subprocess.Popen[bytes], timeout: float):
    try:
        return data_dir.wait_for_server_info(timeout, process.pid, lambda: process.poll() is None)
    except ServerExited as exited:
        stderr = _read(data_dir.path / "server-stderr.log")
        raise ServerExited(f"{exited} (exit code {process.returncode}):\n{stderr}") from None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

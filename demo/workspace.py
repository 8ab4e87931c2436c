"""The local Databricks workspace as a child process: start it, wait until ready, seed it, stop it.

Contract with `python -m local_workspace serve --port 0 --data-dir D`: once ready it writes
`D/server.json` ({host, port, pid, http_path, warehouse_id}), the token in `D/token` and its CA in
`D/tls/ca.pem`; it removes server.json when it stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from demo.process import ROOT, StepError, log_tail, python, run_logged

POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    pid: int
    http_path: str
    warehouse_id: str

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"


def server_file(data_dir: Path) -> Path:
    return data_dir / "server.json"


def read_server(data_dir: Path) -> Server | None:
    """The server.json of `data_dir`, or None while it is absent or still being written."""
    path = server_file(data_dir)
    try:
        fields = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    missing = [name for name in Server.__dataclass_fields__ if name not in fields]
    if missing:
        raise StepError(f"{path} lacks {', '.join(missing)}")
    return Server(**{name: fields[name] for name in Server.__dataclass_fields__})


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reset_data_dir(data_dir: Path) -> None:
    """Empty `data_dir` for a fresh run, unless a server from an earlier run still uses it."""
    earlier = read_server(data_dir)
    if earlier is not None and pid_is_alive(earlier.pid):
        raise StepError(
            f"a local workspace from an earlier demo still runs on {data_dir} "
            f"(pid {earlier.pid}); stop it with `kill {earlier.pid}` and run the demo again"
        )
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)


class LocalWorkspace:
    """One `python -m <module> serve` process on a data directory, its output in `log_path`."""

    def __init__(self, data_dir: Path, log_path: Path, module: str = "local_workspace") -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.module = module
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self, *args: str) -> list[str]:
        return python("-m", self.module, *args, "--data-dir", str(self.data_dir))

    @property
    def token(self) -> str:
        return (self.data_dir / "token").read_text().strip()

    @property
    def ca_bundle(self) -> Path:
        return (self.data_dir / "tls" / "ca.pem").resolve()

    def start(self, timeout: float) -> Server:
        command = self._command("serve", "--port", "0")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        return self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = read_server(self.data_dir)
            if server is not None:
                self._check_files()
                return server
            code = self.process.poll()
            if code is not None:
                raise StepError(
                    f"the local workspace exited with code {code} before it was ready",
                    log_tail(self.log_path),
                )
            time.sleep(POLL_SECONDS)
        raise StepError(
            f"the local workspace wrote no {server_file(self.data_dir)} within {timeout:g} s; "
            "on a slow machine, set DEMO_START_TIMEOUT to a larger number of seconds",
            log_tail(self.log_path),
        )

    def _check_files(self) -> None:
        for path in (self.data_dir / "token", self.ca_bundle):
            if not path.exists():
                raise StepError(f"the local workspace is ready but wrote no {path}")

    def seed(self, log_path: Path, timeout: float) -> None:
        run_logged(self._command("seed-demo"), log_path, timeout, f"{self.module} seed-demo")

    def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; the exit code, or None if never started."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

"""The local Databricks workspace as a child process: start it, wait until ready, seed it, stop it.

`python -m local_workspace serve --port 0 --data-dir D` publishes `D/server.json` once ready and
removes it when stopped by SIGTERM or SIGINT; `local_workspace.data_dir.DataDir` reads that
directory (server info, token, CA), for the demo as for every other client.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

from demo.process import ROOT, StepError, log_tail, python, run_logged
from local_workspace.data_dir import DataDir, ServerExited, ServerInfo, process_exists


def reset_data_dir(data_dir: DataDir) -> None:
    """Empty the data directory for a fresh run, unless an earlier run's server still uses it."""
    earlier = data_dir.read_server_info()
    if earlier is not None and process_exists(earlier.pid):
        raise StepError(
            f"a local workspace from an earlier demo still runs on {data_dir} "
            f"(pid {earlier.pid}); stop it with `kill {earlier.pid}` and run the demo again"
        )
    shutil.rmtree(data_dir.path, ignore_errors=True)
    data_dir.ensure()


class LocalWorkspace:
    """One `python -m <module> serve` process on a data directory, its output in `log_path`."""

    def __init__(self, data_dir: Path, log_path: Path, module: str = "local_workspace") -> None:
        self.data_dir = DataDir(data_dir)
        self.log_path = log_path
        self.module = module
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self, *args: str) -> list[str]:
        return python("-m", self.module, *args, "--data-dir", str(self.data_dir))

    @property
    def token(self) -> str:
        return self.data_dir.read_token()

    @property
    def ca_bundle(self) -> Path:
        return self.data_dir.ca_file

    def start(self, timeout: float) -> ServerInfo:
        command = self._command("serve", "--port", "0")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        return self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> ServerInfo:
        process = self.process
        try:
            info = self.data_dir.wait_for_server_info(
                timeout, pid=process.pid, alive=lambda: process.poll() is None
            )
        except ServerExited:
            message = f"the local workspace exited with code {process.poll()} before it was ready"
            raise StepError(message, log_tail(self.log_path)) from None
        except TimeoutError:
            raise StepError(
                f"the local workspace wrote no {self.data_dir.server_json} within {timeout:g} s; "
                "on a slow machine, set DEMO_START_TIMEOUT to a larger number of seconds",
                log_tail(self.log_path),
            ) from None
        self._check_files()
        return info

    def _check_files(self) -> None:
        for path in (self.data_dir.token_file, self.ca_bundle):
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

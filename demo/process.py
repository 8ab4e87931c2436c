"""Subprocess helpers shared by the demo's steps: logged runs, log tails, one error type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class StepError(Exception):
    """A demo step failed: `message` says what and what to do; `detail` is the evidence (a log)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def python(*args: str) -> list[str]:
    """A command that runs this interpreter (the project's .venv) from the repository root."""
    return [sys.executable, *args]


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    text = path.read_text(errors="replace").rstrip().splitlines()
    return "\n".join(text[-lines:])


def run_logged(command: list[str], log_path: Path, timeout: float, what: str) -> None:
    """Run a command with its output in `log_path`; on failure, raise StepError with the log."""
    with log_path.open("wb") as log:
        try:
            completed = subprocess.run(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            message = f"{what} did not finish in {timeout:.0f} s"
            raise StepError(message, log_tail(log_path)) from None
    if completed.returncode != 0:
        raise StepError(f"{what} exited with code {completed.returncode}", log_tail(log_path))

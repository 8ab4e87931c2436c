"""PyAirbyte's own virtual environment for the tests, made from a hash-locked requirements file.

PyAirbyte pins older duckdb and pyarrow than the connector, so it cannot share the project's
`.venv`. `ensure_pyairbyte_venv()` creates `<root>/pyairbyte-venv` once per machine (root:
`$SOURCE_DATABRICKS_TEST_CACHE`, else `$XDG_CACHE_HOME/source-databricks-tests`, else
`~/.cache/source-databricks-tests`; never inside the repository) and reuses it while its stamp
file matches the lock and the interpreter. Installing needs the package registry; uv is used when
it is on PATH (seconds), pip otherwise (a minute or two). Both install with `--require-hashes`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK_FILE = HERE / "pyairbyte-requirements.txt"
READ_SCRIPT = HERE / "pyairbyte_read.py"
VENV_NAME = "pyairbyte-venv"
STAMP_NAME = "source-databricks-lock.sha256"
INSTALL_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class PyAirbyteVenv:
    path: Path
    created: bool  # False: an existing environment was reused
    seconds: float  # spent creating it (0 when reused)

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


def cache_root() -> Path:
    if root := os.environ.get("SOURCE_DATABRICKS_TEST_CACHE"):
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "source-databricks-tests"


def lock_digest() -> str:
    """What the environment is built from: the lock's bytes and this interpreter's version."""
    digest = hashlib.sha256(LOCK_FILE.read_bytes())
    digest.update(f"\0{sys.version}\0{sys.platform}".encode())
    return digest.hexdigest()


def ensure_pyairbyte_venv(root: Path | None = None) -> PyAirbyteVenv:
    """The PyAirbyte environment under `root`, created (or rebuilt) if its stamp is stale."""
    root = root or cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / VENV_NAME
    wanted = lock_digest()
    with _exclusive(root / f"{VENV_NAME}.lock"):  # two test sessions must not build it at once
        if _stamp(venv) == wanted and (venv / "bin" / "python").exists():
            return PyAirbyteVenv(venv, created=False, seconds=0.0)
        started = time.monotonic()
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _install(venv)
        (venv / STAMP_NAME).write_text(wanted + "\n")  # last: a half-built venv is rebuilt
        return PyAirbyteVenv(venv, created=True, seconds=time.monotonic() - started)


def _install(venv: Path) -> None:
    python = venv / "bin" / "python"
    uv = shutil.which("uv")
    if uv:
        command = [uv, "pip", "install", "--python", str(python)]
    else:
        command = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    _run([*command, "--require-hashes", "--no-deps", "-r", str(LOCK_FILE)])


def _stamp(venv: Path) -> str | None:
    try:
        return (venv / STAMP_NAME).read_text().strip()
    except OSError:
        return None


def _run(command: list[str]) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"Creating PyAirbyte's environment failed (it needs the package registry): "
            f"{' '.join(command)} exited with {done.returncode}\n{done.stdout}\n{done.stderr}"
        )


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_launcher(path: Path, main_py: Path) -> Path:
    """An executable that runs this checkout's `main.py` with the project's interpreter.

    PyAirbyte's `local_executable` runs it as `<path> spec|check|discover|read ...`.
    """
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{main_py}" "$@"\n')
    path.chmod(0o755)
    return path

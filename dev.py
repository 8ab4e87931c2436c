#!/usr/bin/env python3
"""Development entry point; standard library only, so it runs under a bare python3.11.

    python3 dev.py setup           create or refresh .venv from requirements.lock
    python3 dev.py demo            local workspace + seed + check, discover, read, with a summary
    python3 dev.py test [ARGS]     ruff check, ruff format --check, then pytest ARGS
    python3 dev.py lock            re-resolve requirements.lock and the two locks derived from it

Every task first makes sure .venv matches requirements.lock and pyproject.toml (a stamp file in
.venv records their hash, so an up-to-date environment costs nothing), then runs inside .venv.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".dev-py-stamp"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
PYTHON_VERSION = (3, 11)
# pip on this kind of machine warns once per package about find-links locations it skips.
PIP_NOISE = ("WARNING: Location '",)
USAGE = "usage: python3 dev.py {setup|demo|test|lock} [ARGS...]"
# requirements.lock holds everything (runtime, local workspace, dev tools). The Docker image
# installs two subsets of it, resolved with it as a constraint: every pin and hash stays the same.
LOCK_OPTIONS = ["--generate-hashes", "--python-version", "3.11", "--no-header", "--no-annotate"]
LOCKS = {  # output: (uv pip compile arguments, standard input)
    "requirements.lock": (["pyproject.toml", "--extra", "local", "--extra", "dev"], None),
    "requirements-runtime.lock": (["pyproject.toml", "-c", "requirements.lock"], None),
    "requirements-build.lock": (["-", "-c", "requirements.lock"], "setuptools>=68\n"),
}


class SetupError(Exception):
    """The virtual environment could not be created or installed."""


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def stamp_value() -> str:
    """The hash of everything an install depends on: the lock, pyproject and the Python version."""
    digest = hashlib.sha256()
    for path in (LOCK, PYPROJECT):
        digest.update(path.read_bytes())
    digest.update(".".join(map(str, PYTHON_VERSION)).encode())
    return digest.hexdigest()


def is_up_to_date() -> bool:
    return STAMP.exists() and STAMP.read_text().strip() == stamp_value() and venv_is_usable()


def venv_is_usable() -> bool:
    """.venv exists and was made by the Python version the lock is resolved for."""
    config = VENV / "pyvenv.cfg"
    if not VENV_PYTHON.exists() or not config.exists():
        return False
    wanted = "{}.{}.".format(*PYTHON_VERSION)
    for line in config.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip().startswith(wanted)
    return False


def base_python() -> str:
    """A Python 3.11 to create the venv with: this one, else python3.11 from PATH."""
    if sys.version_info[:2] == PYTHON_VERSION:
        return sys.executable
    found = shutil.which("python{}.{}".format(*PYTHON_VERSION))
    if found is None:
        raise SetupError(
            "this project needs Python 3.11 (requirements.lock is resolved for it); "
            f"{sys.executable} is {sys.version.split()[0]} and no python3.11 is on PATH"
        )
    return found


def run_quiet(command: list[str], what: str, stdin: str | None = None) -> None:
    """Run a command, hiding pip's known noise; on failure, raise with everything else it said."""
    completed = subprocess.run(
        command,
        cwd=ROOT,
        input=stdin or "",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = [line for line in completed.stdout.splitlines() if not line.startswith(PIP_NOISE)]
    if completed.returncode != 0:
        output = "\n".join(lines[-60:]) or "(no output)"
        raise SetupError(f"{what} failed (exit {completed.returncode}):\n{output}")
    for line in lines:
        print(f"  {line}", flush=True)


def create_venv() -> None:
    python = base_python()
    say(f"creating .venv with {python}")
    run_quiet([python, "-m", "venv", "--clear", str(VENV)], "creating .venv")


def install() -> None:
    """Install the locked dependencies, then the project itself in editable mode."""
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    say("installing requirements.lock into .venv (about a minute on a new machine)")
    started = time.monotonic()
    run_quiet([*pip, "--require-hashes", "-r", str(LOCK)], "pip install -r requirements.lock")
    run_quiet([*pip, "--no-deps", "--no-build-isolation", "-e", "."], "pip install -e .")
    STAMP.write_text(stamp_value() + "\n")
    say(f".venv is ready ({time.monotonic() - started:.0f} s)")


def ensure_venv() -> None:
    if is_up_to_date():
        return
    if not venv_is_usable():
        create_venv()
    STAMP.unlink(missing_ok=True)
    install()


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def venv_command(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def task_setup(args: list[str]) -> int:
    say(".venv is up to date")
    return 0


def task_demo(args: list[str]) -> int:
    from demo.run import main  # imported here: it runs inside .venv only

    return main(args)


def run_lint() -> list[str]:
    """Run the linters; return the names of those that failed."""
    checks = {
        "ruff check": venv_command("ruff", "check", "."),
        "ruff format --check": venv_command("ruff", "format", "--check", "."),
    }
    failed = []
    for name, command in checks.items():
        say(name)
        if subprocess.call(command, cwd=ROOT, stdin=subprocess.DEVNULL) != 0:
            failed.append(name)
    return failed


def task_test(args: list[str]) -> int:
    failed = run_lint()
    if failed:
        say(f"{' and '.join(failed)} failed (see above); running the tests anyway")
    say(" ".join(["pytest", *args]))
    code = subprocess.call(venv_command("pytest", *args), cwd=ROOT, stdin=subprocess.DEVNULL)
    if failed:
        say(f"FAILED: {' and '.join(failed)}")
        return 1
    return code


def task_lock(args: list[str]) -> int:
    """Resolve the three locks with uv; no download address may end up in them."""
    if shutil.which("uv") is None:
        raise SetupError("`lock` needs uv on PATH (pip install uv)")
    for output, (inputs, stdin) in LOCKS.items():
        command = ["uv", "pip", "compile", "-q", *inputs, *LOCK_OPTIONS, "-o", output]
        say(" ".join(command) + (f"   (stdin: {stdin.strip()})" if stdin else ""))
        run_quiet(command, f"locking {output}", stdin)
        if "://" in (ROOT / output).read_text():
            raise SetupError(f"{output} records an index URL; remove it and lock again")
    return 0


TASKS = {"setup": task_setup, "demo": task_demo, "test": task_test}


def main(argv: list[str]) -> int:
    task = argv[0] if argv else ""
    if task not in (*TASKS, "lock"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        if task == "lock":
            return task_lock(argv[1:])
        ensure_venv()
    except SetupError as error:
        say(f"error: {error}")
        return 1
    if not in_venv():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), str(Path(__file__).resolve()), *argv])
    return TASKS[task](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Cell magics of a Python context: ``%pip``, ``%sql``, ``%python``, ``%md``.

``%pip`` installs into the context's own environment (a venv made for the context, see
``environment``), so, as with notebook-scoped libraries, other contexts are unaffected. Other
magics (``%sh``, ``%fs``, ``%run``, ``%scala``, ``%r``) are not supported locally and say so.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local_workspace.contexts.repl import Repl

PIP_TIMEOUT_SECONDS = 600


def parse(code: str) -> tuple[str, str, str] | None:
    """(magic, first-line arguments, rest of the cell) if the cell starts with a magic."""
    stripped = code.lstrip()
    if not stripped.startswith("%"):
        return None
    first, _, rest = stripped.partition("\n")
    name, _, arguments = first[1:].partition(" ")
    return name.strip(), arguments.strip(), rest


def run(magic: tuple[str, str, str], repl: Repl) -> dict[str, Any]:
    """The result of a magic cell."""
    from local_workspace.contexts.repl import error_result

    name, arguments, rest = magic
    handler = _HANDLERS.get(name)
    if handler is None:
        error = NotImplementedError(f"the %{name} magic is not supported by the local workspace")
        return error_result(error)
    return handler(arguments, rest, repl)


def _python(arguments: str, rest: str, repl: Repl) -> dict[str, Any]:
    return repl._python(rest)


def _markdown(arguments: str, rest: str, repl: Repl) -> dict[str, Any]:
    return {"resultType": "text", "data": ""}


def _sql(arguments: str, rest: str, repl: Repl) -> dict[str, Any]:
    from local_workspace.contexts.repl import error_result

    try:
        repl.display(repl.spark.sql(f"{arguments}\n{rest}".strip()))
    except Exception as error:
        return error_result(error)
    return repl.shown or {"resultType": "text", "data": ""}


def _pip(arguments: str, rest: str, repl: Repl) -> dict[str, Any]:
    lines = [arguments, *(line.strip().removeprefix("%pip").strip() for line in rest.splitlines())]
    output = []
    for line in filter(None, lines):
        completed = _run_pip(line.split())
        output.append(completed.stdout)
        if completed.returncode != 0:
            return {
                "resultType": "error",
                "summary": f"pip {line} failed (exit code {completed.returncode})",
                "cause": "".join(output),
            }
    importlib.invalidate_caches()  # new packages become importable in this context at once
    return {"resultType": "text", "data": "".join(output)}


def _run_pip(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", *arguments]
    command += ["--disable-pip-version-check", "--no-input"]
    return subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=PIP_TIMEOUT_SECONDS,
        check=False,
    )


_HANDLERS = {"python": _python, "md": _markdown, "sql": _sql, "pip": _pip}

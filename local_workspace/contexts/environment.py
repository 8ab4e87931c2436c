"""One Python environment per context, so ``%pip install`` is scoped to that context.

A venv without pip (10 ms to create) whose ``.pth`` file adds the server's site-packages after
its own: the worker sees everything the server has (pyarrow, pandas, ...), and packages
installed into the venv take precedence without touching the server or other contexts.
"""

from __future__ import annotations

import site
import sys
import venv
from pathlib import Path


def create(directory: Path) -> Path:
    """Create the venv in ``directory``; returns its Python interpreter."""
    venv.EnvBuilder(symlinks=True, with_pip=False, clear=True).create(directory)
    python = directory / "bin" / "python"
    site_packages = _site_packages(python, directory)
    lines = [f"import site; site.addsitedir({p!r})" for p in site.getsitepackages()]
    (site_packages / "_local_workspace_server.pth").write_text("\n".join(lines) + "\n")
    return python


def _site_packages(python: Path, directory: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    path = directory / "lib" / version / "site-packages"
    path.mkdir(parents=True, exist_ok=True)
    return path

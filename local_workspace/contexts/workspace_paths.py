"""Make ``/Workspace/...`` (and ``/Volumes/...``, ``/dbfs/...``) paths work inside a worker.

On Databricks these are FUSE mounts on the driver. Here they are directories under the data dir,
so the worker translates paths with those prefixes where user code hands them to Python:
``sys.path`` entries (an import path hook finds modules in the mapped directory), ``os.chdir``,
and ``open``/``io.open`` of absolute paths. ``os.getcwd()`` maps back, so code that computes
paths from the working directory keeps seeing ``/Workspace/...``. Other file APIs get the
translated path only if code passes one it got from ``os.getcwd``-relative names.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import io
import os
import sys
from collections.abc import Callable

_original_chdir = os.chdir
_original_getcwd = os.getcwd
_original_open = builtins.open


class PathMap:
    """Virtual prefixes ("/Workspace") → local directories, both ways."""

    def __init__(self, mounts: dict[str, str]) -> None:
        self.mounts = {k.rstrip("/"): v.rstrip("/") for k, v in mounts.items()}

    def to_local(self, path: str) -> str:
        for virtual, local in self.mounts.items():
            if path == virtual or path.startswith(virtual + "/"):
                return local + path[len(virtual) :]
        return path

    def to_virtual(self, path: str) -> str:
        for virtual, local in self.mounts.items():
            if path == local or path.startswith(local + "/"):
                return virtual + path[len(local) :]
        return path


def install(paths: PathMap) -> None:
    """Patch the worker's interpreter so the virtual prefixes resolve."""
    sys.path_hooks.insert(0, _path_hook(paths))
    sys.path_importer_cache.clear()
    os.chdir = lambda path: _original_chdir(_translate(paths, path))
    os.getcwd = lambda: paths.to_virtual(_original_getcwd())
    builtins.open = io.open = _translating_open(paths)


def _path_hook(paths: PathMap) -> Callable[[str], object]:
    loaders = importlib.machinery.FileFinder.path_hook(*_loader_details())

    def hook(entry: str) -> object:
        local = paths.to_local(entry)
        if local == entry:
            raise ImportError("not a mapped path")  # let the next hook handle it
        return loaders(local)

    return hook


def _loader_details() -> list[tuple[type, list[str]]]:
    machinery = importlib.machinery
    return [
        (machinery.ExtensionFileLoader, machinery.EXTENSION_SUFFIXES),
        (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES),
        (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES),
    ]


def _translating_open(paths: PathMap) -> Callable[..., object]:
    def open_(file, *args, **kwargs):
        return _original_open(_translate(paths, file), *args, **kwargs)

    return open_


def _translate(paths: PathMap, path: object) -> object:
    if isinstance(path, (str, os.PathLike)):
        text = os.fspath(path)
        return paths.to_local(text) if isinstance(text, str) else text
    return path  # file descriptors, bytes paths

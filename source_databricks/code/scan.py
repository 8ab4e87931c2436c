"""Which files of the local project are synced: gitignore rules, excludes and symlink safety.

Rules follow git: every `.gitignore` applies to its directory and below, a deeper file's match
wins over a shallower one, the last matching line of a file wins (so `!pattern` re-includes),
and nothing below an ignored directory can be re-included. `.git/` and `.databricks/` are
always excluded, and so is the sync manifest at the project root. `exclude` patterns (gitignore
syntax, relative to the project root) exclude whatever they match, whatever `.gitignore` says.

Symlinks are followed only when their target lies inside the project; a symlinked directory is
entered once (no cycles).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.config import MANIFEST_NAME, SyncOptions

ALWAYS_EXCLUDED = (".git", ".databricks")


@dataclass(frozen=True)
class LocalFile:
    """A project file to sync: its POSIX path relative to the project root, and where to read it."""

    path: str
    source: Path
    size: int


@dataclass(frozen=True)
class _Rules:
    """The gitignore files in force in a directory: (directory prefix, spec), shallowest first."""

    chain: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()

    def below(self, prefix: str, spec: pathspec.GitIgnoreSpec | None) -> _Rules:
        return self if spec is None else _Rules((*self.chain, (prefix, spec)))

    def ignores(self, path: str) -> bool:
        for prefix, spec in reversed(self.chain):
            verdict = spec.check_file(path[len(prefix) :]).include
            if verdict is not None:
                return verdict
        return False


@dataclass
class _Walk:
    root: Path
    options: SyncOptions
    logger: logging.Logger
    excludes: pathspec.GitIgnoreSpec
    entered: set[Path] = field(default_factory=set)


def scan_project(root: Path, options: SyncOptions, logger: logging.Logger) -> list[LocalFile]:
    """The files to sync below `root` (a resolved directory), sorted by path."""
    walk = _Walk(root, options, logger, pathspec.GitIgnoreSpec.from_lines(options.exclude))
    walk.entered.add(root)
    files = list(_scan_dir(walk, root, "", _Rules()))
    return sorted(files, key=lambda f: f.path)


def _scan_dir(walk: _Walk, directory: Path, prefix: str, rules: _Rules) -> Iterator[LocalFile]:
    entries = _entries(directory)
    if walk.options.use_gitignore:
        rules = rules.below(prefix, _gitignore(directory / ".gitignore", walk.logger))
    for entry in entries:
        path = f"{prefix}{entry.name}"
        is_dir, source = _follow(walk, entry, path)
        if source is None or _excluded(walk, rules, path, is_dir):
            continue
        if is_dir:
            yield from _scan_dir(walk, source, f"{path}/", rules)
        else:
            yield LocalFile(path, source, _size(source))


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as error:
        raise unreadable(directory, error) from error


def _size(source: Path) -> int:
    try:
        return source.stat().st_size
    except OSError as error:
        raise unreadable(source, error) from error


def unreadable(path: Path | str, error: OSError) -> AirbyteTracedException:
    """A config error for a project file or directory that cannot be read: skipping it would
    delete its remote copy (or, for a .gitignore, upload what it keeps local)."""
    return AirbyteTracedException(
        message=f"Cannot read {path} in the project ({error.strerror or error}); nothing was "
        "uploaded. Give the connector's user read access to it, or exclude it "
        "(code_execution.sync.exclude or the project's .gitignore).",
        internal_message=repr(error),
        failure_type=FailureType.config_error,
    )


def _follow(walk: _Walk, entry: os.DirEntry[str], path: str) -> tuple[bool, Path | None]:
    """(is it a directory, the path to read) — no path for what must not be synced."""
    source = Path(entry.path)
    if entry.is_symlink():
        return _follow_link(walk, source, path)
    if entry.is_dir(follow_symlinks=False):
        return True, source
    return False, source if entry.is_file(follow_symlinks=False) else None


def _follow_link(walk: _Walk, link: Path, path: str) -> tuple[bool, Path | None]:
    target = link.resolve()
    if not target.is_relative_to(walk.root) or not target.exists():
        walk.logger.warning(f"Not syncing {path}: a symlink to {target}, outside the project")
        return False, None
    if target.is_dir():
        if target in walk.entered or link.parent.resolve().is_relative_to(target):
            walk.logger.warning(f"Not syncing {path}: a symlink loop")
            return True, None
        walk.entered.add(target)
        return True, target
    return False, target if target.is_file() else None


def _excluded(walk: _Walk, rules: _Rules, path: str, is_dir: bool) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name in ALWAYS_EXCLUDED or path == MANIFEST_NAME:
        return True
    candidate = f"{path}/" if is_dir else path
    return walk.excludes.check_file(candidate).include is True or rules.ignores(candidate)


def _gitignore(path: Path, logger: logging.Logger) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, IsADirectoryError):
        return None
    except UnicodeDecodeError as error:
        logger.warning(f"Ignoring unreadable {path}: {error}")
        return None
    except OSError as error:
        raise unreadable(path, error) from error
    return pathspec.GitIgnoreSpec.from_lines(lines)

"""Size limits, checked on the scanned project before anything is uploaded."""

from __future__ import annotations

from collections.abc import Sequence

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.config import SyncOptions
from source_databricks.code.scan import LocalFile

SHOWN_OFFENDERS = 5
ADVICE = (
    "Exclude them (code_execution.sync.exclude, the project's .gitignore or pyproject.toml "
    "[tool.source-databricks.sync] exclude), or raise {option}."
)


def check_limits(files: Sequence[LocalFile], options: SyncOptions) -> None:
    """Raise a config error naming the largest offenders when a size limit is exceeded."""
    too_big = [f for f in files if f.size > options.max_file_size_bytes]
    if too_big:
        raise _limit_error(
            f"{len(too_big)} file(s) exceed max_file_size_mb = {options.max_file_size_mb:g} MB",
            too_big,
            "max_file_size_mb (at most 10 MB, the Workspace API's import limit)",
        )
    total = sum(f.size for f in files)
    if total > options.max_size_bytes:
        raise _limit_error(
            f"The project's files add up to {megabytes(total)}, over max_size_mb = "
            f"{options.max_size_mb:g} MB",
            files,
            "max_size_mb",
        )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB"


def _limit_error(problem: str, files: Sequence[LocalFile], option: str) -> AirbyteTracedException:
    largest = sorted(files, key=lambda f: (-f.size, f.path))[:SHOWN_OFFENDERS]
    named = ", ".join(f"{f.path} ({megabytes(f.size)})" for f in largest)
    return AirbyteTracedException(
        message=f"{problem}; nothing was uploaded. Largest: {named}. "
        + ADVICE.format(option=option),
        failure_type=FailureType.config_error,
    )

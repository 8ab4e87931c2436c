"""Commands the connector runs first in the context: requirements, working directory, sys.path."""

from __future__ import annotations

import logging
from pathlib import Path

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.config import CodeExecutionConfig
from source_databricks.code.execution import ExecutionSession
from source_databricks.code.records import result_fields

SETUP_TIMEOUT_SECONDS = 120
INSTALL_TIMEOUT_SECONDS = 1800
SETUP = """import os, sys
os.chdir({path!r})
for _entry in reversed({entries!r}):
    if _entry not in sys.path:
        sys.path.insert(0, _entry)
"""


def prepare_context(
    session: ExecutionSession,
    project: str,
    root: Path,
    config: CodeExecutionConfig,
    logger: logging.Logger,
) -> None:
    """Install requirements.txt if asked (first: `%pip` may restart Python), then cd there.

    `project` is the synced directory as the cluster sees it (`/Workspace/...`). It goes first
    on `sys.path`, followed by its `src/` directory when the project has one (src layout).
    """
    if config.install_requirements:
        if (root / "requirements.txt").is_file():
            logger.info("Installing the project's requirements.txt into the execution context")
            _run(session, f"%pip install -r {project}/requirements.txt", INSTALL_TIMEOUT_SECONDS)
        else:
            logger.warning("install_requirements is on but the project has no requirements.txt")
    entries = [project] + ([f"{project}/src"] if (root / "src").is_dir() else [])
    _run(session, SETUP.format(path=project, entries=entries), SETUP_TIMEOUT_SECONDS)


def _run(session: ExecutionSession, code: str, timeout: int) -> None:
    outcome = session.run("python", code, timeout, "the command preparing the context")
    if outcome.status != "finished":
        error = result_fields(outcome.results)["error"] or {}
        detail = error.get("summary") or outcome.status
        raise AirbyteTracedException(
            message=f"Preparing the execution context failed ({code.splitlines()[0]}): {detail}",
            internal_message=error.get("traceback"),
            failure_type=FailureType.config_error,
        )

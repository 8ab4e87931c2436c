"""The `command_results` stream: sync the project, run its commands on a cluster, one record each.

Namespace: None. Table streams are namespaced `catalog.schema`, so this stream cannot collide
with them, and its identity does not change when the cluster does.

Full refresh, append-only, resumable: after every command comes a STATE naming the run and the
commands done, so a retried attempt of the same sync continues the run instead of repeating
side effects; the last STATE marks the run complete, and the next sync starts a new run. A failing
command is data (a record with status `error`, `timed_out` or `cancelled`), not a stream
failure; with `on_error: stop` the commands after it get `skipped` records.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStream,
    ConfiguredAirbyteStream,
    SyncMode,
    Type,
)
from databricks.sdk import WorkspaceClient

from source_databricks.code.cluster import ClusterWaiter
from source_databricks.code.config import CodeExecutionConfig, cluster_path
from source_databricks.code.errors import translate_sdk_errors
from source_databricks.code.execution import ExecutionSession, sigterm_interrupts
from source_databricks.code.prepare import prepare_context
from source_databricks.code.project import project_name, project_root, sync_options
from source_databricks.code.records import RECORD_SCHEMA, RunInfo, command_record
from source_databricks.code.remote import RemoteDir
from source_databricks.code.state import RunState, current_run
from source_databricks.code.sync import SyncSummary, sync_project
from source_databricks.output import state_message

STREAM_NAME = "command_results"
STREAM_NAMESPACE = None


class CodeExecutionStream:
    """Runs the configured commands in one execution context; one record per command."""

    name = STREAM_NAME
    namespace = STREAM_NAMESPACE

    def __init__(
        self, config: CodeExecutionConfig, client_factory: Callable[[], WorkspaceClient]
    ) -> None:
        self.config = config
        self.client_factory = client_factory

    def as_airbyte_stream(self) -> AirbyteStream:
        return airbyte_stream()

    def read(
        self, configured: ConfiguredAirbyteStream, state: dict | None, logger: logging.Logger
    ) -> Iterator[AirbyteMessage]:
        """Sync, ensure the cluster runs, run the commands not yet done in this run."""
        run = current_run(state, self.config, logger)
        client = self.client_factory()
        root = project_root(self.config.project_dir)
        remote = RemoteDir(client, self.config.remote_dir or default_remote_dir(client, root))
        summary = self._sync(remote, root, logger)
        waiter = ClusterWaiter(client, self.config.cluster_id, logger)
        waiter.ensure_running(self.config.start_cluster, self.config.cluster_start_timeout_minutes)
        with sigterm_interrupts(), ExecutionSession(client, self.config.cluster_id, logger) as s:
            prepare_context(s, cluster_path(remote.root), root, self.config, logger)
            info = RunInfo(run.run_id, self.config.cluster_id, s.context_id, summary.as_record())
            run = yield from self._run_commands(s, run, info, logger)
        yield state_message(STREAM_NAME, STREAM_NAMESPACE, {**run.model_dump(), "complete": True})

    def _sync(self, remote: RemoteDir, root: Path, logger: logging.Logger) -> SyncSummary:
        options = sync_options(root, self.config.sync)
        if not options.enabled:
            logger.info("Project sync is off: commands run against the remote directory as it is")
            return SyncSummary(enabled=False, remote_dir=cluster_path(remote.root))
        return sync_project(remote, root, options, logger)

    def _run_commands(
        self, session: ExecutionSession, run: RunState, info: RunInfo, logger: logging.Logger
    ) -> Iterator[AirbyteMessage]:
        commands = self.config.commands
        for index, command in enumerate(commands):
            if run.finished(index):
                continue
            skip = run.has_failure() and self.config.on_error == "stop"
            outcome = None if skip else session.run(*_parts(command), f"command {index + 1}")
            record = command_record(info, index, command.language, command.code, outcome)
            logger.info(
                f"Command {index + 1}/{len(commands)} ({command.language}): {_ended(record)}"
            )
            run = run.with_done(index, record["status"])
            yield _record_message(record)
            yield state_message(STREAM_NAME, STREAM_NAMESPACE, run.model_dump())
        return run


def airbyte_stream() -> AirbyteStream:
    """The catalog entry of `command_results`."""
    return AirbyteStream(
        name=STREAM_NAME,
        namespace=STREAM_NAMESPACE,
        json_schema=RECORD_SCHEMA,
        supported_sync_modes=[SyncMode.full_refresh],
        source_defined_primary_key=[["run_id"], ["command_index"]],
        is_resumable=True,
    )


def default_remote_dir(client: WorkspaceClient, root: Path) -> str:
    """`/Users/<current user>/.airbyte/<project name>` (Workspace API form)."""
    with translate_sdk_errors("read the current user (for the default remote_dir)"):
        user = client.current_user.me().user_name
    name = re.sub(r"[^\w.\- ]", "_", project_name(root)).strip(". ") or "project"
    return f"/Users/{user}/.airbyte/{name}"


def _parts(command) -> tuple[str, str, float]:
    return command.language, command.code, command.timeout_seconds


def _ended(record: dict) -> str:
    took = f" in {record['duration_ms'] / 1000:.2f} s" if record["duration_ms"] is not None else ""
    summary = (record.get("error") or {}).get("summary")
    return f"{record['language']} {record['status']}{took}" + (f": {summary}" if summary else "")


def _record_message(data: dict) -> AirbyteMessage:
    record = AirbyteRecordMessage(
        stream=STREAM_NAME,
        namespace=STREAM_NAMESPACE,
        data=data,
        emitted_at=int(time.time() * 1000),
    )
    return AirbyteMessage(type=Type.RECORD, record=record)

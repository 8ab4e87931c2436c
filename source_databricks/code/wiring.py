"""How the connector's composition root finds and runs the code-execution stream."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStream,
    AirbyteStreamStatus,
    ConfiguredAirbyteStream,
    Type,
)
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as status_message
from databricks.sdk import WorkspaceClient

from source_databricks.auth import sdk_config
from source_databricks.code.cluster import ClusterWaiter
from source_databricks.code.errors import config_error
from source_databricks.code.project import project_root
from source_databricks.code.stream import (
    STREAM_NAME,
    STREAM_NAMESPACE,
    CodeExecutionStream,
    airbyte_stream,
)
from source_databricks.config import DatabricksConfig
from source_databricks.reachability import ensure_reachable


def code_streams(config: DatabricksConfig) -> list[AirbyteStream]:
    """The `command_results` stream when `code_execution` is configured, else nothing."""
    return [airbyte_stream()] if config.code_execution is not None else []


def is_code_stream(configured: ConfiguredAirbyteStream) -> bool:
    stream = configured.stream
    return stream.name == STREAM_NAME and stream.namespace == STREAM_NAMESPACE


def read_code_stream(
    config: DatabricksConfig,
    configured: ConfiguredAirbyteStream,
    state: dict[str, Any] | None,
    logger: logging.Logger,
) -> Iterator[AirbyteMessage]:
    """Run the code-execution stream (RUNNING status at its first record); a config error when
    `code_execution` is not configured."""
    if config.code_execution is None:
        raise config_error(
            "The catalog selects command_results but the connection has no code_execution "
            "settings. Configure code_execution, or refresh the schema and deselect it."
        )
    stream = CodeExecutionStream(config.code_execution, lambda: workspace_client(config))
    running = False
    for message in stream.read(configured, state, logger):
        if not running and message.type == Type.RECORD:
            running = True
            yield status_message(configured.stream, AirbyteStreamStatus.RUNNING)
        yield message


def check_code_execution(config: DatabricksConfig, logger: logging.Logger) -> None:
    """The project directory exists and the cluster can run commands; else a config error."""
    if config.code_execution is None:
        return
    project_root(config.code_execution.project_dir)
    cluster = ClusterWaiter(workspace_client(config), config.code_execution.cluster_id, logger)
    details = cluster.check()
    state = details.state.value if details.state else "in an unknown state"
    logger.info(f"Cluster {details.cluster_id} can run commands (now {state})")


def workspace_client(config: DatabricksConfig) -> WorkspaceClient:
    """A WorkspaceClient for this connection (same auth, CA bundle and retry bounds), once the
    host is known to answer: the SDK would retry an unreachable one for its whole retry budget
    on every call."""
    ensure_reachable(config)
    return WorkspaceClient(config=sdk_config(config))

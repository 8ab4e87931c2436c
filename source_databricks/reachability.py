"""Fail fast, with a clear message, when the workspace host cannot be reached at all.

Both clients retry an unreachable host for a long time (the SDK for minutes); one TCP connect
tells a mistyped host or a closed port apart in seconds.
"""

from __future__ import annotations

import socket

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.config import DatabricksConfig

CONNECT_TIMEOUT_SECONDS = 10.0


def ensure_reachable(config: DatabricksConfig) -> None:
    """Open and close one TCP connection to host:port, or raise a config error naming host."""
    address = (config.hostname, config.port)
    try:
        socket.create_connection(address, timeout=CONNECT_TIMEOUT_SECONDS).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise AirbyteTracedException(
            message=f"Could not reach the workspace at {config.hostname}:{config.port} "
            f"({reason}). Check host (and its port) and that this machine can reach it.",
            internal_message=repr(error),
            failure_type=FailureType.config_error,
        ) from error

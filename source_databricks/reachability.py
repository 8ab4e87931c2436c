"""Fail fast, with a clear message, when the workspace host cannot be reached at all.

Both clients retry an unreachable host for a long time (the SDK for minutes); one TCP connect
and one TLS handshake tell a mistyped host, a closed port or a host that accepts connections but
never answers apart in seconds. The handshake only proves that TLS is spoken there: certificates
are checked by the clients, which explain a failure (ca_bundle_path); nothing is sent over it.
"""

from __future__ import annotations

import socket
import ssl

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.config import DatabricksConfig

CONNECT_TIMEOUT_SECONDS = 10.0


def ensure_reachable(config: DatabricksConfig) -> None:
    """Connect to host:port and shake hands, or raise a config error naming host."""
    address = (config.hostname, config.port)
    try:
        connection = socket.create_connection(address, timeout=CONNECT_TIMEOUT_SECONDS)
    except OSError as error:
        raise _unreachable(config, error.strerror or type(error).__name__, error) from error
    with connection:
        try:
            _liveness_context().wrap_socket(connection, server_hostname=config.hostname).close()
        except TimeoutError as error:
            why = (
                f"it accepted a connection but did not answer within {CONNECT_TIMEOUT_SECONDS:g} s"
            )
            raise _unreachable(config, why, error) from error
        except OSError as error:
            why = f"it does not speak TLS there: {error.strerror or error}"
            raise _unreachable(config, why, error) from error


def _liveness_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # liveness only: the clients verify the certificate
    return context


def _unreachable(config: DatabricksConfig, why: str, error: OSError) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=f"Could not reach the workspace at {config.hostname}:{config.port} ({why}). "
        "Check host (and its port) and that this machine can reach it.",
        internal_message=repr(error),
        failure_type=FailureType.config_error,
    )

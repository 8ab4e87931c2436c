"""One authentication path for both clients: the SDK's Config signs REST calls and, through a
`credentials_provider`, every SQL warehouse request — so an OAuth token that expires mid-read is
renewed by the SDK, and both clients trust the same certificate authorities.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import certifi
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk.core import Config

from source_databricks import __version__
from source_databricks.config import DatabricksConfig, OAuthM2M

# The SDK retries an unreachable host for 5 minutes by default; a sync should fail in seconds.
SDK_RETRY_SECONDS = 30
HeaderFactory = Callable[[], dict[str, str]]


def sdk_config(config: DatabricksConfig) -> Config:
    """The SDK configuration for this connection (PAT or OAuth machine-to-machine)."""
    trust_ca_bundle(config.ca_bundle_path)
    credentials = config.credentials
    if isinstance(credentials, OAuthM2M):
        auth = {
            "auth_type": "oauth-m2m",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        }
    else:
        auth = {"auth_type": "pat", "token": credentials.personal_access_token}
    try:
        return Config(
            host=config.workspace_url,
            retry_timeout_seconds=SDK_RETRY_SECONDS,
            product="airbyte-source-databricks",
            product_version=__version__,
            **auth,
        )
    except ValueError as error:
        raise AirbyteTracedException(
            message=f"Could not set up authentication to {config.hostname}: {error}. Check "
            "credentials.",
            failure_type=FailureType.config_error,
        ) from error


def signed_headers(config: Config) -> dict[str, str]:
    """Authorization headers from the SDK, fetching or renewing an OAuth token when needed."""
    try:
        return config.authenticate()
    except ValueError as error:  # the SDK's token endpoint errors, e.g. invalid_client
        fields = "credentials.personal_access_token"
        if config.auth_type == "oauth-m2m":
            fields = "credentials.client_id and credentials.client_secret"
        raise AirbyteTracedException(
            message=f"The workspace refused the credentials ({error}). Check {fields}.",
            failure_type=FailureType.config_error,
        ) from error


def sql_credentials_provider(config: Config) -> Callable[[], HeaderFactory]:
    """A `credentials_provider` for databricks-sql-connector backed by the SDK's Config."""

    hidden: set[str] = set()  # the CDK's list of secrets would grow by one per request

    def headers() -> dict[str, str]:
        signed = signed_headers(config)
        token = signed.get("Authorization", "").removeprefix("Bearer ").strip()
        if token and token not in hidden:
            hidden.add(token)
            add_to_secrets(token)  # never printed, even if an error echoes a header
        return signed

    return lambda: headers


def trust_ca_bundle(ca_bundle_path: str | None) -> None:
    """Trust the configured CAs in addition to the public ones, for every `requests` client.

    The SDK builds its own sessions in several places, so this process's REQUESTS_CA_BUNDLE is
    the one switch that reaches all of them.
    """
    if ca_bundle_path:
        os.environ["REQUESTS_CA_BUNDLE"] = str(combined_ca_bundle(ca_bundle_path))


@cache
def combined_ca_bundle(ca_bundle_path: str) -> Path:
    """A temporary PEM file: the public CAs (certifi) followed by the configured ones.

    Cloud Fetch downloads come from cloud storage with public certificates, so the configured
    CAs are added to the public ones, never used instead of them.
    """
    try:
        extra = Path(ca_bundle_path).read_bytes()
    except OSError as error:
        raise AirbyteTracedException(
            message=f"Cannot read ca_bundle_path {ca_bundle_path}: {error.strerror}.",
            failure_type=FailureType.config_error,
        ) from error
    handle, name = tempfile.mkstemp(prefix="source-databricks-ca-", suffix=".pem")
    with os.fdopen(handle, "wb") as bundle:
        bundle.write(Path(certifi.where()).read_bytes() + b"\n" + extra)
    atexit.register(Path(name).unlink, missing_ok=True)
    return Path(name)

"""The one boundary where Databricks SDK errors become AirbyteTracedExceptions."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk.errors import (
    DatabricksError,
    NotFound,
    PermissionDenied,
    TemporarilyUnavailable,
    TooManyRequests,
    Unauthenticated,
)

TRANSIENT = (
    TemporarilyUnavailable,
    TooManyRequests,
    TimeoutError,
    requests.ConnectionError,
    requests.Timeout,
)


INVALID_TOKEN = "Invalid access token"


def config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(message=message, failure_type=FailureType.config_error)


@contextmanager
def translate_sdk_errors(action: str, not_found: str | None = None) -> Iterator[None]:
    """Re-raise SDK and HTTP errors met while doing `action` with advice on what to fix.

    `not_found` is the advice for a 404 (e.g. which config field names the missing thing).
    """
    try:
        yield
    except AirbyteTracedException:
        raise
    except Exception as error:
        translated = _translate(action, error, not_found)
        if translated is None:
            raise
        raise translated from error


def _translate(action: str, error: Exception, not_found: str | None) -> Exception | None:
    # Databricks refuses an unknown, expired or revoked token with 403 "Invalid access token".
    refused = isinstance(error, PermissionDenied) and INVALID_TOKEN in str(error)
    if isinstance(error, Unauthenticated) or refused:
        return config_error(
            f"The workspace refused the credentials while trying to {action}. Check "
            "credentials.personal_access_token (a token that expired or was revoked is refused "
            "too) or the OAuth client."
        )
    if isinstance(error, PermissionDenied):
        return config_error(
            f"Permission denied while trying to {action}: {_first_line(error)}. Grant the "
            "token's user that permission, or use another identity."
        )
    if isinstance(error, NotFound) and not_found:
        return config_error(f"Could not {action}: {_first_line(error)}. {not_found}")
    return _other(action, error)


def _other(action: str, error: Exception) -> Exception | None:
    if _is_tls_failure(error):
        return config_error(
            f"The workspace's TLS certificate could not be verified while trying to {action}. "
            "If it is signed by a private CA, set ca_bundle_path to that CA's PEM file."
        )
    if isinstance(error, TRANSIENT):
        return AirbyteTracedException(
            message=f"The workspace did not answer while trying to {action}: "
            f"{_first_line(error)}. Check host and try again.",
            internal_message=repr(error),
            failure_type=FailureType.transient_error,
        )
    if isinstance(error, DatabricksError):
        return AirbyteTracedException(
            message=f"The workspace returned an error while trying to {action}: "
            f"{_first_line(error)}",
            internal_message=repr(error),
            failure_type=FailureType.system_error,
        )
    return None


def _is_tls_failure(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, ssl.SSLError | requests.exceptions.SSLError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

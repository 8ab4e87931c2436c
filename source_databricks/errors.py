"""The one boundary where driver errors become AirbyteTracedExceptions with a failure type."""

from __future__ import annotations

import re
import ssl
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import urllib3
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sql import exc

if TYPE_CHECKING:
    from source_databricks.config import DatabricksConfig

# Databricks puts "[ERROR_CLASS] message SQLSTATE: xxxxx" in the display message.
ERROR_CLASS = re.compile(r"^\[(?P<error_class>[A-Z0-9_.]+)\]")
# Error classes the user fixes in the configuration or in the workspace's grants.
CONFIG_ERROR_CLASSES = (
    "TABLE_OR_VIEW_NOT_FOUND",
    "SCHEMA_NOT_FOUND",
    "CATALOG_NOT_FOUND",
    "NO_SUCH_CATALOG_EXCEPTION",
    "INSUFFICIENT_PERMISSIONS",
    "PERMISSION_DENIED",
    "UNRESOLVED_COLUMN",
)
# A session or statement that went away mid-read (expired, closed, or cancelled by someone else):
# the read can run again on a new session, so these are transient.
GONE_ERROR_CLASSES = ("INVALID_HANDLE", "CANCELED", "CANCELLED", "OPERATION_CANCELED")
CLOSED_SERVER_SIDE = "unexpectedly closed server side"
HTTP_ADVICE = {
    401: "The workspace did not accept the credentials. Check {credentials}.",
    403: "The credentials were refused for this SQL warehouse. Check {credentials}, and that the "
    "user or service principal has CAN USE on the warehouse.",
    404: "The workspace has no SQL warehouse at this http_path. Check http_path "
    "(SQL warehouse > Connection details) or warehouse_id.",
}


def error_class(error: BaseException) -> str | None:
    """The Databricks error class of a SQL error, e.g. TABLE_OR_VIEW_NOT_FOUND."""
    match = ERROR_CLASS.match(str(error) or "")
    return match.group("error_class") if match else None


@contextmanager
def translate_sql_errors(config: DatabricksConfig | None = None) -> Iterator[None]:
    """Re-raise errors of the SQL client as AirbyteTracedExceptions; others pass through."""
    try:
        yield
    except AirbyteTracedException:
        raise
    except exc.ServerOperationError as error:
        raise _statement_failed(error) from error
    except exc.RequestError as error:
        raise _request_failed(error, config) from error
    except urllib3.exceptions.HTTPError as error:
        # The SQL client lets urllib3's own errors through once its connection retries run out.
        context = {"original-exception": getattr(error, "reason", None) or error}
        raise _request_failed(exc.RequestError(str(error), context), config) from error
    except exc.Error as error:
        gone = _is_gone(error) or _raised_by_cloud_fetch(error)
        raise AirbyteTracedException(
            message=f"The SQL warehouse returned an error: {error}",
            internal_message=repr(error),
            failure_type=FailureType.transient_error if gone else FailureType.system_error,
        ) from error
    except Exception as error:
        if not _raised_by_cloud_fetch(error):
            raise
        raise AirbyteTracedException(
            message=f"A Cloud Fetch download failed (its link may have expired): {error}",
            internal_message=repr(error),
            failure_type=FailureType.transient_error,
        ) from error


def _is_gone(error: exc.Error) -> bool:
    klass = (error_class(error) or "").split(".")[0]
    return klass in GONE_ERROR_CLASSES or CLOSED_SERVER_SIDE in str(error)


def _raised_by_cloud_fetch(error: BaseException) -> bool:
    """Whether the SQL client's Cloud Fetch downloader raised it (expired link, HTTP error)."""
    frames = traceback.extract_tb(error.__traceback__)
    return any("databricks/sql/cloudfetch/" in frame.filename for frame in frames)


def _statement_failed(error: exc.ServerOperationError) -> AirbyteTracedException:
    klass = error_class(error) or ""
    is_config = klass.split(".")[0] in CONFIG_ERROR_CLASSES
    kind = FailureType.config_error if is_config else FailureType.system_error
    return AirbyteTracedException(
        message=f"A statement failed on the SQL warehouse: {error}",
        internal_message=str(error.context.get("diagnostic-info") or error),
        failure_type=FailureType.transient_error if _is_gone(error) else kind,
    )


def _request_failed(error: exc.RequestError, config: DatabricksConfig | None) -> Exception:
    status = error.context.get("http-code")
    cause = error.context.get("original-exception") or error.__cause__
    if isinstance(cause, AirbyteTracedException):  # raised by our own credentials provider
        return cause
    where = f" ({config.hostname}:{config.port})" if config else ""
    if status in HTTP_ADVICE:
        advice = HTTP_ADVICE[status].format(credentials=_credential_fields(config))
        message = f"{advice} The workspace answered HTTP {status}{where}."
        return AirbyteTracedException(message=message, failure_type=FailureType.config_error)
    if _is_tls_failure(cause):
        return AirbyteTracedException(
            message=f"The workspace's TLS certificate could not be verified{where}. If it is "
            "signed by a private CA, set ca_bundle_path to that CA's PEM file.",
            internal_message=str(cause),
            failure_type=FailureType.config_error,
        )
    if config is not None and status is None:
        return AirbyteTracedException(
            message=f"Could not reach the workspace{where}. Check host (and its port) and that "
            "this machine can reach it.",
            internal_message=f"{error}: {cause}",
            failure_type=FailureType.config_error,
        )
    return AirbyteTracedException(
        message=f"The request to the SQL warehouse failed{where}: {error}",
        internal_message=f"{error}: {cause}",
        failure_type=FailureType.transient_error,
    )


def _credential_fields(config: DatabricksConfig | None) -> str:
    if config is None:
        return "credentials"
    if config.credentials.auth_type == "personal_access_token":
        return (
            "credentials.personal_access_token (a token that expired or was revoked is refused too)"
        )
    return "credentials.client_id and credentials.client_secret"


def _is_tls_failure(cause: object) -> bool:
    text = str(cause)
    return isinstance(cause, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in text

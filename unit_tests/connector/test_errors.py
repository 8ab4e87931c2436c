from __future__ import annotations

import ssl

import pytest
import urllib3
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sql import exc

from source_databricks.config import parse_config
from source_databricks.errors import error_class, translate_sql_errors

CONFIG = parse_config(
    {
        "host": "https://127.0.0.1:8443",
        "credentials": {"auth_type": "personal_access_token", "personal_access_token": "dapi-x"},
        "http_path": "/sql/1.0/warehouses/abc",
    }
)


def translated(error: Exception, config=None) -> AirbyteTracedException:
    with pytest.raises(AirbyteTracedException) as caught, translate_sql_errors(config):
        raise error
    return caught.value


def test_given_a_databricks_display_message_then_its_error_class_is_parsed():
    error = exc.ServerOperationError(
        "[TABLE_OR_VIEW_NOT_FOUND] The table `a` was not found. SQLSTATE: 42P01"
    )
    assert error_class(error) == "TABLE_OR_VIEW_NOT_FOUND"


@pytest.mark.parametrize(
    ("message", "failure_type"),
    [
        ("[TABLE_OR_VIEW_NOT_FOUND] no such table SQLSTATE: 42P01", FailureType.config_error),
        ("[UNRESOLVED_COLUMN.WITH_SUGGESTION] no column SQLSTATE: 42703", FailureType.config_error),
        ("[INSUFFICIENT_PERMISSIONS] denied SQLSTATE: 42501", FailureType.config_error),
        ("[DIVIDE_BY_ZERO] boom SQLSTATE: 22012", FailureType.system_error),
        ("no class at all", FailureType.system_error),
    ],
)
def test_given_a_failed_statement_then_failure_type_follows_its_class(message, failure_type):
    assert translated(exc.ServerOperationError(message)).failure_type == failure_type


@pytest.mark.parametrize(
    ("status", "field"),
    [
        (401, "credentials.personal_access_token"),
        (403, "credentials.personal_access_token"),
        (404, "http_path"),
    ],
)
def test_given_an_http_rejection_then_config_error_naming_the_field(status, field):
    error = translated(
        exc.RequestError("Error during request to server", {"http-code": status}), CONFIG
    )
    assert error.failure_type == FailureType.config_error
    assert field in error.message


def test_given_a_tls_failure_then_advice_to_set_the_ca_bundle():
    cause = ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED")
    error = translated(exc.RequestError("failed", {"original-exception": cause}), CONFIG)
    assert error.failure_type == FailureType.config_error
    assert "ca_bundle_path" in error.message


def test_given_an_unreachable_host_at_connect_then_config_error_naming_host():
    cause = ConnectionRefusedError(111, "Connection refused")
    error = translated(exc.RequestError("failed", {"original-exception": cause}), CONFIG)
    assert error.failure_type == FailureType.config_error
    assert "host" in error.message


def test_given_a_request_failure_mid_read_then_transient():
    error = translated(
        exc.RequestError("connection reset", {"original-exception": OSError("reset")})
    )
    assert error.failure_type == FailureType.transient_error


def test_given_other_errors_then_they_pass_through():
    with pytest.raises(KeyError), translate_sql_errors():
        raise KeyError("not ours")


def test_given_urllib3_gives_up_connecting_then_config_error_naming_host():
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")
    cause = urllib3.exceptions.MaxRetryError(None, "/sql/1.0/warehouses/x", reason)
    error = translated(cause, CONFIG)
    assert error.failure_type == FailureType.config_error
    assert "host" in error.message


@pytest.mark.parametrize(
    "message",
    [
        "[INVALID_HANDLE.SESSION_NOT_FOUND] The handle 01 is invalid. SQLSTATE: HY000",
        "[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle 02 is invalid. SQLSTATE: HY000",
        "[CANCELED] Operation 03 was canceled SQLSTATE: HY008",
        "Command 04 unexpectedly closed server side",
    ],
)
def test_given_the_session_or_statement_went_away_then_transient(message):
    assert translated(exc.DatabaseError(message)).failure_type == FailureType.transient_error
    assert translated(exc.ServerOperationError(message)).failure_type == (
        FailureType.transient_error
    )


def test_given_the_cloud_fetch_downloader_fails_then_transient():
    # The downloader raises plain Exceptions (HTTP 403 of an expired link); compile one there.
    code = compile("raise Exception('HTTP 403: expired')", "databricks/sql/cloudfetch/x.py", "exec")
    with pytest.raises(AirbyteTracedException) as caught, translate_sql_errors():
        exec(code)
    assert caught.value.failure_type == FailureType.transient_error
    assert "Cloud Fetch" in caught.value.message

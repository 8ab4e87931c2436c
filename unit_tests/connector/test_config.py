from __future__ import annotations

from pathlib import Path

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.config import parse_config
from source_databricks.tables.warehouse import CLOUD_FETCH_DOWNLOADS, connection_arguments

TOKEN = "dapi-secret-value-0123456789"


def config(**overrides):
    base = {
        "host": "adb-1234567890123456.7.azuredatabricks.net",
        "credentials": {"auth_type": "personal_access_token", "personal_access_token": TOKEN},
        "http_path": "/sql/1.0/warehouses/abc",
    }
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("host", "hostname", "port", "url"),
    [
        (
            "adb-1.2.azuredatabricks.net",
            "adb-1.2.azuredatabricks.net",
            443,
            "https://adb-1.2.azuredatabricks.net",
        ),
        (
            "https://dbc-a1.cloud.databricks.com/",
            "dbc-a1.cloud.databricks.com",
            443,
            "https://dbc-a1.cloud.databricks.com",
        ),
        ("https://127.0.0.1:8443", "127.0.0.1", 8443, "https://127.0.0.1:8443"),
        ("localhost:9000", "localhost", 9000, "https://localhost:9000"),
    ],
)
def test_given_host_forms_then_hostname_port_and_url(host, hostname, port, url):
    parsed = parse_config(config(host=host))
    assert (parsed.hostname, parsed.port, parsed.workspace_url) == (hostname, port, url)


def test_given_defaults_then_every_catalog_schema_and_table_is_in_scope():
    scope = parse_config(config()).scope
    assert scope.catalogs == ()
    assert scope.has_table("any_schema", "any_table")


def test_given_missing_token_then_config_error_naming_the_field():
    raw = config(credentials={"auth_type": "personal_access_token"})
    with pytest.raises(AirbyteTracedException) as caught:
        parse_config(raw)
    assert caught.value.failure_type == FailureType.config_error
    assert "personal_access_token" in caught.value.message


def test_given_an_invalid_config_then_the_token_is_not_in_the_message():
    with pytest.raises(AirbyteTracedException) as caught:
        parse_config(config(host=""))
    assert TOKEN not in caught.value.message
    assert "host" in caught.value.message


def test_given_a_ca_bundle_and_port_then_the_sql_client_gets_both_and_no_telemetry(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nlocal\n-----END CERTIFICATE-----\n")
    parsed = parse_config(config(host="https://127.0.0.1:8443", ca_bundle_path=str(ca)))
    arguments = connection_arguments(parsed, auth=None)
    assert arguments["_port"] == 8443
    assert arguments["server_hostname"] == "127.0.0.1"
    assert arguments["enable_telemetry"] is False
    assert arguments["_retry_delay_max"] <= 10
    assert "access_token" not in arguments  # requests are signed by the credentials provider
    bundle = Path(arguments["_tls_trusted_ca_file"]).read_bytes()
    assert bundle.endswith(ca.read_bytes())  # the configured CA, added to the public ones
    assert bundle.count(b"BEGIN CERTIFICATE") > 100


def test_given_several_workers_then_their_reads_share_the_cloud_fetch_downloads():
    downloads = {
        workers: connection_arguments(parse_config(config(max_workers=workers)), auth=None)[
            "max_download_threads"
        ]
        for workers in (1, 2, 4, 32)
    }
    assert downloads == {1: CLOUD_FETCH_DOWNLOADS, 2: 1, 4: 1, 32: 1}


def test_given_oauth_m2m_credentials_then_they_parse_and_the_secret_is_hidden():
    parsed = parse_config(
        config(credentials={"auth_type": "oauth_m2m", "client_id": "sp", "client_secret": "s3"})
    )
    assert parsed.credentials.client_id == "sp"
    assert "s3" not in repr(parsed)


def test_given_a_warehouse_id_instead_of_http_path_then_the_path_is_derived():
    raw = config(warehouse_id="1234567890abcdef")
    del raw["http_path"]
    assert parse_config(raw).warehouse_http_path == "/sql/1.0/warehouses/1234567890abcdef"


def test_given_neither_http_path_nor_warehouse_id_then_config_error():
    raw = config()
    del raw["http_path"]
    with pytest.raises(AirbyteTracedException, match="http_path or warehouse_id"):
        parse_config(raw)

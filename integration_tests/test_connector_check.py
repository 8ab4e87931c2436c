"""spec and check through the real main.py against the local workspace."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ConnectorRun, run_connector


def assert_check_failed(run: ConnectorRun, *must_mention: str) -> str:
    statuses = run.of_type("CONNECTION_STATUS")
    assert [s["connectionStatus"]["status"] for s in statuses] == ["FAILED"], run.stdout
    assert run.errors and run.errors[0]["failure_type"] == "config_error"
    message = statuses[0]["connectionStatus"]["message"]
    for text in must_mention:
        assert text in message, message
    assert "Traceback" not in message
    return message


def test_spec_declares_the_connection_fields_and_hides_the_token():
    run = run_connector("spec")
    assert run.returncode == 0
    (spec,) = [m["spec"] for m in run.of_type("SPEC")]
    properties = spec["connectionSpecification"]["properties"]
    assert {
        "host",
        "credentials",
        "http_path",
        "catalogs",
        "include_schemas",
        "ca_bundle_path",
    } <= set(properties)
    pat = properties["credentials"]["oneOf"][0]["properties"]["personal_access_token"]
    assert pat["airbyte_secret"] is True


def test_check_succeeds_against_the_local_workspace(connector_config):
    run = run_connector("check", config=connector_config)
    assert run.returncode == 0, run.stderr
    statuses = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses == ["SUCCEEDED"]
    assert run.non_json_lines == []


def test_check_with_a_wrong_token_names_the_token_field_and_never_prints_it(demo_workspace):
    config = config_for(demo_workspace)
    config["credentials"]["personal_access_token"] = "dapi-wrong-token-0000"
    run = run_connector("check", config=config)
    assert_check_failed(run, "personal_access_token")
    assert "dapi-wrong-token-0000" not in run.stdout + run.stderr
    assert demo_workspace.token not in run.stdout + run.stderr


def test_check_with_a_wrong_http_path_names_http_path(demo_workspace):
    config = config_for(demo_workspace, http_path="/sql/1.0/warehouses/0000000000000000")
    assert_check_failed(run_connector("check", config=config), "http_path")


def test_check_with_an_unreachable_host_fails_fast_naming_host(demo_workspace):
    config = config_for(demo_workspace, host=f"https://127.0.0.1:{free_port()}")
    run = run_connector("check", config=config)
    assert_check_failed(run, "host")
    assert run.seconds < 30


def test_check_without_the_ca_bundle_advises_ca_bundle_path(demo_workspace):
    config = config_for(demo_workspace)
    del config["ca_bundle_path"]
    assert_check_failed(run_connector("check", config=config), "ca_bundle_path")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"catalogs": ["no_such_catalog"]}, "catalogs"),
        ({"include_schemas": ["demo", "nope"]}, "include_schemas"),
    ],
)
def test_check_with_a_missing_catalog_or_schema_names_the_field(
    demo_workspace, overrides: dict[str, Any], field: str
):
    run = run_connector("check", config=config_for(demo_workspace, **overrides))
    assert_check_failed(run, field)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""Airbyte's standard tests (`airbyte_cdk.test.standard_tests`), against the local workspace.

The scenarios come from `acceptance-test-config.yml`, as the CDK collects them. Its configs for a
live workspace are `secrets/config.json` (git-ignored; Airbyte's CI puts real credentials there);
here each of those is pointed at a file this module writes for the session's local workspace
(`demo_workspace`), so a developer's own `secrets/config.json` is never read or overwritten.

The suite runs the connector in-process through the CDK's `AirbyteEntrypoint`, which only takes
`AirbyteMessage`s. The connector's read yields record lines already serialized (`RecordBlock`,
written to stdout by its own entrypoint), so the suite gets a `SourceDatabricks` whose blocks are
parsed back into RECORD messages, each block checked to hold the count it declares.

The Docker image tests of the suite are not collected: they build `airbyte/source-databricks`
with Docker, which CI does not have; `airbyte-cdk image test` runs them where it is.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
import yaml
from airbyte_cdk.models import (
    AirbyteMessageSerializer,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
)
from airbyte_cdk.test.models import ConnectorTestScenario

from integration_tests.conftest import config_for
from integration_tests.connector_process import run_connector
from integration_tests.local_workspace_process import ROOT, RunningWorkspace
from source_databricks.config import parse_config
from source_databricks.heartbeat import HEARTBEAT_SECONDS
from source_databricks.output import Output, RecordBlock
from source_databricks.source import SourceDatabricks
from source_databricks.tables.warehouse import BOUNDED_RETRIES

with warnings.catch_warnings():
    # The suite marks its Docker tests `image_tests`, a marker this project does not register
    # (those tests are not collected here); pytest would warn, and warnings are errors here.
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    from airbyte_cdk.test.standard_tests import SourceTestSuiteBase, pytest_hooks

# The suite parametrizes its tests by scenario through this hook (a module-level hook applies to
# this module's tests only).
pytest_generate_tests = pytest_hooks.pytest_generate_tests

SECRETS_CONFIG = Path("secrets/config.json")
INVALID_CONFIG = ROOT / "integration_tests" / "invalid_config.json"
# Where this session's local-workspace config goes; named at import, since scenarios are
# collected before any fixture runs, and written by `local_workspace_config`. One per process (an
# xdist worker collects on its own); the stem keeps the scenario id `config`.
LOCAL_CONFIG = Path(
    tempfile.gettempdir(), f"source-databricks-standard-tests-{os.getpid()}", "config.json"
)


class InProcessSourceDatabricks(SourceDatabricks):
    """SourceDatabricks whose pre-serialized record blocks become RECORD messages again."""

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        # The CDK finds spec.json in the package of the instance's class: the connector's.
        return SourceDatabricks().spec(logger)

    def read(
        self,
        logger: logging.Logger,
        config: Any,
        catalog: ConfiguredAirbyteCatalog,
        state: Any = None,
    ) -> Iterator[Any]:
        for message in super().read(logger, config, catalog, state):
            yield from _messages(message)


def _messages(output: Output) -> Iterator[Any]:
    if not isinstance(output, RecordBlock):
        yield output
        return
    lines = bytes(output.lines).splitlines()
    assert len(lines) == output.count, f"a block of {output.stream} miscounts its records"
    for line in lines:
        message = AirbyteMessageSerializer.load(orjson.loads(line))
        assert (message.record.stream, message.record.namespace) == (
            output.stream,
            output.namespace,
        )
        yield message


@pytest.fixture(scope="module")
def local_workspace_config(demo_workspace: RunningWorkspace) -> Iterator[Path]:
    """Write the config of the session's local workspace where the scenarios look for it."""
    LOCAL_CONFIG.parent.mkdir(mode=0o700, exist_ok=True)  # the config holds the token
    LOCAL_CONFIG.write_text(json.dumps(config_for(demo_workspace)))
    yield LOCAL_CONFIG
    shutil.rmtree(LOCAL_CONFIG.parent, ignore_errors=True)


@pytest.mark.usefixtures("local_workspace_config")
class TestSourceDatabricksStandardTests(SourceTestSuiteBase):
    connector = InProcessSourceDatabricks
    connector_name = "source-databricks"  # the checkout's directory name may differ

    # Docker image tests: not collected (see the module docstring).
    test_docker_image_build_and_spec = None
    test_docker_image_spec_backward_compatibility = None
    test_docker_image_build_and_check = None
    test_docker_image_build_and_config_matches_spec = None
    test_docker_image_build_and_discover = None
    test_docker_image_build_and_read = None

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        return [_local(scenario) for scenario in super().get_scenarios()]


def _local(scenario: ConnectorTestScenario) -> ConnectorTestScenario:
    if scenario.config_path != SECRETS_CONFIG:
        return scenario
    return scenario.model_copy(update={"config_path": LOCAL_CONFIG})


def test_the_configured_catalog_holds_the_discovered_customers_stream(
    connector_config: dict[str, Any],
) -> None:
    """integration_tests/configured_catalog.json is what discover reports, not a stub."""
    discovered = run_connector("discover", config=connector_config)
    assert discovered.returncode == 0, discovered.stderr
    [catalog] = discovered.of_type("CATALOG")
    streams = {(s["namespace"], s["name"]): s for s in catalog["catalog"]["streams"]}
    committed = json.loads((ROOT / "integration_tests" / "configured_catalog.json").read_text())
    [configured] = committed["streams"]
    assert configured["stream"] == streams[("main.demo", "customers")]
    assert configured["primary_key"] == configured["stream"]["source_defined_primary_key"]
    assert (configured["sync_mode"], configured["destination_sync_mode"]) == (
        "full_refresh",
        "overwrite",
    )


def test_the_metadata_gives_heartbeats_ample_room_between_messages() -> None:
    """The platform fails a sync silent for maxSecondsBetweenMessages; waits log every 30 s."""
    data = yaml.safe_load((ROOT / "metadata.yaml").read_text())["data"]
    limit = data["maxSecondsBetweenMessages"]
    assert limit == 3600
    assert limit >= 100 * HEARTBEAT_SECONDS
    assert limit >= 10 * BOUNDED_RETRIES["_socket_timeout"]  # a hung socket times out first


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        (
            "adb-1234567890123456.7.azuredatabricks.net",
            "adb-1234567890123456.7.azuredatabricks.net",
        ),
        (
            "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com",
            "dbc-a1b2c3d4-e5f6.cloud.databricks.com",
        ),
        ("https://127.0.0.1:8443", "127.0.0.1"),
        ("https://adb-1.2.azuredatabricks.net:443/?o=1", "adb-1.2.azuredatabricks.net"),
    ],
)
def test_the_allowed_host_is_the_host_the_connector_connects_to(host: str, allowed: str) -> None:
    """${host}, reduced to a host name as the platform does for a URL, is the connector's host."""
    data = yaml.safe_load((ROOT / "metadata.yaml").read_text())["data"]
    assert "${host}" in data["allowedHosts"]["hosts"]
    config = parse_config({**json.loads(INVALID_CONFIG.read_text()), "host": host})
    assert config.hostname == allowed == (urlsplit(host).hostname or host)

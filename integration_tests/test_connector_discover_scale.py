"""Discovery of 5,000 tables through the real main.py in under 10 s (issue: discovery at scale)."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import run_connector
from integration_tests.local_workspace_process import running_workspace
from local_workspace.engine import Engine

TABLES = 5_000


@pytest.fixture(scope="module")
def wide_workspace(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("wide-workspace")
    engine = Engine(data_dir)
    session = engine.open_session()
    session.execute("CREATE SCHEMA main.wide")
    session.close()
    # Set-up straight on DuckDB in one transaction: 5,000 DDL statements through the server
    # would each commit on their own, and only the discovery is under test.
    setup = engine.connection.cursor()
    setup.execute("BEGIN TRANSACTION")
    for i in range(TABLES):
        setup.execute(
            f'CREATE TABLE "uc_main".wide.t{i} (id BIGINT NOT NULL, name VARCHAR,'
            " amount DECIMAL(18,2), updated_at TIMESTAMPTZ, payload VARCHAR)"
        )
    setup.execute("COMMIT")
    setup.close()
    engine.close()
    with running_workspace(data_dir) as workspace:
        yield workspace


def test_discover_5000_tables_in_under_10_seconds(wide_workspace):
    config = config_for(wide_workspace, include_schemas=["wide"])
    run = run_connector("discover", config=config)
    assert run.returncode == 0, run.stderr[-2000:]
    streams = run.of_type("CATALOG")[0]["catalog"]["streams"]
    assert len(streams) == TABLES
    assert {s["namespace"] for s in streams} == {"main.wide"}
    assert all(len(s["json_schema"]["properties"]) == 5 for s in streams)
    print(f"discover of {TABLES:,} tables: {run.seconds:.1f} s wall, process start included")
    assert run.seconds < 10

"""The fidelity suite: documented Databricks SQL results, through the real client, against a
running local workspace (one server for the module)."""

from __future__ import annotations

import pytest
from databricks import sql

from integration_tests.fidelity.cases import CASES, Case
from integration_tests.fidelity.runner import RESULTS, has_error_class, run_case
from integration_tests.fidelity.unsupported import UNSUPPORTED
from integration_tests.local_workspace_process import running_workspace

# The suite only grows: raise this when cases are added, never lower it.
MINIMUM_CASES = 462


@pytest.fixture(scope="module")
def connection(tmp_path_factory):
    with (
        running_workspace(tmp_path_factory.mktemp("fidelity-ws")) as workspace,
        sql.connect(**workspace.sql_connect_kwargs()) as connection,
    ):
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA IF NOT EXISTS main.fidelity")
        yield connection


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(connection, case: Case) -> None:
    outcome = run_case(connection, case)
    refused = UNSUPPORTED.get(case.id)
    RESULTS[case.id] = outcome.ok and refused is None
    if refused is None:
        assert outcome.ok, f"{case.sql}\n{outcome.detail}\n(documented at {case.url})"
        return
    assert not outcome.ok, f"{case.id} passes now: remove it from UNSUPPORTED"
    assert outcome.error is not None and has_error_class(outcome.error, refused), (
        f"{case.id} is listed as refused with [{refused}], but: {outcome.detail}"
    )


def test_the_suite_never_shrinks() -> None:
    ids = [c.id for c in CASES]
    assert len(set(ids)) == len(ids), "case ids must be unique"
    assert len(CASES) >= MINIMUM_CASES
    assert set(UNSUPPORTED) <= set(ids), "UNSUPPORTED names a case that does not exist"
    assert all(c.url.startswith("https://docs.databricks.com/") for c in CASES)

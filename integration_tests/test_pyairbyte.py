"""PyAirbyte reads the demo through this checkout's connector into its default DuckDB cache.

PyAirbyte (`airbyte==0.71.3`, hash-locked in `pyairbyte-requirements.txt`) runs in its own
virtual environment, made by `pyairbyte_env.ensure_pyairbyte_venv()` once per machine; it runs
`pyairbyte_read.py`, which calls `get_source(..., local_executable=<launcher>)` with
`AIRBYTE_OFFLINE_MODE=1` and `DO_NOT_TRACK=1`, the launcher being a script that runs `main.py` with
the project's interpreter. What the cache holds is compared with the seed's literals.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import config_secrets
from integration_tests.local_workspace_process import ROOT, RunningWorkspace
from integration_tests.pyairbyte_env import (
    LOCK_FILE,
    READ_SCRIPT,
    PyAirbyteVenv,
    ensure_pyairbyte_venv,
    write_launcher,
)
from local_workspace import demo_data

READS = [["customers", "order_items"], ["all_types"]]
SCRIPT_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class PyAirbyteRun:
    report: dict[str, Any]
    cache_root: Path
    seconds: float


@pytest.fixture(scope="session")
def pyairbyte_venv() -> PyAirbyteVenv:
    return ensure_pyairbyte_venv()


@pytest.fixture(scope="session")
def pyairbyte_run(
    pyairbyte_venv: PyAirbyteVenv,
    demo_workspace: RunningWorkspace,
    tmp_path_factory: pytest.TempPathFactory,
) -> PyAirbyteRun:
    work = tmp_path_factory.mktemp("pyairbyte")
    config = work / "config.json"
    settings = config_for(demo_workspace)
    config.write_text(json.dumps(settings))
    launcher = write_launcher(work / "source-databricks", ROOT / "main.py")
    job = work / "job.json"
    job.write_text(
        json.dumps({"executable": str(launcher), "config_path": str(config), "reads": READS})
    )
    output = work / "report.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABRICKS_", "ARM_", "AIRBYTE_", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= {
        "AIRBYTE_OFFLINE_MODE": "1",
        "DO_NOT_TRACK": "1",
        "AIRBYTE_CACHE_ROOT": str(work / "cache"),
        "AIRBYTE_LOGGING_ROOT": str(work / "logs"),
    }
    command = [str(pyairbyte_venv.python), str(READ_SCRIPT), str(job), str(output)]
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, f"PyAirbyte failed:\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}"
    logs = {str(p): p.read_text(errors="replace") for p in work.glob("logs/**/*") if p.is_file()}
    printed = {"stdout": done.stdout, "stderr": done.stderr, **logs}
    for field_name, secret in config_secrets(settings).items():
        leaked = [where for where, text in printed.items() if secret in text]
        assert not leaked, f"the config's {field_name} is in PyAirbyte's {leaked}"
    return PyAirbyteRun(json.loads(output.read_text()), work / "cache", seconds)


def report(request: pytest.FixtureRequest, name: str, value: str) -> None:
    """A timing for the test report (`pytest -rA` prints it; junit xml keeps it)."""
    request.node.user_properties.append((name, value))
    print(f"{name}: {value}")


def expected_cell(value: object, scale: int | None = None) -> list[str] | None:
    """A seed literal as `pyairbyte_read.encode` reports the cache's value for it."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        assert scale is not None
        return ["Decimal", str(value.quantize(Decimal(1).scaleb(-scale)))]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    return [type(value).__name__, str(value)]


def decimal_scale(sql_type: str) -> int:
    match = re.fullmatch(r"(?:NUMERIC|DECIMAL)\((\d+), ?(\d+)\)", sql_type)
    assert match, sql_type
    return int(match[2])


def cached_rows(stream: dict[str, Any], columns: list[str], key: list[str]) -> list[dict]:
    rows = [{c: row[c] for c in columns} for row in stream["rows"]]
    return sorted(rows, key=lambda row: [int(row[k][1]) for k in key])


def test_the_pyairbyte_environment_is_reused_while_its_lock_is_unchanged(
    pyairbyte_venv: PyAirbyteVenv, request: pytest.FixtureRequest
) -> None:
    timing = f"created in {pyairbyte_venv.seconds:.1f} s"
    report(request, "pyairbyte_venv", timing if pyairbyte_venv.created else "reused")
    again = ensure_pyairbyte_venv(pyairbyte_venv.path.parent)
    assert (again.path, again.created) == (pyairbyte_venv.path, False)
    versions = "from importlib.metadata import version as v; print(v('airbyte'), v('duckdb'))"
    version = subprocess.run(
        [str(again.python), "-c", versions], capture_output=True, text=True, check=True
    )
    assert version.stdout.split()[0] == "0.71.3"


def test_the_pyairbyte_lock_pins_every_package_with_hashes_and_names_no_index() -> None:
    text = LOCK_FILE.read_text()
    pins = re.findall(r"^([a-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE)
    assert ("airbyte", "0.71.3") in pins
    requirements = re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2].strip())
    assert all("--hash=sha256:" in requirement for requirement in requirements)
    assert "://" not in text


def test_pyairbyte_discovers_the_demo_streams(pyairbyte_run: PyAirbyteRun) -> None:
    streams = pyairbyte_run.report["available_streams"]
    assert streams == ["all_types", "customers", "events", "order_items"]


def test_pyairbyte_reads_into_its_default_duckdb_cache_under_the_cache_root(
    pyairbyte_run: PyAirbyteRun, request: pytest.FixtureRequest
) -> None:
    report(request, "pyairbyte_script_seconds", f"{pyairbyte_run.seconds:.1f}")
    read = pyairbyte_run.report["reads"][0]
    assert read["cache"]["type"] == "DuckDBCache"
    assert pyairbyte_run.cache_root in Path(read["cache"]["db_path"]).parents
    expected = len(demo_data.CUSTOMERS_ROWS) + len(demo_data.ORDER_ITEMS_ROWS)
    assert read["processed_records"] == expected


def test_pyairbyte_caches_the_customers_as_seeded(pyairbyte_run: PyAirbyteRun) -> None:
    stream = pyairbyte_run.report["reads"][0]["streams"]["customers"]
    columns = [name for name, _ in demo_data.CUSTOMERS_COLUMNS]
    # PyAirbyte keys its tables by stream name alone: the namespace main.demo is not kept.
    assert stream["table"] == "main.customers"
    assert stream["count"] == len(demo_data.CUSTOMERS_ROWS)
    assert {k: stream["types"][k] for k in columns} == {
        "customer_id": "BIGINT",
        "name": "VARCHAR",
        "email": "VARCHAR",
        "country": "VARCHAR",
        "signup_date": "DATE",
    }
    expected = [{c: expected_cell(row[c]) for c in columns} for row in demo_data.CUSTOMERS_ROWS]
    assert cached_rows(stream, columns, ["customer_id"]) == expected


def test_pyairbyte_caches_decimals_at_the_caches_scale(pyairbyte_run: PyAirbyteRun) -> None:
    stream = pyairbyte_run.report["reads"][0]["streams"]["order_items"]
    columns = [name for name, _ in demo_data.ORDER_ITEMS_COLUMNS]
    scale = decimal_scale(stream["types"]["unit_price"])
    assert scale == 9  # PyAirbyte stores every JSON number as DECIMAL(38, 9)
    assert stream["count"] == len(demo_data.ORDER_ITEMS_ROWS)
    expected = [
        {c: expected_cell(row[c], scale) for c in columns} for row in demo_data.ORDER_ITEMS_ROWS
    ]
    rows = cached_rows(stream, columns, ["order_id", "line_no"])
    assert rows == expected
    assert rows[0]["unit_price"] == ["Decimal", "19.990000000"]


def test_pyairbyte_cannot_cache_numbers_beyond_its_decimal_type(
    pyairbyte_run: PyAirbyteRun,
) -> None:
    """all_types holds doubles up to 1.8e308, which DECIMAL(38, 9) cannot hold: a PyAirbyte limit.

    The connector emits them exactly (see test_connector_read); PyAirbyte's DuckDB cache types
    every JSON number as DECIMAL(38, 9), so loading them fails. When a PyAirbyte upgrade lifts
    the limit this test fails, and all_types should join the compared streams.
    """
    read = pyairbyte_run.report["reads"][1]
    assert "error" in read, "all_types now loads: compare it with the seed too"
    assert "Failed to cast value to decimal" in read["details"]

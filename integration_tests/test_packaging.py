"""The Docker image's install steps, replayed in fresh venvs without Docker; packaging files agree.

The replay builds the wheel the way the Dockerfile's build stage does (a venv with only the locked
setuptools, from a directory holding only what the Dockerfile copies), installs it the way the
runtime stage does (the runtime lock with hashes, then the wheel alone) and runs the entrypoint.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import uuid
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.models.scenario import entry_key_problems

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONSOLE_SCRIPT = "source-databricks"

# The Dockerfile's RUN steps, in order (test_the_dockerfile_runs_the_replayed_steps checks it).
BUILD_STEPS = (
    "pip install --no-cache-dir --require-hashes -r requirements-build.lock",
    "pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .",
)
RUNTIME_STEPS = (
    "pip install --no-cache-dir --require-hashes -r requirements-runtime.lock",
    "pip install --no-cache-dir --no-deps /tmp/wheels/*.whl",
)
LOCKS = ("requirements.lock", "requirements-runtime.lock", "requirements-build.lock")


def run(command: list[str], cwd: Path) -> str:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    completed = subprocess.run(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    noise = "WARNING: Location '"
    output = "\n".join(
        line for line in (completed.stdout + completed.stderr).splitlines() if noise not in line
    )
    assert completed.returncode == 0, f"{' '.join(command)} failed:\n{output[-4000:]}"
    return completed.stdout


def fresh_venv(path: Path) -> Path:
    """A venv without system site packages; returns its python."""
    run([sys.executable, "-m", "venv", str(path)], ROOT)
    return path / "bin" / "python"


def replay(step: str, python: Path, cwd: Path, wheels: Path) -> None:
    words = step.replace("/tmp/wheels/*.whl", "{wheel}").replace("/wheels", str(wheels)).split()
    words = [str(next(wheels.glob("*.whl"))) if word == "{wheel}" else word for word in words]
    assert words[0] == "pip"
    run([str(python), "-m", *words], cwd)


def copied_sources() -> list[str]:
    """What the Dockerfile COPYs from the build context (not from another stage)."""
    sources = []
    for line in DOCKERFILE.splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not words[1].startswith("--from"):
            sources += words[1:-1]
    return sources


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("docker-build")
    context = base / "context"
    context.mkdir()
    for source in copied_sources():
        copy = shutil.copytree if (ROOT / source).is_dir() else shutil.copy2
        ignore = (
            {"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}
        )
        copy(ROOT / source, context / source, **ignore)
    python = fresh_venv(base / "venv")
    wheels = base / "wheels"
    for step in BUILD_STEPS:
        replay(step, python, context, wheels)
    (built,) = wheels.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def runtime_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("docker-runtime")
    context = base / "context"
    context.mkdir()
    shutil.copy2(ROOT / "requirements-runtime.lock", context)
    python = fresh_venv(base / "venv")
    for step in RUNTIME_STEPS:
        replay(step, python, context, wheel.parent)
    return base / "venv"


def test_given_the_runtime_install_when_spec_runs_then_it_prints_the_spec(
    runtime_venv: Path, tmp_path: Path
) -> None:
    stdout = run([str(runtime_venv / "bin" / CONSOLE_SCRIPT), "spec"], tmp_path)
    messages = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    specs = [message["spec"] for message in messages if message["type"] == "SPEC"]
    assert len(specs) == 1
    spec = specs[0]["connectionSpecification"]
    assert (
        spec
        == json.loads((ROOT / "source_databricks" / "spec.json").read_text())[
            "connectionSpecification"
        ]
    )


def test_given_the_runtime_install_when_imported_then_the_code_comes_from_the_wheel(
    runtime_venv: Path, tmp_path: Path
) -> None:
    code = "import source_databricks; print(source_databricks.__file__)"
    location = run([str(runtime_venv / "bin" / "python"), "-c", code], tmp_path).strip()
    assert Path(location).is_relative_to(runtime_venv)


def test_the_wheel_holds_the_two_packages_and_the_spec_but_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "source_databricks/spec.json" in names
    assert "local_workspace/__init__.py" in names
    tops = {name.split("/")[0] for name in names}
    dist_info = f"source_databricks-{PYPROJECT['project']['version']}.dist-info"
    assert tops == {"source_databricks", "local_workspace", dist_info}
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert f"{CONSOLE_SCRIPT} = source_databricks.run:run" in scripts


# --- the files agree with each other (fast) ------------------------------------------------


def lock_entries(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """package → (version, hashes) of a `uv pip compile --generate-hashes` lock."""
    entries = {}
    for block in re.split(r"\n(?=\S)", (ROOT / name).read_text().strip()):
        requirement, *hashes = (part.strip(" \\") for part in block.splitlines())
        package, version = requirement.split("==")
        entries[package.lower()] = (version, frozenset(h.removeprefix("--hash=") for h in hashes))
    return entries


@pytest.mark.parametrize("derived", ["requirements-runtime.lock", "requirements-build.lock"])
def test_the_derived_locks_pin_what_the_full_lock_pins(derived: str) -> None:
    full, subset = lock_entries("requirements.lock"), lock_entries(derived)
    drift = {package: pin for package, pin in subset.items() if full.get(package) != pin}
    assert not drift, f"{derived} disagrees with requirements.lock: run `python3 dev.py lock`"


def test_the_runtime_lock_has_the_dependencies_and_no_dev_or_local_workspace_extras() -> None:
    runtime = lock_entries("requirements-runtime.lock")
    for dependency in PYPROJECT["project"]["dependencies"]:
        assert re.split(r"[\[<>=!~ ]", dependency)[0].lower() in runtime
    assert not {"pytest", "ruff", "hypothesis", "starlette", "uvicorn"} & set(runtime)
    assert "setuptools" in lock_entries("requirements-build.lock")


@pytest.mark.parametrize("name", LOCKS)
def test_no_lock_records_a_download_address(name: str) -> None:
    assert "://" not in (ROOT / name).read_text()


def test_the_dockerfile_runs_the_replayed_steps() -> None:
    runs = [line.removeprefix("RUN ").strip() for line in DOCKERFILE.splitlines()]
    runs = [line for line in runs if line.startswith("pip ")]
    assert runs == [*BUILD_STEPS, *RUNTIME_STEPS]


def test_the_image_runs_the_console_script_as_airbyte_expects() -> None:
    assert PYPROJECT["project"]["scripts"][CONSOLE_SCRIPT] == "source_databricks.run:run"
    assert f'ENTRYPOINT ["{CONSOLE_SCRIPT}"]' in DOCKERFILE
    assert f'ENV AIRBYTE_ENTRYPOINT="{CONSOLE_SCRIPT}"' in DOCKERFILE
    assert "WORKDIR /airbyte/integration_code" in DOCKERFILE


def test_the_dockerignore_admits_everything_the_dockerfile_copies() -> None:
    admitted = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert set(copied_sources()) <= admitted


def metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yaml").read_text())


def test_the_metadata_has_every_field_the_registry_requires() -> None:
    data = metadata()["data"]
    assert metadata()["metadataSpecVersion"] == "1.0"
    required = {
        "name", "definitionId", "connectorType", "dockerRepository", "dockerImageTag", "license",
        "documentationUrl", "githubIssueLabel", "connectorSubtype", "releaseStage",
    }  # fmt: skip
    assert required <= set(data)
    assert uuid.UUID(data["definitionId"]).version == 4
    assert (data["connectorType"], data["connectorSubtype"]) == ("source", "database")
    assert {"language:python", "cdk:python"} <= set(data["tags"])
    assert data["allowedHosts"]["hosts"][0] == "${host}"


def test_the_metadata_names_the_package_version_and_the_dockerfile_base_image() -> None:
    data = metadata()["data"]
    assert data["dockerImageTag"] == PYPROJECT["project"]["version"]
    assert f"ARG BASE_IMAGE={data['connectorBuildOptions']['baseImage']}\n" in DOCKERFILE


def acceptance_entries() -> list[tuple[str, dict]]:
    config = yaml.safe_load((ROOT / "acceptance-test-config.yml").read_text())
    return [
        (section, entry)
        for section, tests in config["acceptance_tests"].items()
        for entry in tests["tests"]
    ]


def test_the_standard_tests_accept_every_acceptance_test_entry() -> None:
    problems = [
        p for section, entry in acceptance_entries() for p in entry_key_problems(entry, [section])
    ]
    assert problems == []


def test_the_acceptance_test_files_exist_and_parse() -> None:
    paths = {
        entry[key]
        for _, entry in acceptance_entries()
        for key in ("config_path", "configured_catalog_path", "spec_path")
        if key in entry and not entry[key].startswith("secrets/")
    }
    assert paths == {
        "integration_tests/invalid_config.json",
        "integration_tests/configured_catalog.json",
        "source_databricks/spec.json",
    }
    catalog = json.loads((ROOT / "integration_tests/configured_catalog.json").read_text())
    streams = ConfiguredAirbyteCatalogSerializer.load(catalog).streams
    assert [(s.stream.namespace, s.stream.name) for s in streams] == [("main.demo", "customers")]


def test_the_invalid_config_is_well_formed_and_only_its_token_is_wrong() -> None:
    spec = json.loads((ROOT / "source_databricks" / "spec.json").read_text())
    config = json.loads((ROOT / "integration_tests/invalid_config.json").read_text())
    jsonschema.validate(config, spec["connectionSpecification"])
    assert config["credentials"]["personal_access_token"] == "dapi-not-a-valid-token"


def readme_commands() -> list[str]:
    """The README's first two commands, found as fresh-clone-check finds them."""
    commands, inside = [], False
    for line in (ROOT / "README.md").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            inside = not inside
        elif inside and stripped and not stripped.startswith("#"):
            commands.append(stripped.removeprefix("$ "))
    return commands[:2]


def test_the_readme_opens_with_the_demo_and_the_tests() -> None:
    assert readme_commands() == ["python3 dev.py demo", "python3 dev.py test"]


def test_ci_runs_the_readmes_test_command() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "python3 dev.py test" in script.read_text()

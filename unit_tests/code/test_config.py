from __future__ import annotations

from pathlib import Path

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import ValidationError

from source_databricks.code.config import (
    CodeExecutionConfig,
    SyncOverrides,
    cluster_path,
    workspace_api_path,
)
from source_databricks.code.project import project_name, project_root, sync_options

MINIMAL = {
    "cluster_id": "c1",
    "project_dir": "/tmp/x",
    "commands": [{"language": "python", "code": "print(1)"}],
}


def test_minimal_config_takes_the_documented_defaults() -> None:
    config = CodeExecutionConfig.model_validate(MINIMAL)
    assert config.on_error == "stop"
    assert config.start_cluster is True
    assert config.install_requirements is False
    assert config.remote_dir is None
    assert config.commands[0].timeout_seconds == 3600
    assert config.sync.explicit() == {}


@pytest.mark.parametrize(
    "change",
    [
        {"commands": []},
        {"commands": [{"language": "scala", "code": "1"}]},
        {"commands": [{"language": "sql", "code": ""}]},
        {"commands": [{"language": "sql", "code": "select 1", "timeout_seconds": 0}]},
        {"on_error": "ignore"},
        {"remote_dir": "relative/dir"},
        {"remote_dir": "/Users/me/../other"},
        {"remote_dir": "/Workspace"},
        {"sync": {"max_file_size_mb": 11}},
        {"sync": {"unknown": 1}},
    ],
)
def test_invalid_configs_are_refused(change: dict) -> None:
    with pytest.raises(ValidationError):
        CodeExecutionConfig.model_validate({**MINIMAL, **change})


@pytest.mark.parametrize(
    ("given", "api"),
    [
        ("/Workspace/Users/me@x.com/.airbyte/p", "/Users/me@x.com/.airbyte/p"),
        ("/Users/me@x.com/p/", "/Users/me@x.com/p"),
        ("/Shared//team/p", "/Shared/team/p"),
    ],
)
def test_remote_dir_is_kept_in_workspace_api_form(given: str, api: str) -> None:
    assert workspace_api_path(given) == api
    assert cluster_path(api) == f"/Workspace{api}"


def write_pyproject(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


def test_pyproject_options_apply_and_the_connection_config_wins(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        '[project]\nname = "demo-pipeline"\n'
        "[tool.source-databricks.sync]\n"
        'exclude = ["data/"]\nmax-size-mb = 5\nuse_gitignore = false\n',
    )
    options = sync_options(tmp_path, SyncOverrides(max_size_mb=7))
    assert options.exclude == ("data/",)
    assert options.max_size_mb == 7
    assert options.use_gitignore is False
    assert project_name(tmp_path) == "demo-pipeline"


def test_without_pyproject_the_defaults_apply(tmp_path: Path) -> None:
    options = sync_options(tmp_path, SyncOverrides())
    assert (options.enabled, options.use_gitignore, options.max_file_size_mb) == (True, True, 10)
    assert project_name(tmp_path) == tmp_path.name


def test_invalid_pyproject_options_name_the_table(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.source-databricks.sync]\nmax_file_size_mb = 50\n")
    with pytest.raises(AirbyteTracedException, match=r"tool\.source-databricks\.sync"):
        sync_options(tmp_path, SyncOverrides())


def test_unparseable_pyproject_is_a_config_error(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool\n")
    with pytest.raises(AirbyteTracedException, match=r"pyproject\.toml cannot be read"):
        project_name(tmp_path)


def test_missing_project_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(AirbyteTracedException, match="project_dir"):
        project_root(str(tmp_path / "missing"))

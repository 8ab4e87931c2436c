"""Run the real connector (`python main.py …`) as a subprocess and parse what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ConnectorRun:
    """The parsed output of one connector command."""

    returncode: int
    messages: list[dict[str, Any]]
    stdout: str
    stderr: str
    seconds: float = 0.0
    non_json_lines: list[str] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    @property
    def records(self) -> list[dict[str, Any]]:
        return [m["record"] for m in self.of_type("RECORD")]

    @property
    def errors(self) -> list[dict[str, Any]]:
        traces = [m["trace"] for m in self.of_type("TRACE")]
        return [t["error"] for t in traces if t["type"] == "ERROR"]

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def statuses(self, name: str, namespace: str | None) -> list[str]:
        wanted = {"name": name, "namespace": namespace}
        traces = [m["trace"] for m in self.of_type("TRACE")]
        statuses = [t["stream_status"] for t in traces if t["type"] == "STREAM_STATUS"]
        return [s["status"] for s in statuses if s["stream_descriptor"] == wanted]


class LeakedSecret(AssertionError):
    """A connector run printed a secret of its config (the message names the field, not it)."""


def run_connector(command: str, **files: Any) -> ConnectorRun:
    """Run `main.py <command>` with config/catalog/state written to temporary files.

    Raises LeakedSecret if the run's stdout or stderr holds a secret of its config."""
    with tempfile.TemporaryDirectory() as tmp:
        args = connector_command(command, Path(tmp), **files)
        started = time.monotonic()
        done = subprocess.run(
            args, capture_output=True, text=True, env=connector_env(), timeout=600
        )
        seconds = time.monotonic() - started
    messages, other = parse_output(done.stdout)
    result = ConnectorRun(done.returncode, messages, done.stdout, done.stderr, seconds, other)
    assert_no_secret_printed(result, files.get("config"))
    return result


def connector_command(command: str, tmp: Path, **files: Any) -> list[str]:
    """The `main.py <command>` command line, its JSON files written into `tmp`."""
    args = [sys.executable, str(ROOT / "main.py"), command]
    for name, content in files.items():
        if content is None:
            continue
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(content))
        args += [f"--{name}", str(path)]
    return args


def parse_output(stdout: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The protocol messages of a run's stdout, and its lines that are not JSON."""
    messages, other = [], []
    for line in stdout.split("\n"):  # not splitlines(): JSON strings may hold U+2028
        if not line:
            continue
        try:
            messages.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            other.append(line)
    return messages, other


def config_secrets(config: Any) -> dict[str, str]:
    """The secret fields of a config (those spec.json marks airbyte_secret), by field name.

    Values shorter than 8 characters are left out: a substring search would find them anywhere."""
    found: dict[str, str] = {}
    if isinstance(config, dict):
        for key, value in config.items():
            if key in SECRET_FIELDS and isinstance(value, str) and len(value) >= 8:
                found[key] = value
            found |= config_secrets(value)
    return found


def assert_no_secret_printed(run: ConnectorRun, config: Any) -> None:
    for field_name, secret in config_secrets(config).items():
        for name, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            if secret in text:
                raise LeakedSecret(f"the config's {field_name} is in the connector's {name}")


def configured_catalog(streams: list[dict[str, Any]], sync_mode: str = "full_refresh") -> dict:
    """A configured catalog selecting the given discovered streams."""
    return {
        "streams": [
            {"stream": stream, "sync_mode": sync_mode, "destination_sync_mode": "overwrite"}
            for stream in streams
        ]
    }


def _secret_fields(spec: Any) -> set[str]:
    if not isinstance(spec, dict):
        return set().union(*map(_secret_fields, spec)) if isinstance(spec, list) else set()
    properties = spec.get("properties", {})
    mine = {k for k, v in properties.items() if isinstance(v, dict) and v.get("airbyte_secret")}
    return mine.union(*map(_secret_fields, spec.values()))


SECRET_FIELDS = frozenset(
    _secret_fields(json.loads((ROOT / "source_databricks" / "spec.json").read_text()))
)


def connector_env() -> dict[str, str]:
    """This process's environment for the connector, without the developer's Databricks ones."""
    # Stray Databricks settings of the developer's shell must not leak into the connector.
    return {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "ARM_"))}


def discovered_stream(config: dict, namespace: str, name: str) -> dict:
    """The stream `namespace.name` as `discover` describes it."""
    run = run_connector("discover", config=config)
    streams = run.of_type("CATALOG")[0]["catalog"]["streams"]
    return next(s for s in streams if s["name"] == name and s["namespace"] == namespace)


def state_input(state_message: dict) -> list[dict]:
    """A `--state` file's content resuming from one emitted STATE message."""
    return [{"type": "STREAM", "stream": state_message["stream"]}]


def final_state(run: ConnectorRun) -> dict:
    """The last stream state a run emitted."""
    return run.states[-1]["stream"]["stream_state"]

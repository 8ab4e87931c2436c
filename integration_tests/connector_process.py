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


def run_connector(command: str, **files: Any) -> ConnectorRun:
    """Run `main.py <command>` with config/catalog/state written to temporary files."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, str(ROOT / "main.py"), command]
        for name, content in files.items():
            if content is None:
                continue
            path = Path(tmp, f"{name}.json")
            path.write_text(json.dumps(content))
            args += [f"--{name}", str(path)]
        started = time.monotonic()
        done = subprocess.run(args, capture_output=True, text=True, env=_clean_env(), timeout=600)
        seconds = time.monotonic() - started
    messages, other = [], []
    for line in done.stdout.split("\n"):  # not splitlines(): JSON strings may hold U+2028
        if not line:
            continue
        try:
            messages.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            other.append(line)
    return ConnectorRun(done.returncode, messages, done.stdout, done.stderr, seconds, other)


def configured_catalog(streams: list[dict[str, Any]], sync_mode: str = "full_refresh") -> dict:
    """A configured catalog selecting the given discovered streams."""
    return {
        "streams": [
            {"stream": stream, "sync_mode": sync_mode, "destination_sync_mode": "overwrite"}
            for stream in streams
        ]
    }


def _clean_env() -> dict[str, str]:
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

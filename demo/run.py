"""`python3 dev.py demo`: start a local workspace, seed it, then check, discover and read it.

Everything lands in `.demo/` (git-ignored), emptied at each run: the workspace's data directory,
the connector config (0600: it holds the workspace's token), the configured catalog and the logs.
The server started here is always stopped, whatever happens.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from demo import connector
from demo.process import ROOT, StepError
from demo.protocol import ReadTally, StreamKey, descriptor_key, stream_label
from demo.workspace import LocalWorkspace, reset_data_dir
from local_workspace.data_dir import ServerInfo

CATALOG = "main"
SCHEMAS = ("demo",)
TIMEOUTS = {  # seconds, each overridable by the environment variable of the same name
    "DEMO_START_TIMEOUT": 120.0,
    "DEMO_SEED_TIMEOUT": 1200.0,
    "DEMO_COMMAND_TIMEOUT": 300.0,
    "DEMO_READ_TIMEOUT": 1800.0,
}


@dataclass(frozen=True)
class DemoPaths:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "workspace"

    @property
    def config(self) -> Path:
        return self.root / "config.json"

    @property
    def catalog(self) -> Path:
        return self.root / "configured_catalog.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"


def read_timeouts() -> dict[str, float]:
    """TIMEOUTS, with the environment's values where set."""
    timeouts = {}
    for name, default in TIMEOUTS.items():
        value = os.environ.get(name, default)
        try:
            timeouts[name] = float(value)
        except ValueError:
            raise StepError(f"{name}={value!r} is not a number of seconds") from None
    return timeouts


@dataclass
class Outcome:
    text: str = "done"


@contextmanager
def step(label: str) -> Iterator[Outcome]:
    """Print one progress line: the step, then its outcome and how long it took."""
    print(f"- {label} ...", end=" ", flush=True)
    outcome = Outcome()
    started = time.monotonic()
    try:
        yield outcome
    except BaseException as error:
        print("interrupted" if isinstance(error, KeyboardInterrupt) else "FAILED", flush=True)
        raise
    print(f"{outcome.text} ({time.monotonic() - started:.1f} s)", flush=True)


@dataclass
class DemoResult:
    status: str = ""
    streams: list[dict] = field(default_factory=list)
    read: connector.ReadResult | None = None


def start_and_seed(workspace: LocalWorkspace, paths: DemoPaths, timeouts: dict) -> ServerInfo:
    with step("start the local workspace") as outcome:
        reset_data_dir(workspace.data_dir)
        server = workspace.start(timeouts["DEMO_START_TIMEOUT"])
        outcome.text = f"ready at {server.url}"
    with step(f"seed {CATALOG}.{SCHEMAS[0]}"):
        workspace.seed(paths.log("seed"), timeouts["DEMO_SEED_TIMEOUT"])
    return server


def sync(workspace: LocalWorkspace, paths: DemoPaths, timeouts: dict) -> DemoResult:
    server = start_and_seed(workspace, paths, timeouts)
    config = connector.connector_config(
        server, workspace.token, workspace.ca_bundle, CATALOG, SCHEMAS
    )
    connector.write_private_json(paths.config, config)
    result = DemoResult()
    with step("check") as outcome:
        result.status = connector.check(paths.config, timeouts["DEMO_COMMAND_TIMEOUT"])
        outcome.text = result.status
    with step("discover") as outcome:
        result.streams = connector.discover(paths.config, timeouts["DEMO_COMMAND_TIMEOUT"])
        outcome.text = f"{len(result.streams)} streams"
    paths.catalog.write_text(json.dumps(connector.configured_catalog(result.streams), indent=2))
    with step("read every stream (full refresh)") as outcome:
        result.read = connector.read(
            paths.config, paths.catalog, paths.log("read-stderr"), timeouts["DEMO_READ_TIMEOUT"]
        )
        outcome.text = f"{result.read.tally.total:,} records"
    return result


def stop(workspace: LocalWorkspace) -> None:
    if workspace.process is None:
        return
    with step("stop the local workspace") as outcome:
        outcome.text = f"exit code {workspace.stop()}"


def record_rows(result: DemoResult) -> list[tuple[str, int]]:
    """(stream, records) for every discovered stream, then any other stream that sent records."""
    records = result.read.tally.records
    keys: list[StreamKey] = [descriptor_key(stream) for stream in result.streams]
    keys += sorted((key for key in records if key not in keys), key=stream_label)
    return [(stream_label(key), records[key]) for key in keys]


def format_summary(result: DemoResult, paths: DemoPaths) -> str:
    tally, seconds = result.read.tally, max(result.read.seconds, 1e-6)
    rows = [*record_rows(result), ("total", tally.total)]
    width = max(len(name) for name, _ in rows)
    count_width = max(len("records"), *(len(f"{count:,}") for _, count in rows))
    lines = [
        "",
        "Summary",
        f"  check       {result.status}",
        f"  discovered  {len(result.streams)} streams",
        "",
        f"  {'stream':<{width}}  {'records':>{count_width}}",
        *(f"  {name:<{width}}  {count:>{count_width},}" for name, count in rows),
        "",
        f"  read        {seconds:.1f} s, {tally.total / seconds:,.0f} records/s "
        "(wall time of `python main.py read`)",
        f"  files       {paths.root.relative_to(ROOT)}/ (config.json is 0600: it holds the token)",
    ]
    lines += [f"  warning     {problem}" for problem in warnings(tally)]
    return "\n".join(lines)


def warnings(tally: ReadTally) -> list[str]:
    found = [f"STATE recordCount disagrees: {problem}" for problem in tally.count_mismatches()]
    if tally.not_json:
        found.append(f"{tally.not_json} line(s) on stdout were not JSON (protocol violation)")
    return found


def report_failure(error: StepError) -> None:
    print(f"\ndemo failed: {error.message}", flush=True)
    if error.detail:
        print("--- last lines of its output ---", error.detail, "---", sep="\n", flush=True)


def interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so that a killed demo still stops its server."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str]) -> int:
    if argv:
        print("usage: python3 dev.py demo   (no arguments; timeouts: DEMO_*_TIMEOUT)")
        return 2
    paths = DemoPaths(ROOT / ".demo")
    paths.logs.mkdir(parents=True, exist_ok=True)
    workspace = LocalWorkspace(paths.data_dir, paths.log("server"))
    print(f"source-databricks demo: local workspace in {paths.data_dir.relative_to(ROOT)}/")
    result = failure = None
    interrupt_on_sigterm()
    try:
        result = sync(workspace, paths, read_timeouts())
    except StepError as error:
        failure = error
    except KeyboardInterrupt:
        return 130
    finally:
        stop(workspace)
    if failure is not None:
        report_failure(failure)
        return 1
    print(format_summary(result, paths))
    return 0

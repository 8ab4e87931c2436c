"""dev.py and the demo: stamp logic, protocol counting, the workspace process, files written."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteRecordMessage,
    ConfiguredAirbyteCatalogSerializer,
    Type,
)

import dev
from demo import connector, protocol, run, workspace
from demo.process import StepError
from local_workspace.data_dir import DataDir, ServerInfo

# --- dev.py ---------------------------------------------------------------------------------


@pytest.fixture
def fake_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """dev.py pointed at a throwaway project with a lock, a pyproject and a 3.11 venv."""
    (tmp_path / "requirements.lock").write_text("a==1\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    for name, path in {
        "LOCK": tmp_path / "requirements.lock",
        "PYPROJECT": tmp_path / "pyproject.toml",
        "VENV": venv,
        "VENV_PYTHON": venv / "bin" / "python",
        "STAMP": venv / ".dev-py-stamp",
    }.items():
        monkeypatch.setattr(dev, name, path)
    return tmp_path


def test_given_no_stamp_when_checked_then_the_venv_needs_an_install(fake_project: Path) -> None:
    assert not dev.is_up_to_date()


def test_given_a_current_stamp_when_checked_then_nothing_is_installed(fake_project: Path) -> None:
    dev.STAMP.write_text(dev.stamp_value() + "\n")
    assert dev.is_up_to_date()


def test_given_a_changed_lock_when_checked_then_the_stamp_is_stale(fake_project: Path) -> None:
    dev.STAMP.write_text(dev.stamp_value())
    dev.LOCK.write_text("a==2\n")
    assert not dev.is_up_to_date()


def test_given_a_changed_pyproject_when_checked_then_the_stamp_is_stale(fake_project: Path) -> None:
    dev.STAMP.write_text(dev.stamp_value())
    dev.PYPROJECT.write_text("[project]\nname = 'x'\n")
    assert not dev.is_up_to_date()


def test_given_a_venv_of_another_python_when_checked_then_it_is_not_usable(
    fake_project: Path,
) -> None:
    dev.STAMP.write_text(dev.stamp_value())
    (dev.VENV / "pyvenv.cfg").write_text("version = 3.12.1\n")
    assert not dev.venv_is_usable()
    assert not dev.is_up_to_date()


def test_given_an_unknown_task_when_run_then_usage_and_exit_2(capsys) -> None:
    assert dev.main(["deploy"]) == 2
    assert "usage: python3 dev.py" in capsys.readouterr().err


def test_given_pip_noise_when_a_command_fails_then_only_the_real_error_is_raised() -> None:
    script = "print(\"WARNING: Location 'file:///opt/x' is ignored\"); print('ERROR: no'); exit(1)"
    with pytest.raises(dev.SetupError) as raised:
        dev.run_quiet([sys.executable, "-c", script], "pip install")
    assert "ERROR: no" in str(raised.value)
    assert "is ignored" not in str(raised.value)


def test_the_lock_commands_keep_the_documented_full_lock_command() -> None:
    inputs, stdin = dev.LOCKS["requirements.lock"]
    command = " ".join(["uv pip compile", *inputs, *dev.LOCK_OPTIONS, "-o requirements.lock"])
    assert command == (
        "uv pip compile pyproject.toml --extra local --extra dev --generate-hashes "
        "--python-version 3.11 --no-header --no-annotate -o requirements.lock"
    )
    assert stdin is None


# --- protocol: counting records without parsing them ---------------------------------------


def cdk_record_line(stream: str, namespace: str | None, data: dict) -> bytes:
    """A RECORD line exactly as the CDK entrypoint prints it."""
    record = AirbyteRecordMessage(stream=stream, namespace=namespace, data=data, emitted_at=1)
    message = AirbyteMessage(type=Type.RECORD, record=record)
    return orjson.dumps(AirbyteMessageSerializer.dump(message)) + b"\n"


def count(lines: list[bytes]) -> dict:
    tally = protocol.ReadTally()
    for line in lines:
        tally.feed(line)
    return dict(tally.records)


def test_given_cdk_record_lines_when_counted_then_each_stream_has_its_count() -> None:
    lines = [cdk_record_line("events", "main.demo", {"id": i}) for i in range(5)]
    lines += [cdk_record_line("customers", "main.demo", {"id": 1})]
    assert count(lines) == {("main.demo", "events"): 5, ("main.demo", "customers"): 1}


def test_given_data_with_the_records_own_key_names_when_counted_then_they_are_not_taken() -> None:
    decoy = {"stream": "nope", "namespace": "nope", "emitted_at": 5, "data": {"stream": "x"}}
    lines = [cdk_record_line("events", "main.demo", decoy) for _ in range(3)]
    assert count(lines) == {("main.demo", "events"): 3}


@pytest.mark.parametrize(
    "template",
    [
        '{"type":"RECORD","record":{"stream":"%s","namespace":"main.demo","data":{"v":%d},'
        '"emitted_at":1}}\n',
        '{"type":"RECORD","record":{"namespace":"main.demo","emitted_at":%d,"stream":"%s",'
        '"data":{}}}\n',
        '{"type":"RECORD","record":{"data":{"stream":"no"},"stream":"%s","namespace":"main.demo",'
        '"emitted_at":%d}}\n',
        '{"record":{"stream":"%s","namespace":"main.demo","data":{"v":%d},"emitted_at":1},'
        '"type":"RECORD"}\n',
    ],
    ids=["connector-order", "emitted-at-first", "keys-between-data-and-emitted-at", "type-last"],
)
def test_given_other_key_orders_when_counted_then_the_counts_are_exact(template: str) -> None:
    def line(name: str, value: int) -> bytes:
        args = (name, value) if template.index("%s") < template.index("%d") else (value, name)
        return (template % args).encode()

    lines = [line(name, i) for i in range(40) for name in ("a", "b")]
    assert count(lines) == {("main.demo", "a"): 40, ("main.demo", "b"): 40}


def test_given_a_layout_per_line_when_counted_then_the_layout_cache_stays_bounded() -> None:
    counter = protocol.RecordCounter()
    for i in range(protocol.MAX_LAYOUTS + 50):
        counter.add(
            f'{{"type":"RECORD","record":{{"emitted_at":{i},"stream":"s",'.encode()
            + b'"data":{},"namespace":"n"}}\n'
        )
    assert counter[("n", "s")] == protocol.MAX_LAYOUTS + 50
    assert len(counter._layouts) == protocol.MAX_LAYOUTS


def test_given_escaped_or_missing_namespaces_when_counted_then_they_are_parsed() -> None:
    lines = [
        cdk_record_line('we"ird', "main.demo", {}),
        cdk_record_line("plain", None, {}),
        cdk_record_line("plain", None, {}),
        cdk_record_line("ünï", "main.démo", {}),
    ]
    assert count(lines) == {
        ("main.demo", 'we"ird'): 1,
        (None, "plain"): 2,
        ("main.démo", "ünï"): 1,
    }


def state_line(name: str, records: float) -> bytes:
    descriptor = {"name": name, "namespace": "main.demo"}
    state = {"type": "STREAM", "stream": {"stream_descriptor": descriptor, "stream_state": {}}}
    message = {"type": "STATE", "state": {**state, "sourceStats": {"recordCount": records}}}
    return json.dumps(message).encode()


def test_given_states_when_their_counts_disagree_then_the_mismatch_is_reported() -> None:
    tally = protocol.ReadTally()
    for line in [cdk_record_line("a", "main.demo", {}), state_line("a", 1.0), state_line("b", 2.0)]:
        tally.feed(line)
    assert tally.states == 2
    assert tally.count_mismatches() == ["main.demo.b: 0 records, STATE counts 2"]


def test_given_an_error_trace_and_noise_when_fed_then_both_are_kept() -> None:
    error = {"message": "Table gone", "internal_message": "TABLE_OR_VIEW_NOT_FOUND"}
    trace = {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1.0, "error": error}}
    tally = protocol.ReadTally()
    for line in [json.dumps(trace).encode(), b"not json\n", b"\n"]:
        tally.feed(line)
    assert tally.errors == ["Table gone (TABLE_OR_VIEW_NOT_FOUND)"]
    assert tally.not_json == 1


# --- the connector's files ------------------------------------------------------------------

SERVER = ServerInfo("127.0.0.1", 4443, 1, "/sql/1.0/warehouses/abc", "abc")


def test_the_demo_config_has_the_connectors_shape() -> None:
    config = connector.connector_config(SERVER, "tok", Path("/d/tls/ca.pem"), "main", ["demo"])
    assert config == {
        "host": "https://127.0.0.1:4443",
        "credentials": {"auth_type": "personal_access_token", "personal_access_token": "tok"},
        "http_path": "/sql/1.0/warehouses/abc",
        "ca_bundle_path": "/d/tls/ca.pem",
        "catalogs": ["main"],
        "include_schemas": ["demo"],
    }


def test_given_a_readable_file_when_the_config_is_written_then_only_its_owner_reads_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.json"
    path.write_text("{}")
    path.chmod(0o644)
    connector.write_private_json(path, {"token": "x"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"token": "x"}


def test_the_configured_catalog_selects_every_stream_in_full_refresh() -> None:
    streams = [
        {
            "name": n,
            "namespace": "main.demo",
            "json_schema": {},
            "supported_sync_modes": ["full_refresh"],
        }
        for n in ("a", "b")
    ]
    catalog = ConfiguredAirbyteCatalogSerializer.load(connector.configured_catalog(streams))
    assert [
        (s.stream.name, s.sync_mode.value, s.destination_sync_mode.value) for s in catalog.streams
    ] == [
        ("a", "full_refresh", "overwrite"),
        ("b", "full_refresh", "overwrite"),
    ]


# --- the workspace process ------------------------------------------------------------------

FAKE_SERVER = textwrap.dedent(
    """
    import json, os, signal, sys, time
    from pathlib import Path

    command, data = sys.argv[1], Path(sys.argv[sys.argv.index("--data-dir") + 1])
    mode = os.environ["FAKE_MODE"]
    if mode == "die":
        sys.exit("cannot bind 127.0.0.1")
    if mode == "ready":
        (data / "tls").mkdir(parents=True, exist_ok=True)
        (data / "tls" / "ca.pem").write_text("pem")
        (data / "token").write_text("secret\\n")
        info = {"host": "127.0.0.1", "port": 4443, "pid": os.getpid(),
                "http_path": "/sql/1.0/warehouses/w", "warehouse_id": "w"}
        (data / "server.json").write_text(json.dumps(info))
        def stop(*_):
            (data / "server.json").unlink()
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
    while True:
        time.sleep(0.05)
    """
)


@pytest.fixture
def fake_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> workspace.LocalWorkspace:
    package = tmp_path / "modules" / "fake_workspace"
    package.mkdir(parents=True)
    (package / "__main__.py").write_text(FAKE_SERVER)
    monkeypatch.setenv("PYTHONPATH", str(package.parent))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return workspace.LocalWorkspace(data_dir, tmp_path / "server.log", module="fake_workspace")


def test_given_a_server_when_started_and_stopped_then_it_is_ready_then_gone(
    fake_workspace: workspace.LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "ready")
    server = fake_workspace.start(timeout=30)
    assert (server.url, server.http_path) == ("https://127.0.0.1:4443", "/sql/1.0/warehouses/w")
    assert fake_workspace.token == "secret"
    assert fake_workspace.stop(grace=10) == 0
    assert not fake_workspace.data_dir.server_json.exists()


def test_given_a_server_that_dies_when_started_then_its_output_is_in_the_error(
    fake_workspace: workspace.LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "die")
    with pytest.raises(StepError, match="exited with code 1 before it was ready") as raised:
        fake_workspace.start(timeout=30)
    assert "cannot bind 127.0.0.1" in raised.value.detail


def test_given_a_server_that_never_gets_ready_when_started_then_it_times_out_and_is_killed(
    fake_workspace: workspace.LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang")
    with pytest.raises(StepError, match="DEMO_START_TIMEOUT"):
        fake_workspace.start(timeout=0.5)
    assert fake_workspace.stop(grace=10) is not None
    assert fake_workspace.process.poll() is not None


def test_given_a_live_server_on_the_data_dir_when_reset_then_the_demo_refuses(
    tmp_path: Path,
) -> None:
    info = {"host": "h", "port": 1, "pid": os.getpid(), "http_path": "/p", "warehouse_id": "w"}
    (tmp_path / "server.json").write_text(json.dumps(info))
    with pytest.raises(StepError, match=f"kill {os.getpid()}"):
        workspace.reset_data_dir(DataDir(tmp_path))
    assert (tmp_path / "server.json").exists()


# --- the summary ----------------------------------------------------------------------------


def test_the_summary_lists_every_discovered_stream_with_its_records(tmp_path: Path) -> None:
    tally = protocol.ReadTally()
    for _ in range(1500):
        tally.feed(cdk_record_line("events", "main.demo", {}))
    streams = [{"name": n, "namespace": "main.demo"} for n in ("customers", "events")]
    result = run.DemoResult("SUCCEEDED", streams, connector.ReadResult(tally, 2.0))
    summary = run.format_summary(result, run.DemoPaths(run.ROOT / ".demo"))
    rows = [line.split() for line in summary.splitlines()]
    assert ["main.demo.customers", "0"] in rows
    assert ["main.demo.events", "1,500"] in rows
    assert ["total", "1,500"] in rows
    assert "2.0 s, 750 records/s" in summary


def test_given_a_bad_timeout_when_the_demo_starts_then_it_says_which(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_READ_TIMEOUT", "soon")
    with pytest.raises(StepError, match="DEMO_READ_TIMEOUT='soon' is not a number"):
        run.read_timeouts()

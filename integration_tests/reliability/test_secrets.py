"""Secrets: the token and the OAuth client secret never appear in anything the suite sees.

The suite's workspace runs with a recognisable token and service-principal secret (conftest.py);
here check, discover and read run with each credential, and nothing they print — records, traces,
states, logs, stderr — nor the workspace's own output holds either. conftest.py repeats the
output check over every connector run of the suite when the session ends.

The workspace listens on 127.0.0.1 only and answers every request without the right token with
401/403, except the endpoints a real workspace serves without one.
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    ConnectorRun,
    LeakedSecret,
    assert_no_secret_printed,
    configured_catalog,
)
from integration_tests.local_workspace_process import RunningWorkspace
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCHEMA,
    SECRETS,
    TOKEN,
    run,
    run_all,
)

TABLE = "secret_orders"
STREAM = {
    "name": TABLE,
    "namespace": f"main.{SCHEMA}",
    "json_schema": {"type": "object", "properties": {}},
    "supported_sync_modes": ["full_refresh"],
}
REST_ROUTES = [  # (method, path): a sample of every REST family the workspace serves
    ("GET", "/api/2.0/sql/warehouses"),
    ("POST", "/api/2.0/sql/warehouses/{warehouse_id}/stop"),
    ("GET", "/api/2.1/clusters/list"),
    ("GET", "/api/2.0/clusters/get?cluster_id=0101-000000-localall"),
    ("POST", "/api/1.2/contexts/create"),
    ("GET", "/api/2.0/workspace/list?path=/"),
    ("GET", "/api/2.0/fs/directories/Volumes"),
    ("GET", "/api/2.0/dbfs/list?path=/"),
    ("GET", "/api/2.0/preview/scim/v2/Me"),
    ("GET", "/local/faults"),
    ("GET", "/local/sql"),
]
PUBLIC_ROUTES = [
    ("GET", "/.well-known/databricks-config"),
    ("GET", "/oidc/.well-known/oauth-authorization-server"),
]


@pytest.fixture(scope="module")
def runs(sql, workspace: RunningWorkspace) -> dict[str, ConnectorRun]:
    sql.run(f"CREATE OR REPLACE TABLE main.{SCHEMA}.{TABLE} (id INT, note STRING)")
    sql.run(f"INSERT INTO main.{SCHEMA}.{TABLE} VALUES (1, 'a'), (2, 'b')")
    pat = config_for(workspace, include_schemas=[SCHEMA], include_tables=[TABLE])
    oauth = {
        **pat,
        "credentials": {
            "auth_type": "oauth_m2m",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    }
    catalog = configured_catalog([STREAM])
    return run_all(
        {
            "pat check": lambda: run("check", config=pat),
            "pat discover": lambda: run("discover", config=pat),
            "pat read": lambda: run("read", config=pat, catalog=catalog),
            "oauth check": lambda: run("check", config=oauth),
            "oauth read": lambda: run("read", config=oauth, catalog=catalog),
        }
    )


def test_commands_succeed_with_each_credential(runs: dict[str, ConnectorRun]) -> None:
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr[-2000:])
        assert result.errors == [], (name, result.errors)
    for name in ("pat read", "oauth read"):
        assert sorted(r["data"]["id"] for r in runs[name].records) == [1, 2]


def test_no_secret_in_any_output_record_trace_or_state(runs: dict[str, ConnectorRun]) -> None:
    for name, result in runs.items():
        parts: dict[str, Any] = {
            "stdout": result.stdout,
            "stderr": result.stderr,
            "records": result.records,
            "traces": result.of_type("TRACE"),
            "states": result.states,
            "logs": result.of_type("LOG"),
        }
        for part, content in parts.items():
            text = content if isinstance(content, str) else json.dumps(content)
            for secret in SECRETS:
                assert secret not in text, f"a secret is in the {part} of {name}"
        figures.record("secrets", f"{name}: {', '.join(parts)}", runs=1, leaked=0)


def test_no_secret_in_the_workspace_output(runs, workspace: RunningWorkspace) -> None:
    out, err = workspace.output()
    assert out or err  # the server does log; the secrets are not in it
    for secret in SECRETS:
        assert secret not in out + err
    figures.record("secrets", "the local workspace's own stdout and stderr", leaked=0)


def request(workspace: RunningWorkspace, method: str, path: str, **kwargs: Any) -> int:
    """The HTTP status of one request (with the given headers and body)."""
    url = workspace.url + path.format(warehouse_id=workspace.warehouse_id)
    data = kwargs.get("data")
    if data is None and method == "POST":
        data = b"{}"
    req = urllib.request.Request(url, data=data, method=method, headers=kwargs.get("headers", {}))
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    try:
        with urllib.request.urlopen(req, context=tls, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(("method", "path"), REST_ROUTES, ids=[p for _, p in REST_ROUTES])
def test_rest_routes_refuse_a_missing_or_wrong_token(workspace, method: str, path: str) -> None:
    assert request(workspace, method, path) == 401
    wrong = {"Authorization": "Bearer dapi0000000000000000"}
    assert request(workspace, method, path, headers=wrong) == 403
    assert request(workspace, method, path, headers={"Authorization": "Basic eDp5"}) == 401


def test_the_thrift_endpoint_refuses_a_missing_or_wrong_token(workspace) -> None:
    thrift = {"Content-Type": "application/x-thrift"}
    body = b"\x80\x01\x00\x01\x00\x00\x00\x0bOpenSession\x00\x00\x00\x00\x00"
    assert request(workspace, "POST", workspace.http_path, headers=thrift, data=body) == 401
    wrong = {**thrift, "Authorization": "Bearer dapi0000000000000000"}
    assert request(workspace, "POST", workspace.http_path, headers=wrong, data=body) == 403


@pytest.mark.parametrize(("method", "path"), PUBLIC_ROUTES, ids=[p for _, p in PUBLIC_ROUTES])
def test_public_discovery_endpoints_answer_without_a_token(workspace, method, path) -> None:
    assert request(workspace, method, path) == 200


def test_the_oauth_token_endpoint_needs_the_client_secret_not_a_token(workspace) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    good = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert request(workspace, "POST", "/oidc/v1/token", headers=form, data=good.encode()) == 200
    bad = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=wrong-0000"
    assert request(workspace, "POST", "/oidc/v1/token", headers=form, data=bad.encode()) in {
        400,
        401,
    }


def test_the_workspace_listens_on_loopback_only(workspace) -> None:
    assert workspace.host == "127.0.0.1"
    listening = listening_addresses(workspace.port)
    assert listening == {"127.0.0.1"}, listening


def listening_addresses(port: int) -> set[str]:
    """The local addresses of sockets listening on `port`, from Linux's /proc/net/tcp{,6}."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(_address(address))
    if not found:
        pytest.skip("no /proc/net/tcp on this system")
    return found


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def test_the_harness_refuses_a_run_that_printed_a_secret_of_its_config() -> None:
    """run_connector checks every connector run of the whole suite this way (connector_process)."""
    config = {"credentials": {"auth_type": "oauth_m2m", "client_secret": CLIENT_SECRET}}
    clean = ConnectorRun(0, [], '{"type": "LOG"}\n', "INFO all good\n")
    assert_no_secret_printed(clean, config)
    for stdout, stderr, where in (
        (f'{{"type": "LOG", "log": {{"message": "{CLIENT_SECRET}"}}}}\n', "", "stdout"),
        ("", f"DEBUG Authorization: Bearer {TOKEN}\n", "stderr"),
    ):
        leaking = ConnectorRun(1, [], stdout, stderr)
        pat = {"credentials": {"personal_access_token": TOKEN}}
        with pytest.raises(LeakedSecret, match=where) as raised:
            assert_no_secret_printed(leaking, config if where == "stdout" else pat)
        assert CLIENT_SECRET not in str(raised.value) and TOKEN not in str(raised.value)

"""Arm and read a running local workspace's fault switches (``/local/faults``) from tests.

switches = FaultSwitches(workspace)  # counts injections from here on
switches.arm(kind="unavailable", rpc="ExecuteStatement", count=2)
run_the_client()
assert switches.injected("unavailable") >= 1
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from typing import Any

from integration_tests.local_workspace_process import RunningWorkspace


class FaultSwitches:
    """A tiny client of the admin endpoint (stdlib only, trusting the workspace's CA)."""

    def __init__(self, workspace: RunningWorkspace) -> None:
        self._workspace = workspace
        self._baseline = self.state()["injected"]  # the server's counts only ever grow

    def arm(self, **fault: Any) -> dict:
        """Arm one fault (``kind=…`` plus its options); the server's fault listing."""
        return self._call("POST", fault)

    def clear(self) -> dict:
        return self._call("DELETE")

    def state(self) -> dict:
        return self._call("GET")

    def injected(self, kind: str | None = None) -> int:
        """How many faults (of ``kind``) the server injected since this object was made."""
        counts = self.state()["injected"]
        kinds = counts if kind is None else [kind]
        return sum(counts.get(k, 0) - self._baseline.get(k, 0) for k in kinds)

    def _call(self, method: str, body: dict | None = None) -> dict:
        return _request(self._workspace, method, "/local/faults", body)


def sql_status(workspace: RunningWorkspace) -> dict:
    """The server's open SQL sessions and operations (``GET /local/sql``)."""
    return _request(workspace, "GET", "/local/sql")


def _request(workspace: RunningWorkspace, method: str, path: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(workspace.url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {workspace.token}")
    request.add_header("Content-Type", "application/json")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
        return json.loads(reply.read())

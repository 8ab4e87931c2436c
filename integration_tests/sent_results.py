"""Read what a running local workspace says it sent (``GET /local/results``) from tests.

Tests find a statement's record by a marker in its text (a SQL comment or a table name) and then
assert on what the server recorded as sent: the Arrow schema, rows, bytes, inline or Cloud Fetch.
"""

from __future__ import annotations

import json
import ssl
import urllib.request

from integration_tests.local_workspace_process import RunningWorkspace


def sent_results(workspace: RunningWorkspace) -> list[dict]:
    """Every statement record the server holds, oldest first."""
    request = urllib.request.Request(f"{workspace.url}/local/results")
    request.add_header("Authorization", f"Bearer {workspace.token}")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
        return json.loads(reply.read())["statements"]


def sent_for(workspace: RunningWorkspace, marker: str) -> list[dict]:
    """The records of the statements whose text contains ``marker``, oldest first."""
    return [record for record in sent_results(workspace) if marker in record["statement"]]


def last_sent(workspace: RunningWorkspace, marker: str) -> dict:
    records = sent_for(workspace, marker)
    assert records, f"the server recorded no statement containing {marker!r}"
    return records[-1]


def column_names(record: dict) -> list[str]:
    return [field["name"] for field in record["arrow_schema"]]

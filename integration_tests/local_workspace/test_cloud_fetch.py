"""Cloud Fetch through the unmodified SQL client: large results as files behind expiring links.

The workspace runs with a small threshold and small files, so a 200,000-row result is ~20 files:
more than the client's 10 download threads, downloaded in parallel. Every result is compared with
the same statement read inline (``use_cloud_fetch=False``); the server's record says what it sent.
"""

from __future__ import annotations

import ssl
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pytest
from databricks import sql

from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.sent_results import last_sent

ROWS = 200_000
TABLE = "main.default.cloud_fetch_rows"
CREATE = (
    f"CREATE TABLE {TABLE} AS SELECT id, CAST(id % 1000 AS INT) AS n, "
    "CAST(id / 100 AS DECIMAL(18,2)) AS amount, id / 7.0 AS ratio, concat('name-', id) AS name, "
    "id % 2 = 0 AS flag, date_add(DATE'2024-01-01', CAST(id % 365 AS INT)) AS day, "
    "timestampadd(SECOND, id, TIMESTAMP'2024-01-01 00:00:00') AS ts, "
    "CASE WHEN id % 10 = 0 THEN NULL ELSE id END AS maybe, array(id, id + 1) AS pair "
    f"FROM range({ROWS})"
)
SERVE = ["--cloud-fetch-threshold-bytes", "262144", "--cloud-fetch-file-bytes", "1048576"]


@contextmanager
def _workspace_with_table(data_dir: Path, *args: str) -> Iterator[RunningWorkspace]:
    with running_workspace(data_dir, args=[*SERVE, *args]) as ws:
        with sql.connect(**ws.sql_connect_kwargs()) as connection, connection.cursor() as cursor:
            cursor.execute(CREATE)
        yield ws


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[RunningWorkspace]:
    with _workspace_with_table(tmp_path_factory.mktemp("cloud-fetch") / "ws") as ws:
        yield ws


def _query(marker: str, extra: str = "") -> str:
    return f"SELECT * FROM {TABLE} {extra} /* {marker} */"


def _read(ws: RunningWorkspace, statement: str, how: str, **connect) -> pa.Table:
    with sql.connect(**ws.sql_connect_kwargs(**connect)) as conn, conn.cursor() as cursor:
        cursor.execute(statement)
        if how == "fetchall_arrow":
            return cursor.fetchall_arrow()
        if how == "fetchmany_arrow":
            parts = []
            while (part := cursor.fetchmany_arrow(50_000)).num_rows:
                parts.append(part)
            return pa.concat_tables(parts)
        rows = cursor.fetchall()
        names = [column[0] for column in cursor.description]
        return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})


def _files(ws: RunningWorkspace) -> list[Path]:
    return sorted((ws.data_dir.path / "cloud-fetch").iterdir())


@pytest.mark.parametrize(
    ("how", "lz4"),
    [
        ("fetchall_arrow", True),
        ("fetchall_arrow", False),
        ("fetchmany_arrow", True),
        ("fetchall", True),
    ],
)
def test_a_large_result_comes_through_cloud_fetch_exactly_as_inline(workspace, how, lz4):
    marker = f"{how}-{lz4}-{uuid.uuid4().hex[:8]}"
    compression = {"enable_query_result_lz4_compression": lz4}
    inline = _read(workspace, _query(f"inline {marker}", "ORDER BY id"), how, use_cloud_fetch=False)
    fetched = _read(workspace, _query(f"cloud {marker}", "ORDER BY id"), how, **compression)

    assert fetched.num_rows == ROWS
    assert fetched.equals(inline)
    sent_inline = last_sent(workspace, f"inline {marker}")
    assert sent_inline["result_format"] == "ARROW_BASED_SET"
    sent = last_sent(workspace, f"cloud {marker}")
    assert sent["result_format"] == "URL_BASED_SET"
    assert sent["lz4"] is lz4
    assert sent["arrow_schema"] == sent_inline["arrow_schema"]
    cloud = sent["cloud_fetch"]
    assert (sent["inline"]["rows"], cloud["rows"]) == (0, ROWS)
    assert cloud["parts"] == cloud["links_issued"] > 10  # more files than the client's threads
    assert cloud["peak_parallel_downloads"] >= 2
    assert (cloud["bytes"] < cloud["arrow_bytes"]) is lz4


def test_a_small_result_stays_inline(workspace):
    marker = f"small-{uuid.uuid4().hex[:8]}"
    table = _read(workspace, _query(marker, "ORDER BY id LIMIT 100"), "fetchall_arrow")
    assert table.num_rows == 100
    sent = last_sent(workspace, marker)
    assert sent["result_format"] == "ARROW_BASED_SET"
    assert sent["inline"]["rows"] == 100


def test_closing_the_statement_deletes_its_files(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as connection:
        cursor = connection.cursor()
        cursor.execute(_query("close-early"))
        assert cursor.fetchmany_arrow(1_000).num_rows == 1_000
        assert _files(workspace), "the first batch of files is on disk while the result is read"
        cursor.close()
        assert _files(workspace) == []


def test_result_files_need_no_token_and_unknown_links_are_refused_as_by_s3(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as conn, conn.cursor() as cursor:
        cursor.execute(_query("no-token"))
        cursor.fetchmany_arrow(1)
        (name, *_) = [path.name for path in _files(workspace)]
        assert _get(workspace, f"/cloud-fetch/{name}") == (200, "")  # no Authorization header
    status, body = _get(workspace, f"/cloud-fetch/{name}")  # the statement closed: file gone
    assert status == 403 and "<Code>AccessDenied</Code>" in body
    assert _get(workspace, "/cloud-fetch/not-a-link")[0] == 403
    assert _get(workspace, "/local/results")[0] == 401  # the record needs the token
    assert _get(workspace, "/local/cloud-fetch/expire", method="POST")[0] == 401


def test_an_expired_link_is_refused_and_the_client_raises(tmp_path):
    with (
        _workspace_with_table(tmp_path / "ws", "--cloud-fetch-link-seconds", "1") as ws,
        sql.connect(**ws.sql_connect_kwargs()) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(_query("expires"))
        cursor.fetchmany_arrow(10)  # the client downloads 10 files; the rest wait for it
        time.sleep(2.0)
        with pytest.raises(Exception, match=r"(?s)HTTP 403.*Request has expired"):
            cursor.fetchall_arrow()
        assert _files(ws) == []  # expired files are deleted


def test_a_download_answered_503_is_retried_by_the_client(workspace):
    switches = FaultSwitches(workspace)
    switches.arm(kind="unavailable", path="/cloud-fetch/", count=1, retry_after=1)
    try:
        fetched = _read(workspace, _query("download-503", "ORDER BY id"), "fetchall_arrow")
    finally:
        switches.clear()
    assert switches.injected("unavailable") == 1
    assert fetched.column("id").to_pylist() == list(range(ROWS))


def _get(ws: RunningWorkspace, path: str, method: str = "GET") -> tuple[int, str]:
    """Status and (error) body of a request without a token."""
    tls = ssl.create_default_context(cafile=str(ws.ca_file))
    request = urllib.request.Request(ws.url + path, method=method)
    try:
        with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
            reply.read()
            return reply.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()

"""DBFS API 2.0 and the Files API (volumes) through databricks-sdk over HTTPS."""

from __future__ import annotations

import io
import os

import pytest
from databricks.sdk.errors import AlreadyExists, BadRequest, NotFound, ResourceAlreadyExists
from databricks.sdk.service.compute import Language

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID

VOLUME = "/Volumes/main/default/files"


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 1024 * 1024 + 10, 50 * 1024 * 1024])
def test_dbfs_upload_download_round_trip(w, size):  # noqa: F811
    data = os.urandom(size)
    w.dbfs.upload(f"/tmp/rt/{size}.bin", io.BytesIO(data), overwrite=True)
    assert w.dbfs.get_status(f"/tmp/rt/{size}.bin").file_size == size
    with w.dbfs.download(f"/tmp/rt/{size}.bin") as downloaded:
        assert downloaded.read() == data


def test_dbfs_put_read_list_move_delete(w):  # noqa: F811
    import base64

    w.dbfs.put("/tmp/ops/a.txt", contents=base64.b64encode(b"hello").decode(), overwrite=True)
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.put("/tmp/ops/a.txt", contents=base64.b64encode(b"x").decode())
    assert base64.b64decode(w.dbfs.read("/tmp/ops/a.txt", offset=1, length=3).data) == b"ell"
    w.dbfs.move("/tmp/ops/a.txt", "/tmp/ops/sub/b.txt")
    assert [f.path for f in w.dbfs.list("/tmp/ops", recursive=True)] == ["/tmp/ops/sub/b.txt"]
    with pytest.raises(BadRequest) as raised:
        w.api_client.do("POST", "/api/2.0/dbfs/delete", body={"path": "/tmp/ops"})
    assert raised.value.error_code == "IO_ERROR"
    w.dbfs.delete("/tmp/ops", recursive=True)
    assert not w.dbfs.exists("/tmp/ops")
    with pytest.raises(NotFound):
        w.dbfs.get_status("/tmp/ops")


def test_dbfs_block_limit(w):  # noqa: F811
    import base64

    handle = w.dbfs.create("/tmp/limit.bin", overwrite=True).handle
    with pytest.raises(BadRequest) as raised:
        w.dbfs.add_block(handle, base64.b64encode(b"x" * (1024 * 1024 + 1)).decode())
    assert raised.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"


def test_volume_files(w):  # noqa: F811
    w.files.upload(f"{VOLUME}/dir/a.txt", io.BytesIO(b"0123456789"), overwrite=True)
    with pytest.raises(AlreadyExists):
        w.files.upload(f"{VOLUME}/dir/a.txt", io.BytesIO(b"again"), overwrite=False)
    assert w.files.download(f"{VOLUME}/dir/a.txt").contents.read() == b"0123456789"
    assert w.files.get_metadata(f"{VOLUME}/dir/a.txt").content_length == 10
    entries = list(w.files.list_directory_contents(f"{VOLUME}/dir"))
    assert [(e.name, e.file_size) for e in entries] == [("a.txt", 10)]
    w.files.create_directory(f"{VOLUME}/dir/sub")
    w.files.get_directory_metadata(f"{VOLUME}/dir/sub")
    w.files.delete_directory(f"{VOLUME}/dir/sub")
    w.files.delete(f"{VOLUME}/dir/a.txt")
    with pytest.raises(NotFound):
        w.files.get_metadata(f"{VOLUME}/dir/a.txt")
    with pytest.raises(NotFound):
        w.files.download("/Volumes/main/default/no_such_volume/x")


def test_range_download(w, sdk_workspace):  # noqa: F811
    import requests

    w.files.upload(f"{VOLUME}/range.bin", io.BytesIO(b"abcdefghij"), overwrite=True)
    response = requests.get(
        f"{sdk_workspace.url}/api/2.0/fs/files{VOLUME}/range.bin",
        headers={"Authorization": f"Bearer {sdk_workspace.token}", "Range": "bytes=2-4"},
        verify=str(sdk_workspace.ca_file),
    )
    assert response.status_code == 206 and response.content == b"cde"


def test_contexts_see_dbfs_and_volumes(w):  # noqa: F811
    w.files.upload(f"{VOLUME}/ctx.txt", io.BytesIO(b"from a volume"), overwrite=True)
    w.dbfs.upload("/tmp/ctx.txt", io.BytesIO(b"from dbfs"), overwrite=True)
    context = w.command_execution.create_and_wait(
        cluster_id=ALL_PURPOSE_ID, language=Language.PYTHON
    )
    try:
        response = w.command_execution.execute_and_wait(
            cluster_id=ALL_PURPOSE_ID,
            context_id=context.id,
            language=Language.PYTHON,
            command=f"open('{VOLUME}/ctx.txt').read() + ' / ' + open('/dbfs/tmp/ctx.txt').read()",
        )
    finally:
        w.command_execution.destroy(cluster_id=ALL_PURPOSE_ID, context_id=context.id)
    assert response.results.data.endswith("'from a volume / from dbfs'\n")

from __future__ import annotations

import pytest

from local_workspace.rest import dbfs
from local_workspace.rest.errors import ApiError
from local_workspace.rest.files import Volumes, _range


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, (0, 10)), ("bytes=2-4", (2, 5)), ("bytes=7-", (7, 10)), ("bytes=-3", (7, 10))],
)
def test_ranges(header, expected):
    assert _range(header, 10) == expected


def test_volume_paths(tmp_path):
    volumes = Volumes(tmp_path)
    assert volumes.local("/Volumes/main/default/files/a/b") == tmp_path / "main/default/files/a/b"
    with pytest.raises(ApiError) as missing:
        volumes.local("/Volumes/main/default/other/a")
    assert missing.value.status_code == 404
    with pytest.raises(ApiError):
        volumes.local("/Volumes/main/default/files/../../x")


def test_dbfs_paths_and_block_limit():
    assert dbfs.normalize("dbfs:/tmp//x") == "/tmp/x"
    with pytest.raises(ApiError):
        dbfs.normalize("tmp/x")
    with pytest.raises(ApiError) as raised:
        dbfs._decoded("A" * (2 * dbfs.MAX_BLOCK_BYTES))
    assert raised.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"

from __future__ import annotations

import pytest
import requests_mock
from databricks.sdk.errors import InternalError

from source_databricks.code.remote import RemoteDir
from unit_tests.code.sdk_mock import api, mocked_client

IMPORT = api("/api/2.0/workspace/import")
UNAVAILABLE = {
    "status_code": 503,
    "headers": {"Retry-After": "0"},
    "json": {"error_code": "TEMPORARILY_UNAVAILABLE", "message": "try later"},
}


def test_an_upload_is_sent_again_after_a_transient_failure() -> None:
    # The SDK does not retry imports itself: its form body cannot be rewound.
    with requests_mock.Mocker() as mock:
        mock.post(IMPORT, [UNAVAILABLE, {"json": {}}])
        RemoteDir(mocked_client(mock), "/Users/me/p").upload("a.py", b"x = 1\n")
        assert len([r for r in mock.request_history if r.url == IMPORT]) == 2


def test_an_upload_that_fails_for_good_is_not_sent_again() -> None:
    with requests_mock.Mocker() as mock:
        mock.post(IMPORT, status_code=500, json={"error_code": "INTERNAL_ERROR", "message": "x"})
        with pytest.raises(InternalError):
            RemoteDir(mocked_client(mock), "/Users/me/p").upload("a.py", b"x = 1\n")
        assert len([r for r in mock.request_history if r.url == IMPORT]) == 1

"""Cloud Fetch in the SQL handler: when results become links, the files behind them, expiry."""

from __future__ import annotations

import lz4.frame
import pyarrow as pa
import pytest
from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.sql.cloud_fetch import CloudFetchOptions, LinkRefused, ResultFiles
from local_workspace.sql.endpoint import ThriftService
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.result_log import ResultLog
from unit_tests.local_workspace.fakes import FakeEngine, range_result
from unit_tests.local_workspace.thrift_client import WireClient

ROWS = 100_000  # 800,000 Arrow bytes of int64
OPTIONS = CloudFetchOptions(threshold_bytes=100_000, file_bytes=200_000, batch_links=3)
DIRECT = T.TSparkGetDirectResults(maxRows=10_000, maxBytes=100 * 1024 * 1024)


@pytest.fixture
def files(tmp_path) -> ResultFiles:
    return ResultFiles(tmp_path / "cloud-fetch", OPTIONS, ResultLog(), "https://127.0.0.1:1")


@pytest.fixture
def client(files) -> WireClient:
    statements = {"range": lambda p: range_result(ROWS), "small": lambda p: range_result(10)}
    return WireClient(ThriftService(ThriftHandler(FakeEngine(statements), files=files)))


def _execute(client: WireClient, sql: str, **flags) -> T.TExecuteStatementResp:
    session = client.OpenSession(T.TOpenSessionReq(client_protocol_i64=42247)).sessionHandle
    req = T.TExecuteStatementReq(
        sessionHandle=session, statement=sql, runAsync=True, getDirectResults=DIRECT, **flags
    )
    return client.ExecuteStatement(req)


def _fetch(client: WireClient, handle: T.TOperationHandle) -> T.TFetchResultsResp:
    req = T.TFetchResultsReq(operationHandle=handle, maxRows=10_000, maxBytes=100 * 1024**2)
    return client.FetchResults(req)


def _ids(files: ResultFiles, links: list[T.TSparkArrowResultLink], compressed: bool) -> list[int]:
    ids = []
    for link in links:
        data = files.lookup(link.fileLink.rsplit("/", 1)[1]).path.read_bytes()
        table = pa.ipc.open_stream(lz4.frame.decompress(data) if compressed else data).read_all()
        assert table.num_rows == link.rowCount
        ids += table.column(0).to_pylist()
    return ids


@pytest.mark.parametrize("lz4", [True, False])
def test_a_large_result_is_links_to_files_batch_by_batch(client, files, lz4):
    reply = _execute(client, "range", canDownloadResult=True, canDecompressLZ4Result=lz4)
    direct = reply.directResults
    assert direct.resultSetMetadata.resultFormat == T.TSparkRowSetType.URL_BASED_SET
    assert direct.resultSetMetadata.lz4Compressed is lz4
    pages, more = [direct.resultSet.results], direct.resultSet.hasMoreRows
    while more:
        fetched = _fetch(client, reply.operationHandle)
        pages.append(fetched.results)
        more = fetched.hasMoreRows
        assert files.file_count() <= 2 * OPTIONS.batch_links  # this batch and the one ahead
    ids = _ids(files, pages[-1].resultLinks, lz4)
    assert ids == list(range(pages[-1].startRowOffset, ROWS))
    assert [len(page.resultLinks) for page in pages] == [3, 1]  # 4 files of <= 200,000 bytes
    assert [page.startRowOffset for page in pages] == [0, 75_000]


def test_a_small_result_or_a_client_without_downloads_stays_inline(client):
    for sql, flags in (("small", {"canDownloadResult": True}), ("range", {})):
        metadata = _execute(client, sql, **flags).directResults.resultSetMetadata
        assert metadata.resultFormat == T.TSparkRowSetType.ARROW_BASED_SET


def test_closing_the_operation_deletes_its_files(client, files):
    reply = _execute(client, "range", canDownloadResult=True)
    assert files.file_count() > 0
    client.CloseOperation(T.TCloseOperationReq(operationHandle=reply.operationHandle))
    assert files.file_count() == 0
    assert list(files.directory.iterdir()) == []


def test_closing_the_session_deletes_the_files_of_its_operations(client, files):
    session = client.OpenSession(T.TOpenSessionReq(client_protocol_i64=42247)).sessionHandle
    req = T.TExecuteStatementReq(
        sessionHandle=session, statement="range", getDirectResults=DIRECT, canDownloadResult=True
    )
    client.ExecuteStatement(req)
    assert files.file_count() > 0
    client.CloseSession(T.TCloseSessionReq(sessionHandle=session))
    assert files.file_count() == 0


def test_an_expired_link_is_refused_as_expired_and_its_file_deleted(client, files):
    link = _execute(client, "range", canDownloadResult=True).directResults.resultSet.results
    file_id = link.resultLinks[0].fileLink.rsplit("/", 1)[1]
    expires = link.resultLinks[0].expiryTime / 1000
    path = files.lookup(file_id).path
    with pytest.raises(LinkRefused, match="Request has expired"):
        files.lookup(file_id, now=expires + 1)
    assert not path.exists()
    with pytest.raises(LinkRefused, match="Access Denied"):
        files.lookup("never-issued")


def test_options_come_from_serve_then_the_environment_then_defaults():
    env = {"LOCAL_WORKSPACE_CLOUD_FETCH_THRESHOLD_BYTES": "0"}
    assert not CloudFetchOptions.from_env(env).enabled
    assert CloudFetchOptions.from_env(env, threshold_bytes=5).threshold_bytes == 5
    env = {"LOCAL_WORKSPACE_CLOUD_FETCH_LINK_SECONDS": "2.5"}
    assert CloudFetchOptions.from_env(env).link_seconds == 2.5
    assert CloudFetchOptions.from_env({}) == CloudFetchOptions()

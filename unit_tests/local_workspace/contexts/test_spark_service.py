from __future__ import annotations

import pyarrow as pa
import pytest

from local_workspace.contexts.ipc import from_bytes, to_bytes
from local_workspace.contexts.session import ContextSession, read_table
from local_workspace.contexts.spark_service import SparkService
from local_workspace.engine import Engine


@pytest.fixture
def service(tmp_path):
    engine = Engine(tmp_path)
    session = ContextSession(engine.open_session())
    yield SparkService(session)
    session.close()
    engine.close()


def test_sql_temp_view_is_seen_by_spark_requests(service):
    read_table(service.session.execute("CREATE TEMP VIEW v AS SELECT 5 AS n"))
    reply, data = service.handle({"op": "sql", "sql": "SELECT n FROM v"}, b"")
    assert reply == {"ok": True, "query": True} and from_bytes(data).column_names == ["n"]
    reply, data = service.handle({"op": "fetch", "sql": "SELECT n FROM v"}, b"")
    assert from_bytes(data).to_pylist() == [{"n": 5}]


def test_local_rows_become_views_and_tables(service):
    rows = to_bytes(pa.table({"k": [1, 2], "s": ["a", None]}))
    assert service.handle({"op": "view", "name": "lv", "replace": True}, rows)[0]["ok"]
    result = read_table(service.session.execute("SELECT count(*) AS c FROM lv"))
    assert result.to_pylist() == [{"c": 2}]
    for mode in ("overwrite", "append"):
        request = {"op": "save", "name": "t", "mode": mode, "sql": "SELECT * FROM lv"}
        assert service.handle(request, b"")[0] == {"ok": True}
    assert service.handle({"op": "count", "sql": "SELECT * FROM t"}, b"")[0]["count"] == 4


def test_errors_are_replies_not_exceptions(service):
    reply, _ = service.handle({"op": "sql", "sql": "SELECT * FROM missing_table"}, b"")
    assert reply["ok"] is False and reply["error_class"] == "TABLE_OR_VIEW_NOT_FOUND"
    request = {"op": "save", "name": "t2", "mode": "bogus", "sql": "SELECT 1 AS a"}
    assert service.handle(request, b"")[0]["error_class"] == "INVALID_SAVE_MODE"
    assert service.handle({"op": "nope"}, b"")[0]["ok"] is False

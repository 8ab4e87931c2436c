from __future__ import annotations

import pyarrow as pa

from local_workspace.contexts.local_rows import Row, to_arrow
from local_workspace.contexts.repl import Repl
from local_workspace.contexts.show import render
from local_workspace.contexts.table_results import table_result


def test_text_error_and_display_results():
    repl = Repl(spark=None)
    assert repl.run("x = 2\nprint('hi')\nx * 21") == {
        "resultType": "text",
        "data": "hi\nOut[1]: 42\n",
        "truncated": None,
    }
    error = repl.run("undefined_name")
    assert error["resultType"] == "error" and "NameError" in error["summary"]
    assert "<command-2>" in error["cause"]
    shown = repl.run("display(__import__('pyarrow').table({'a': [1, 2]}))")
    assert shown["data"] == [[1], [2]] and shown["schema"][0]["type"] == '"long"'


def test_unsupported_magic_says_so():
    assert "%sh magic is not supported" in Repl(spark=None).run("%sh ls")["summary"]


def test_table_results_are_truncated_at_the_row_limit(monkeypatch):
    monkeypatch.setattr("local_workspace.contexts.table_results.MAX_TABLE_ROWS", 3)
    table = pa.table({"n": list(range(5))})
    result = table_result(pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    assert result["data"] == [[0], [1], [2]] and result["truncated"] is True


def test_rows_and_create_data_frame_inputs():
    row = Row(id=1, name="a")
    assert (row.id, row["name"], row.asDict()) == (1, "a", {"id": 1, "name": "a"})
    assert to_arrow([(1, "a")], "id INT, name STRING").schema.types == [pa.int32(), pa.string()]
    assert to_arrow([{"k": 1}]).column_names == ["k"]
    assert to_arrow([Row(k=1)]).to_pylist() == [{"k": 1}]


def test_show_draws_spark_tables():
    assert render(pa.table({"a": [1, None]}), 20, 20) == (
        "+----+\n|   a|\n+----+\n|   1|\n|NULL|\n+----+\n"
    )

from __future__ import annotations

import pyarrow as pa
import pytest

from local_workspace.sql.paging import Pager
from unit_tests.local_workspace.fakes import range_result


def _pages(pager: Pager, max_rows=None, max_bytes=None):
    pages = []
    while True:
        page = pager.next_page(max_rows, max_bytes)
        pages.append(page)
        if not page.has_more_rows:
            return pages


def _ids(pages) -> list[int]:
    return [i for page in pages for batch in page.batches for i in batch.column(0).to_pylist()]


def test_250k_rows_at_100k_rows_per_page_is_three_pages_with_true_offsets():
    pages = _pages(Pager(range_result(250_000, batch_rows=7_777).reader), max_rows=100_000)
    assert [(p.start_row_offset, p.num_rows, p.has_more_rows) for p in pages] == [
        (0, 100_000, True),
        (100_000, 100_000, True),
        (200_000, 50_000, False),
    ]
    assert _ids(pages) == list(range(250_000))


def test_exact_multiple_ends_without_an_empty_page():
    pages = _pages(Pager(range_result(200, batch_rows=50).reader), max_rows=100)
    assert [p.num_rows for p in pages] == [100, 100]


def test_byte_limit_cuts_pages_but_each_page_makes_progress():
    reader = range_result(1_000, batch_rows=1_000).reader  # one 8000-byte batch
    pages = _pages(Pager(reader), max_rows=10_000, max_bytes=800)
    assert all(p.num_rows == 100 for p in pages) and len(pages) == 10
    assert _ids(pages) == list(range(1_000))


def test_tiny_byte_limit_still_sends_one_row():
    page = Pager(range_result(5).reader).next_page(max_rows=10, max_bytes=1)
    assert page.num_rows == 1 and page.has_more_rows


def test_unlimited_page_takes_everything():
    (page,) = _pages(Pager(range_result(25_000, batch_rows=1_000).reader))
    assert page.num_rows == 25_000


def test_row_limit_caps_the_result():
    pages = _pages(Pager(range_result(1_000, batch_rows=64).reader, row_limit=150), max_rows=100)
    assert [p.num_rows for p in pages] == [100, 50]


def test_empty_result_is_one_empty_final_page():
    schema = pa.schema([("id", pa.int64())])
    empty = pa.record_batch([pa.array([], pa.int64())], schema=schema)
    reader = pa.RecordBatchReader.from_batches(schema, [empty, empty])
    (page,) = _pages(Pager(reader), max_rows=10)
    assert page.num_rows == 0 and page.start_row_offset == 0


def test_reader_is_pulled_lazily():
    pulled = []
    schema = pa.schema([("id", pa.int64())])

    def batches():
        for start in range(0, 1_000_000, 1_000):
            pulled.append(start)
            yield pa.record_batch([pa.array(range(start, start + 1_000))], schema=schema)

    pager = Pager(pa.RecordBatchReader.from_batches(schema, batches()))
    pager.next_page(max_rows=2_500, max_bytes=None)
    assert len(pulled) == 3  # 2.5 batches sent; the rest of the third is the read-ahead


@pytest.mark.parametrize("max_rows", [0, -1, None])
def test_non_positive_max_rows_means_unlimited(max_rows):
    page = Pager(range_result(30, batch_rows=7).reader).next_page(max_rows, None)
    assert page.num_rows == 30 and not page.has_more_rows

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.tables.row_count import verify_row_count
from source_databricks.tables.sql import table_ref
from source_databricks.tables.versions import pinned


class CountingWarehouse:
    def __init__(self, rows: int) -> None:
        self.rows, self.statements = rows, []

    def query(self, statement: str):
        self.statements.append(statement)
        return [(self.rows,)]


def scanner(rows: int):
    warehouse = CountingWarehouse(rows)
    logger = logging.getLogger("test")
    return SimpleNamespace(warehouse=warehouse, name="t", namespace="main.s", logger=logger)


TABLE = pinned(table_ref("main", "s", "t"), 7)


def test_given_every_row_emitted_then_the_count_of_the_pinned_version_is_checked():
    check = scanner(10)
    verify_row_count(check, TABLE, emitted=10, resumed=False)
    assert check.warehouse.statements == ["SELECT COUNT(*) FROM `main`.`s`.`t` VERSION AS OF 7"]


@pytest.mark.parametrize(("emitted", "resumed"), [(9, False), (11, False), (9, True)])
def test_given_a_short_or_inconsistent_read_then_a_transient_error(emitted, resumed):
    with pytest.raises(AirbyteTracedException) as caught:
        verify_row_count(scanner(10), TABLE, emitted=emitted, resumed=resumed)
    assert caught.value.failure_type == FailureType.transient_error
    assert f"{emitted:,} records" in caught.value.message


def test_given_a_resumed_read_then_re_emitted_rows_may_exceed_the_count():
    verify_row_count(scanner(10), TABLE, emitted=12, resumed=True)

"""Element access with Databricks' ANSI bounds (x[i], element_at, try_element_at, get, elt)."""

from __future__ import annotations

import pytest

from local_workspace.engine import SqlError
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT a[0] FROM VALUES (array(10, 20, 30)) AS t(a)", 10),
        ("SELECT a[0][1] FROM VALUES (array(array(1, 2))) AS t(a)", 2),
        ("SELECT element_at(array(1, 2, 3), -1)", 3),
        ("SELECT element_at(array(1, 2, 3), -3)", 1),
        ("SELECT try_element_at(array(1, 2, 3), -4)", None),
        ("SELECT element_at(map('k', 1), 'k')", 1),
        ("SELECT element_at(CAST(NULL AS ARRAY<INT>), 5)", None),
        ("SELECT element_at(array(1, 2), CAST(NULL AS INT))", None),
        ("SELECT get(array(1, 2), -1)", None),
        ("SELECT elt(2, 'scala', 'java')", "java"),
    ],
)
def test_in_bounds_and_tolerant_access(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


@pytest.mark.parametrize(
    ("sql", "error_class", "message"),
    [
        (
            "SELECT element_at(array(1, 2, 3), 5)",
            "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
            "The index 5 is out of bounds. The array has 3 elements. Use `try_element_at`",
        ),
        ("SELECT element_at(array(1, 2, 3), -4)", "INVALID_ARRAY_INDEX_IN_ELEMENT_AT", "-4"),
        ("SELECT element_at(array(1), 0)", "INVALID_INDEX_OF_ZERO", "The index 0 is invalid"),
        ("SELECT try_element_at(array(1), 0)", "INVALID_INDEX_OF_ZERO", "The index 0"),
        (
            "SELECT a[i] FROM VALUES (array(1, 2, 3), 3) AS t(a, i)",
            "INVALID_ARRAY_INDEX",
            "The index 3 is out of bounds. The array has 3 elements. Use the SQL function `get()`",
        ),
        ("SELECT array(1, 2, 3)[-1]", "INVALID_ARRAY_INDEX", "The index -1"),
        ("SELECT elt(0, 'a', 'b')", "INVALID_ARRAY_INDEX", "The index 0"),
    ],
)
def test_out_of_bounds_raises_databricks_errors(session, sql, error_class, message) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == (error_class, "22003")
    assert message in error.value.message


def test_only_the_rows_out_of_bounds_fail(session) -> None:
    sql = "SELECT element_at(a, 2) AS v FROM VALUES (array(1, 2)), (array(3, 4, 5)) AS t(a)"
    assert [r["v"] for r in rows(session, sql)] == [2, 4]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT array_insert(array(1, 2, 3, 4), 5, 5)", [1, 2, 3, 4, 5]),
        ("SELECT array_insert(array(5, 3, 2, 1), -4, 4)", [5, 4, 3, 2, 1]),
        ("SELECT array_insert(array(1, 2), 4, 4)", [1, 2, None, 4]),
        ("SELECT array_insert(array(1), -3, 9)", [9, None, 1]),
        ("SELECT array_insert(CAST(NULL AS ARRAY<INT>), 1, 1)", None),
    ],
)
def test_array_insert(session, sql: str, expected) -> None:
    assert one(session, sql) == expected


def test_array_insert_at_zero_is_refused(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("SELECT array_insert(array(1), 0, 2)").reader.read_all()
    assert error.value.error_class == "INVALID_INDEX_OF_ZERO"


@pytest.mark.parametrize(
    ("sql", "error_class"),
    [
        ("SELECT slice(array(1, 2, 3), 0, 1)", "INVALID_PARAMETER_VALUE.START"),
        ("SELECT slice(array(1, 2, 3), 1, -1)", "INVALID_PARAMETER_VALUE.LENGTH"),
    ],
)
def test_slice_bounds(session, sql: str, error_class: str) -> None:
    with pytest.raises(SqlError) as error:
        session.execute(sql).reader.read_all()
    assert (error.value.error_class, error.value.sqlstate) == (error_class, "22023")
    assert one(session, "SELECT slice(array(1, 2), 5, 1)") == []

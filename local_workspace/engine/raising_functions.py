"""Functions whose job is to fail: ``assert_true`` and ``raise_error`` raise Databricks'
``USER_RAISED_EXCEPTION`` (SQLSTATE P0001) with the documented message."""

from __future__ import annotations

from sqlglot import exp

from local_workspace.engine.templates import raise_error, template

_USER_RAISED = ("USER_RAISED_EXCEPTION", "P0001")


def assert_true(condition: exp.Expression, message: exp.Expression | None = None):
    """NULL when ``condition`` is true, else the error (a NULL condition is not true)."""
    text = message if message is not None else f"'{condition.sql('databricks')}' is not true!"
    return template(
        "CASE WHEN __c IS TRUE THEN NULL ELSE __e END",
        c=condition,
        e=raise_error(*_USER_RAISED, text),
    )


def raise_error_function(message: exp.Expression) -> exp.Expression:
    return raise_error(*_USER_RAISED, message)

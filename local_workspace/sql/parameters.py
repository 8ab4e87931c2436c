"""Statement parameters: the client's ``TSparkParameter`` list → engine ``Parameter`` values."""

from __future__ import annotations

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import Parameter


def engine_parameters(parameters: list[T.TSparkParameter] | None) -> list[Parameter]:
    """Parameters in the order sent: positional ``?`` markers are bound by list order.

    (databricks-sql-connector sends ``ordinal=1`` for every positional parameter, so the
    ``ordinal`` field cannot be used as a position.)
    """
    return [_engine_parameter(p) for p in parameters or []]


def _engine_parameter(parameter: T.TSparkParameter) -> Parameter:
    value = _text(parameter.value)
    type_name = parameter.type or ("VOID" if value is None else "STRING")
    if type_name.upper().startswith(("ARRAY", "MAP", "STRUCT")):
        value = None  # collection values arrive as nested ``arguments``: not supported yet
    return Parameter(name=parameter.name or None, type=type_name, value=value)


def _text(value: T.TSparkParameterValue | None) -> str | None:
    if value is None:
        return None
    if value.stringValue is not None:
        return value.stringValue
    if value.booleanValue is not None:
        return "true" if value.booleanValue else "false"
    if value.doubleValue is not None:
        return repr(value.doubleValue)
    return None

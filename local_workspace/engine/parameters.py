"""Bind statement parameters into the AST as typed literals.

Values arrive as strings typed by name (TSparkParameter). Casting the string literal to the
declared type keeps DECIMAL and TIMESTAMP values exact, and never pastes text into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter


def bind_parameters(tree: exp.Expression, parameters: Sequence[Parameter]) -> exp.Expression:
    """Replace ``?`` (in order) and ``:name`` markers with the parameters' typed literals."""
    positional = iter([p for p in parameters if p.name is None])
    named = {p.name.lower(): p for p in parameters if p.name is not None}
    # Depth-first pre-order follows the text order of the markers for the statements we parse.
    for marker in list(tree.find_all(exp.Placeholder, bfs=False)):
        marker.replace(literal(_lookup(marker, positional, named)))
    return tree


def _lookup(marker: exp.Placeholder, positional, named: dict[str, Parameter]) -> Parameter:
    name = marker.this
    found = named.get(name.lower()) if name else next(positional, None)
    if found is None:
        shown = f":{name}" if name else "?"
        raise SqlError(
            "UNBOUND_SQL_PARAMETER",
            "42P02",
            f"Found the unbound parameter: {shown}. Please, "
            "fix `args` and provide a mapping of the parameter to a SQL literal.",
        )
    return found


def literal(parameter: Parameter) -> exp.Expression:
    """A Databricks-typed literal expression for one parameter value."""
    kind = parameter.type.strip().upper()
    if parameter.value is None or kind in ("VOID", "NULL"):
        return exp.Null()
    if kind == "BOOLEAN":
        return exp.Boolean(this=parameter.value.strip().lower() == "true")
    if kind == "STRING":
        return exp.Literal.string(parameter.value)
    target = exp.DataType.build(kind, dialect="databricks")
    return exp.cast(exp.Literal.string(parameter.value), target)

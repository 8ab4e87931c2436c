"""Bind statement parameters into the AST as typed literals.

Values arrive as strings typed by name (TSparkParameter). Casting the string literal to the
declared type keeps DECIMAL and TIMESTAMP values exact, and never pastes text into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp
from sqlglot.dialects.databricks import Databricks
from sqlglot.tokens import TokenType

from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter

_POSITIONAL = "__positional_"


def name_positional_markers(sql: str) -> str:
    """Rewrite the i-th ``?`` token as ``:__positional_i``, so binding follows the text order.

    The AST does not keep marker positions (a SELECT's LIMIT sits before its WHERE in the tree),
    so the order is taken from sqlglot's tokens; ``?`` inside strings or comments is untouched.
    """
    tokens = Databricks().tokenize(sql)
    markers = [t for t in tokens if t.token_type == TokenType.PLACEHOLDER and t.text == "?"]
    for index, token in reversed(list(enumerate(markers))):
        sql = f"{sql[: token.start]}:{_POSITIONAL}{index}{sql[token.end + 1 :]}"
    return sql


def bind_parameters(tree: exp.Expression, parameters: Sequence[Parameter]) -> exp.Expression:
    """Replace ``:name`` markers (and ``?`` renamed by ``name_positional_markers``) with the
    parameters' typed literals."""
    positional = [p for p in parameters if p.name is None]
    named = {f"{_POSITIONAL}{i}": p for i, p in enumerate(positional)}
    named.update({p.name.lower(): p for p in parameters if p.name is not None})
    for marker in list(tree.find_all(exp.Placeholder)):
        marker.replace(literal(_lookup(marker, named)))
    return tree


def _lookup(marker: exp.Placeholder, named: dict[str, Parameter]) -> Parameter:
    name = marker.this or ""
    found = named.get(name.lower())
    if found is None:
        shown = "?" if not name or name.startswith(_POSITIONAL) else f":{name}"
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

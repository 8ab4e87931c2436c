"""``schema_of_json(json)`` as Spark infers it, computed while translating (the JSON must be a
literal, as Databricks requires of its argument).

Numbers without a fraction are BIGINT (DECIMAL(38,0) past its range), others DOUBLE; NULL and
strings are STRING; arrays merge their elements' types (numbers widen to DOUBLE, anything else
mixed becomes STRING; an empty array is ARRAY<STRING>); objects are STRUCTs with fields in
name order, written ``STRUCT<name: TYPE, ...>``.
"""

from __future__ import annotations

import json
import re

from sqlglot import exp

from local_workspace.engine.errors import SqlError

_NUMERIC = ("BIGINT", "DECIMAL(38,0)", "DOUBLE")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _merge(a: str | None, b: str | None) -> str | None:
    if a is None or a == b:
        return b
    if b is None:
        return a
    if a in _NUMERIC and b in _NUMERIC:
        return max(a, b, key=_NUMERIC.index)
    return "STRING"


def _type(value) -> str | None:
    if value is None:
        return None  # NullType: STRING once nothing else is known
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "BIGINT" if -(2**63) <= value < 2**63 else "DECIMAL(38,0)"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        element = None
        for item in value:
            element = _merge(element, _type(item))
        return f"ARRAY<{element or 'STRING'}>"
    fields = ", ".join(f"{_name(k)}: {_type(v) or 'STRING'}" for k, v in sorted(value.items()))
    return f"STRUCT<{fields}>"


def _name(name: str) -> str:
    return name if _PLAIN_NAME.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def schema_of_json(document: exp.Expression, *options: exp.Expression) -> exp.Expression:
    if options or not (isinstance(document, exp.Literal) and document.is_string):
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "The local workspace supports `schema_of_json` of a JSON string literal without "
            "options only.",
        )
    try:
        value = json.loads(document.name)
    except ValueError as error:
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            f"The local workspace does not infer a schema from malformed JSON: {error}.",
        ) from error
    return exp.Literal.string(_type(value) or "STRING")

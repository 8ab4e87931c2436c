"""Element access with Databricks' (ANSI mode) bounds: ``x[i]``, ``element_at``,
``try_element_at``, ``get``, ``elt``, ``array_insert`` and ``slice``.

DuckDB answers NULL for an index past the end and counts ``list[-1]`` from the end. Databricks
raises ``INVALID_ARRAY_INDEX`` for ``arr[i]`` outside 0..size-1 and for ``elt``,
``INVALID_ARRAY_INDEX_IN_ELEMENT_AT`` for ``element_at`` outside ±1..size, and
``INVALID_INDEX_OF_ZERO`` for index 0 of ``element_at`` and ``try_element_at``;
``try_element_at`` and ``get`` answer NULL instead, and a missing MAP key is NULL.
Whether ``x`` is an ARRAY or a MAP is decided at run time from ``typeof(x)``; both branches use
DuckDB's ``x[k]``, which binds for lists and maps alike.
"""

from __future__ import annotations

from sqlglot import exp

from local_workspace.engine.templates import raise_error, template

_DONE = "subscript"  # meta mark: a bracket this module built (rules may see a tree twice)
_ARRAY_OR_MAP = "CASE WHEN starts_with(typeof(__x), 'MAP(') THEN __key ELSE __position END"
_OUT_OF_BOUNDS = (
    " is out of bounds. The array has ",
    " elements. Use {hint} to tolerate accessing element at invalid index and return NULL "
    'instead. If necessary set "ANSI_MODE" to "false" to bypass this error.',
)


def _at(x: exp.Expression, key: exp.Expression) -> exp.Bracket:
    """DuckDB ``x[key]`` (1-based for lists, a key for maps), never rewritten again."""
    bracket = exp.Bracket(this=x.copy(), expressions=[key.copy()], offset=1)
    bracket.meta[_DONE] = True
    return bracket


def _out_of_bounds(error_class: str, hint: str, index, x) -> exp.Expression:
    before, after = _OUT_OF_BOUNDS
    size = exp.Anonymous(this="cardinality", expressions=[x.copy()])
    return raise_error(
        error_class, "22003", "The index ", index, before, size, after.format(hint=hint)
    )


def _index_of_zero() -> exp.Expression:
    return raise_error(
        "INVALID_INDEX_OF_ZERO",
        "22003",
        "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has "
        "index 1).",
    )


def _subscript(node: exp.Bracket, x: exp.Expression, i: exp.Expression) -> exp.Expression:
    """``x[i]``: position i (0-based) of an ARRAY, key i of a MAP."""
    position = template(
        "CASE WHEN __i < 0 OR __i >= cardinality(__x) THEN __error ELSE __at END",
        i=i,
        x=x,
        error=_out_of_bounds("INVALID_ARRAY_INDEX", "the SQL function `get()`", i, x),
        at=_at(x, exp.Add(this=exp.Paren(this=i.copy()), expression=exp.Literal.number(1))),
    )
    return template(_ARRAY_OR_MAP, x=x, key=_at(x, i), position=position)


def _element_at(node: exp.Bracket, x: exp.Expression, i: exp.Expression) -> exp.Expression:
    """``element_at(x, i)`` / ``try_element_at(x, i)``: 1-based, negative from the end."""
    if node.args.get("safe"):
        position = template(
            "CASE WHEN __i = 0 THEN __zero ELSE __at END", i=i, zero=_index_of_zero(), at=_at(x, i)
        )
    else:
        position = template(
            "CASE WHEN __i = 0 THEN __zero WHEN abs(__i) > cardinality(__x) THEN __error "
            "ELSE __at END",
            i=i,
            x=x,
            zero=_index_of_zero(),
            error=_out_of_bounds("INVALID_ARRAY_INDEX_IN_ELEMENT_AT", "`try_element_at`", i, x),
            at=_at(x, i),
        )
    return template(_ARRAY_OR_MAP, x=x, key=_at(x, i), position=position)


def brackets(tree: exp.Expression) -> exp.Expression:
    """Rewrite every bracket, innermost first (an outer rewrite copies the inner one)."""
    for node in reversed(list(tree.find_all(exp.Bracket))):
        if node.meta.get(_DONE) or len(node.expressions) != 1:
            continue
        x, i = node.this, node.expressions[0]
        if isinstance(i, exp.Literal) and i.is_string:
            continue  # a MAP key or a STRUCT field: no position
        if isinstance(i, exp.Slice):
            continue  # a DuckDB list slice from a template (Databricks has no slices)
        offset = node.args.get("offset") or 0
        if offset not in (0, 1):
            continue
        replacement = (_element_at if offset == 1 else _subscript)(node, x, i)
        if node is tree:
            return replacement
        node.replace(replacement)
    return tree


def get(x: exp.Expression, i: exp.Expression) -> exp.Expression:
    """``get(arr, i)``: 0-based, NULL outside the array (negative indexes too)."""
    one = exp.Literal.number(1)
    at = _at(x, exp.Add(this=exp.Paren(this=i.copy()), expression=one))
    return template("CASE WHEN __i >= 0 THEN __at END", i=i, at=at)


def elt(node: exp.Elt) -> exp.Expression:
    """``elt(n, e1, ...)``: the n-th expression; INVALID_ARRAY_INDEX outside 1..count."""
    values = exp.Array(expressions=[e.copy() for e in node.expressions])
    n = node.this
    count = exp.Literal.number(len(node.expressions))
    return template(
        "CASE WHEN __n < 1 OR __n > __count THEN __error ELSE __at END",
        n=n,
        count=count,
        error=_out_of_bounds("INVALID_ARRAY_INDEX", "the SQL function `get()`", n, values),
        at=_at(values, n),
    )


_NULLS = "list_transform(range(__count), lambda __n: CASE WHEN false THEN __v END)"
_ARRAY_INSERT = (
    "CASE WHEN __a IS NULL OR __p IS NULL THEN NULL WHEN __p = 0 THEN __zero "
    "WHEN __at > len(__a) + 1 THEN list_concat(__a, __pad_end, [__v]) "
    "WHEN __at < 1 THEN list_concat([__v], __pad_start, __a) "
    "ELSE list_concat(__a[1:__at - 1], [__v], __a[__at:]) END"
)


def array_insert(node: exp.ArrayInsert) -> exp.Expression:
    """array_insert(arr, pos, v): 1-based, -1 appends, past either end pads with NULLs."""
    array, position, value = node.this, node.args["position"], node.expression
    at = template("CASE WHEN __p > 0 THEN __p ELSE len(__a) + __p + 2 END", p=position, a=array)
    pad_end = template(_NULLS, count=template("__at - len(__a) - 1", at=at, a=array), v=value)
    pad_start = template(_NULLS, count=template("1 - __at", at=at), v=value)
    zero = raise_error(
        "INVALID_INDEX_OF_ZERO",
        "22003",
        "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has "
        "index 1).",
    )
    return template(
        _ARRAY_INSERT,
        a=array,
        p=position,
        v=value,
        at=at,
        zero=zero,
        pad_end=pad_end,
        pad_start=pad_start,
    )


def slice_bounds(node: exp.ArraySlice):
    """slice(arr, start, length): start 0 and a negative length are INVALID_PARAMETER_VALUE
    (DuckDB answers an empty array)."""
    if not node.args.get("is_length") or node.meta.get(_DONE):
        return None
    node.meta[_DONE] = True
    start, length = node.args["start"], node.args["end"]
    invalid = "The value of parameter(s) `{0}` in `slice` is invalid: "
    zero = raise_error(
        "INVALID_PARAMETER_VALUE.START",
        "22023",
        invalid.format("start") + "Expects a positive or a negative value for `start`, but got 0.",
    )
    negative = raise_error(
        "INVALID_PARAMETER_VALUE.LENGTH",
        "22023",
        invalid.format("length") + "Expects `length` greater than or equal to 0, but got ",
        length,
        ".",
    )
    return template(
        "CASE WHEN __s = 0 THEN __zero WHEN __l < 0 THEN __negative ELSE __slice END",
        s=start,
        l=length,
        zero=zero,
        negative=negative,
        slice=node,
    )

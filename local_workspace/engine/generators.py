"""Generator functions in the select list that DuckDB's UNNEST does not cover as Databricks does:
``explode`` of a MAP (rows of ``key``, ``value``), generator aliases ``AS (a, b)`` and ``inline``.

A MAP is recognised from the expression that builds it (``map(...)``, ``map_from_arrays``,
``map_from_entries``, ``str_to_map``, ``map_concat``, ``map_filter``); DuckDB's own error stays
for a MAP column (UNNEST is defined on lists).
"""

from __future__ import annotations

from sqlglot import exp

_MAP_BUILDERS = (exp.VarMap, exp.Map, exp.MapFromEntries, exp.StrToMap, exp.ToMap)
_MAP_FUNCTIONS = {"map_concat", "map_filter", "transform_keys", "transform_values"}


def _is_map(node: exp.Expression) -> bool:
    if isinstance(node, _MAP_BUILDERS):
        return True
    return isinstance(node, exp.Anonymous) and node.name.lower() in _MAP_FUNCTIONS


def _unnest(function: str, value: exp.Expression, name: str) -> exp.Expression:
    call = exp.Anonymous(this=function, expressions=[value.copy()])
    unnest = exp.Anonymous(this="unnest", expressions=[call])
    return exp.alias_(unnest, name, quoted=True)


def _expanded(projection: exp.Expression) -> list[exp.Expression] | None:
    call = projection.this if isinstance(projection, exp.Aliases) else projection
    if not isinstance(call, exp.Explode):
        return None
    names = [a.name for a in projection.expressions] if call is not projection else []
    if _is_map(call.this):
        key, value = (names + ["key", "value"][len(names) :])[:2]
        return [_unnest("map_keys", call.this, key), _unnest("map_values", call.this, value)]
    if names:  # explode(array) AS (x)
        return [exp.alias_(call.copy(), names[0], quoted=True)]
    return None


def generator_projections(tree: exp.Expression) -> exp.Expression:
    for select in list(tree.find_all(exp.Select)):
        names_kept = select.meta.get("names")  # see semantics._remember_names
        projections: list[exp.Expression] = []
        kept: list[str | None] = []
        changed = False
        for position, projection in enumerate(select.expressions):
            expanded = _expanded(projection)
            if expanded is None:
                projections.append(projection)
                kept.append(names_kept[position] if names_kept else None)
                continue
            changed = True
            projections += expanded
            kept += [None] * len(expanded)
        if changed:
            select.set("expressions", projections)
            if names_kept:
                select.meta["names"] = kept
    return tree


_INLINE = "__inline"
_AFTER = ("order", "limit", "offset", "distinct", "qualify")


def _inline_projection(select: exp.Select) -> int | None:
    """The position of the one ``inline(...)`` projection a query may have, else None."""
    positions = [i for i, p in enumerate(select.expressions) if isinstance(p, exp.Inline)]
    if len(positions) != 1 or select.args.get("group") or select.args.get("having"):
        return None
    others = [p for i, p in enumerate(select.expressions) if i != positions[0]]
    if any(c.table for p in others for c in p.find_all(exp.Column)):
        return None  # a qualified column would not resolve above the generator's subquery
    return positions[0]


def _subquery(select: exp.Expression, alias: str) -> exp.Subquery:
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def inline_projections(tree: exp.Expression) -> exp.Expression:
    """``SELECT a, inline(arr) FROM t WHERE c ORDER BY f`` -> one row per struct of ``arr``,
    its fields as columns: the rows and ``UNNEST(arr)`` in a subquery, the struct's fields
    (``s.*``, nested structs kept whole) above it, ordering and limits above that (DuckDB
    cannot order by names a struct star expands to)."""
    for select in list(tree.find_all(exp.Select)):
        position = _inline_projection(select)
        if position is None:
            continue
        unnest = exp.Anonymous(this="unnest", expressions=[select.expressions[position].this])
        rows = [exp.Star()] if select.args.get("from_") else []
        inner = exp.Select(expressions=[*rows, exp.alias_(unnest.copy(), _INLINE)])
        for part in ("from_", "joins", "where", "laterals"):
            inner.set(part, select.args.get(part))
        fields = exp.Column(this=exp.Star(), table=exp.to_identifier(_INLINE))
        projections = [fields if i == position else p for i, p in enumerate(select.expressions)]
        middle = exp.Select(expressions=projections, from_=exp.From(this=_subquery(inner, "__g")))
        outer = exp.Select(expressions=[exp.Star()], from_=exp.From(this=_subquery(middle, "__r")))
        for part in _AFTER:
            outer.set(part, select.args.get(part))
        if select is tree:
            return outer
        select.replace(outer)
    return tree

"""Rules that give DuckDB Databricks' (ANSI mode) semantics where sqlglot's output differs.

Each rule is a pure AST -> AST function (``rule(tree, ctx)``), composed in ``RULES``:

* ``CAST(x AS <integral>)`` truncates toward zero when ``x`` is fractional (DuckDB rounds);
  decided from the expression's shape (numeric literals with a fraction, divisions, casts to
  FLOAT/DOUBLE/DECIMAL); a fractional *column* cast is not detected (DuckDB rounds it).
* ``dayofweek`` is 1 (Sunday) .. 7; ``date_add``/``date_sub`` return DATE; ``format_string`` is
  ``printf``; ``to_timestamp(s, fmt)`` returns TIMESTAMP (session time zone); ``unix_timestamp``
  returns BIGINT seconds; ``pmod`` is Spark's positive modulus.
* Compound interval literals (``INTERVAL '1-2' YEAR TO MONTH``, ``'3 04:05:06' DAY TO SECOND``).
* Division by zero raises DIVIDE_BY_ZERO (ANSI mode, what SQL warehouses use); DuckDB returns inf.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

_INTEGRAL = {
    exp.DataType.Type.TINYINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
}
_FRACTIONAL = {exp.DataType.Type.FLOAT, exp.DataType.Type.DOUBLE, exp.DataType.Type.DECIMAL}
DIVIDE_BY_ZERO = (
    "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
    "NULL instead."
)


def _replace_all(tree: exp.Expression, kind, build) -> exp.Expression:
    """Replace every ``kind`` node (collected first, so new nodes are not revisited)."""
    for node in list(tree.find_all(kind)):
        replacement = build(node)
        if replacement is not None and replacement is not node:
            if node is tree:
                tree = replacement
            else:
                node.replace(replacement)
    return tree


def _is_fractional(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren | exp.Neg):
        return _is_fractional(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return bool(re.search(r"[.eE]", node.name))
    if isinstance(node, exp.Div):
        return True
    if isinstance(node, exp.Cast):
        return node.to.this in _FRACTIONAL
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        return _is_fractional(node.this) or _is_fractional(node.expression)
    return False


def _truncating_casts(tree: exp.Expression, ctx) -> exp.Expression:
    def build(cast: exp.Cast):
        if cast.to.this in _INTEGRAL and _is_fractional(cast.this):
            cast.set("this", exp.func("trunc", cast.this.copy()))
        return None

    return _replace_all(tree, exp.Cast, build)


def _dayofweek(tree: exp.Expression, ctx) -> exp.Expression:
    return _replace_all(
        tree, exp.DayOfWeek, lambda n: exp.Paren(this=exp.Add(this=n.copy(), expression=_one()))
    )


def _one() -> exp.Literal:
    return exp.Literal.number(1)


def _date_add(tree: exp.Expression, ctx) -> exp.Expression:
    return _replace_all(
        tree, exp.TsOrDsAdd, lambda n: exp.cast(n.copy(), exp.DataType.build("DATE"))
    )


def _format_string(tree: exp.Expression, ctx) -> exp.Expression:
    def build(node: exp.Format) -> exp.Expression:
        arguments = [node.this.copy(), *[e.copy() for e in node.expressions]]
        return exp.Anonymous(this="printf", expressions=arguments)

    return _replace_all(tree, exp.Format, build)


def _to_timestamp(tree: exp.Expression, ctx) -> exp.Expression:
    # STRPTIME gives a naive TIMESTAMP; Databricks' to_timestamp is TIMESTAMP in the session zone.
    return _replace_all(
        tree, exp.StrToTime, lambda n: exp.cast(n.copy(), exp.DataType.build("TIMESTAMPTZ"))
    )


_DEFAULT_FORMAT = sqlglot.parse_one("unix_timestamp('x')", read="databricks").args["format"]
_TIMESTAMP_TYPES = {
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.TIMESTAMPNTZ,
    exp.DataType.Type.DATE,
}


def _unix_timestamp(tree: exp.Expression, ctx) -> exp.Expression:
    def build(node: exp.StrToUnix) -> exp.Expression:
        value = node.this if node.this is not None else exp.CurrentTimestamp()
        fmt = node.args.get("format")
        is_instant = isinstance(value, exp.CurrentTimestamp) or (
            isinstance(value, exp.Cast) and value.to.this in _TIMESTAMP_TYPES
        )
        if is_instant or fmt is None or fmt.name == _DEFAULT_FORMAT.name:
            instant = value.copy()  # a timestamp, or text in the default format: a plain cast
        else:
            instant = exp.StrToTime(this=value.copy(), format=fmt.copy())
        seconds = exp.Anonymous(
            this="epoch", expressions=[exp.cast(instant, exp.DataType.build("TIMESTAMPTZ"))]
        )
        return exp.cast(exp.func("floor", seconds), exp.DataType.build("BIGINT"))

    return _replace_all(tree, exp.StrToUnix, build)


def _pmod(tree: exp.Expression, ctx) -> exp.Expression:
    def build(node: exp.Anonymous):
        if node.name.lower() != "pmod" or len(node.expressions) != 2:
            return None
        a, n = node.expressions
        remainder = exp.Mod(this=exp.Paren(this=a.copy()), expression=exp.Paren(this=n.copy()))
        wrapped = exp.Mod(
            this=exp.Paren(this=exp.Add(this=remainder.copy(), expression=n.copy())),
            expression=exp.Paren(this=n.copy()),
        )
        negative = exp.LT(this=remainder.copy(), expression=exp.Literal.number(0))
        return exp.Paren(this=exp.If(this=negative, true=wrapped, false=remainder))

    return _replace_all(tree, exp.Anonymous, build)


_SPANS = {
    ("YEAR", "MONTH"): r"(?P<y>\d+)-(?P<mo>\d+)",
    ("DAY", "HOUR"): r"(?P<d>\d+) (?P<h>\d+)",
    ("DAY", "MINUTE"): r"(?P<d>\d+) (?P<h>\d+):(?P<mi>\d+)",
    ("DAY", "SECOND"): r"(?P<d>\d+) (?P<h>\d+):(?P<mi>\d+):(?P<s>\d+(?:\.\d+)?)",
    ("HOUR", "MINUTE"): r"(?P<h>\d+):(?P<mi>\d+)",
    ("HOUR", "SECOND"): r"(?P<h>\d+):(?P<mi>\d+):(?P<s>\d+(?:\.\d+)?)",
    ("MINUTE", "SECOND"): r"(?P<mi>\d+):(?P<s>\d+(?:\.\d+)?)",
}


def _compound_intervals(tree: exp.Expression, ctx) -> exp.Expression:
    def build(node: exp.Interval):
        span = node.args.get("unit")
        if not isinstance(span, exp.IntervalSpan) or not isinstance(node.this, exp.Literal):
            return None
        key = (span.this.name.upper(), span.expression.name.upper())
        pattern = _SPANS.get(key)
        text = node.this.name.strip()
        negative = text.startswith("-")
        match = re.fullmatch(pattern, text.lstrip("+-")) if pattern else None
        if match is None:
            return None  # DuckDB reports the syntax it cannot read
        parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
        sign = -1 if negative else 1
        if key == ("YEAR", "MONTH"):
            months = int(parts["y"] * 12 + parts["mo"]) * sign
            return exp.Anonymous(this="to_months", expressions=[exp.Literal.number(months)])
        micros = round(
            (
                parts.get("d", 0) * 86_400
                + parts.get("h", 0) * 3_600
                + parts.get("mi", 0) * 60
                + parts.get("s", 0)
            )
            * 1_000_000
        )
        return exp.Anonymous(
            this="to_microseconds", expressions=[exp.Literal.number(micros * sign)]
        )

    return _replace_all(tree, exp.Interval, build)


def _divide_by_zero(tree: exp.Expression, ctx) -> exp.Expression:
    def build(node: exp.Div):
        divisor = node.expression
        literal = isinstance(divisor, exp.Literal) and not divisor.is_string
        if literal and float(divisor.name) != 0:
            return None
        checked = exp.If(
            this=exp.EQ(this=divisor.copy(), expression=exp.Literal.number(0)),
            true=exp.Anonymous(this="error", expressions=[exp.Literal.string(DIVIDE_BY_ZERO)]),
            false=divisor.copy(),
        )
        node.set("expression", exp.Paren(this=checked))
        return None

    return _replace_all(tree, exp.Div, build)


def _remember_names(tree: exp.Expression, ctx) -> exp.Expression:
    """Note the DuckDB text of unaliased top-level projections (see ``_restore_names``)."""
    if isinstance(tree, exp.Select):
        tree.meta["names"] = [
            None if isinstance(p, exp.Alias | exp.Column | exp.Star) else p.sql("duckdb")
            for p in tree.expressions
        ]
    return tree


def _restore_names(tree: exp.Expression, ctx) -> exp.Expression:
    """Projections a rule rewrote keep the name they had, so result columns keep theirs."""
    names = tree.meta.pop("names", None) if isinstance(tree, exp.Select) else None
    for projection, name in zip(tree.expressions if names else [], names or [], strict=False):
        if name is not None and projection.sql("duckdb") != name:
            projection.replace(exp.alias_(projection.copy(), name, quoted=True))
    return tree


RULES = [
    _remember_names,
    _compound_intervals,
    _truncating_casts,
    _dayofweek,
    _date_add,
    _format_string,
    _unix_timestamp,
    _to_timestamp,
    _pmod,
    _divide_by_zero,
    _restore_names,
]

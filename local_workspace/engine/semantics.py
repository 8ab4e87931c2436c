"""Rules that give DuckDB Databricks' (ANSI mode) semantics where sqlglot's output differs.

Each rule is a pure AST -> AST function (``rule(tree, ctx)``), composed in ``RULES``:

* ``CAST(x AS <integral>)`` truncates toward zero when ``x`` is fractional (DuckDB rounds):
  ``trunc`` when the expression's shape shows it (numeric literals with a fraction, divisions,
  casts to FLOAT/DOUBLE/DECIMAL), else a macro that decides by the type DuckDB binds (columns,
  functions, text such as ``'2.7'``; see ``macros``).
* ``dayofweek`` is 1 (Sunday) .. 7; ``date_add``/``date_sub`` return DATE; ``format_string`` is
  ``printf``; ``to_timestamp(s, fmt)`` returns TIMESTAMP (session time zone); ``unix_timestamp``
  returns BIGINT seconds; ``pmod`` is Spark's positive modulus.
* DATE - DATE is an INTERVAL of days; DATE +/- a year-month interval literal is a DATE; a
  TIMESTAMP cast or concatenated to a STRING reads as Databricks writes it (no zone suffix).
* Compound interval literals (``INTERVAL '1-2' YEAR TO MONTH``, ``'3 04:05:06' DAY TO SECOND``).
* Division by zero raises DIVIDE_BY_ZERO (ANSI mode, what SQL warehouses use); DuckDB returns inf.
* Functions DuckDB lacks or computes differently, rebuilt from DuckDB templates parsed once
  (placeholders ``__name`` are replaced by sub-trees): lambdas with an index argument (0-based),
  ``aggregate``'s finish lambda, ``exists``/``forall`` (three-valued), ``zip_with``,
  ``transform_keys``/``transform_values``/``map_filter``, ``array_distinct``/``array_union``/
  ``array_remove`` (NULLs kept, order kept), ``sequence`` counting down, ``timestampdiff`` in
  whole units, ``percentile`` (continuous), ``isnull`` & co.
* String functions (``substring_index``, ``format_number``, ``parse_url``, ``conv``, ...): see
  ``text_functions``; date functions (``months_between``, ``next_day``, ``try_to_timestamp``,
  ``to_char``, day-of-week fields): ``date_functions``; generators in the select list
  (``explode`` of a MAP, ``json_tuple``, ``inline``): ``generators``; ``assert_true`` and
  ``raise_error``: ``raising_functions``; ``schema_of_json``: ``json_schema``.
* Element access with ANSI bounds errors (``x[i]``, ``element_at``, ``get``, ``elt``,
  ``array_insert``, ``slice``): see ``subscripts``.
* Function-style casts (``bigint(x)``, ``timestamp(x)``), population ``kurtosis``/``skewness``,
  ``any``/``some`` aggregates, ``arrays_zip`` field names, PIVOT column names.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from local_workspace.engine import (
    date_functions,
    generators,
    json_schema,
    macros,
    raising_functions,
    subscripts,
    text_functions,
)
from local_workspace.engine.dialect import DIALECT
from local_workspace.engine.errors import SqlError
from local_workspace.engine.templates import call as _call
from local_workspace.engine.templates import parsed as _parsed
from local_workspace.engine.templates import template as _template

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


def _is_integral(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren | exp.Neg):
        return _is_integral(node.this)
    if isinstance(node, exp.Literal):  # 7, or text such as '7' (a bound INT parameter)
        whole = re.fullmatch(r"\s*[+-]?\d+\s*", node.name) is not None
        return whole if node.is_string else not _is_fractional(node)
    if isinstance(node, exp.Cast):
        return node.to.this in _INTEGRAL or node.to.this == exp.DataType.Type.BOOLEAN
    return isinstance(node, exp.Boolean | exp.Null)


def _truncating_casts(tree: exp.Expression, ctx) -> exp.Expression:
    def build(cast: exp.Cast):
        safe = isinstance(cast, exp.TryCast) or bool(cast.args.get("safe"))
        if cast.to.this == exp.DataType.Type.DOUBLE and not isinstance(cast.this, exp.Literal):
            return macros.to_double(safe, cast.this)  # a TIMESTAMP becomes epoch seconds
        if cast.to.this not in _INTEGRAL or _is_integral(cast.this):
            return None
        if _is_fractional(cast.this):
            cast.set("this", exp.func("trunc", cast.this.copy()))
            return None
        return macros.to_integral(cast.to.this.value, safe, cast.this)

    return _replace_all(tree, exp.Cast, build)


_YEAR_MONTH = {"YEAR", "YEARS", "MONTH", "MONTHS"}


def _is_year_month(node: exp.Expression) -> bool:
    unit = node.args.get("unit") if isinstance(node, exp.Interval) else None
    if isinstance(unit, exp.IntervalSpan):
        return unit.this.name.upper() == "YEAR" and unit.expression.name.upper() == "MONTH"
    return unit is not None and unit.name.upper() in _YEAR_MONTH


def _year_month_shifts(tree: exp.Expression, ctx) -> exp.Expression:
    """DATE +/- a year-month interval literal stays a DATE (DuckDB makes it a TIMESTAMP)."""

    def build(node: exp.Add | exp.Sub):
        if not _is_year_month(node.expression):
            return None
        operation = "+" if isinstance(node, exp.Add) else "-"
        return macros.shift_by_months(operation, node.this, node.expression)

    tree = _replace_all(tree, exp.Add, build)
    return _replace_all(tree, exp.Sub, build)


def _as_text(node: exp.Expression | None) -> exp.Expression | None:
    if node is None or isinstance(node, exp.Literal | exp.Null) or node.meta.get("text"):
        return node
    wrapped = macros.text(node.copy())
    wrapped.meta["text"] = True
    return wrapped


def _timestamps_as_text(tree: exp.Expression, ctx) -> exp.Expression:
    """TIMESTAMPs turned into STRING (CAST, ``||``, concat, concat_ws) read as Databricks
    writes them, not with DuckDB's ``+00`` zone suffix."""
    for node in list(tree.find_all(exp.Cast, exp.DPipe, exp.Concat, exp.ConcatWs)):
        if isinstance(node, exp.Cast):
            if node.to.this == exp.DataType.Type.TEXT:
                node.set("this", _as_text(node.this))
        elif isinstance(node, exp.DPipe):
            node.set("this", _as_text(node.this))
            node.set("expression", _as_text(node.expression))
        else:
            node.set("expressions", [_as_text(e) for e in node.expressions])
    return tree


_CAST_FUNCTIONS = {
    "bigint": "BIGINT",
    "long": "BIGINT",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "decimal": "DECIMAL(10, 0)",
    "binary": "BLOB",
}


def _cast_functions(tree: exp.Expression, ctx) -> exp.Expression:
    """Function-style casts: ``bigint(x)``, ``decimal(x)`` (DECIMAL(10, 0)) & co. are casts;
    ``timestamp(x)`` is a TIMESTAMP in the session zone, as ``CAST(x AS TIMESTAMP)`` is (sqlglot
    reads the function as TIMESTAMP_NTZ). Runs first, so rules' own casts are left alone."""

    def build(node: exp.Expression):
        if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TIMESTAMP:
            if not isinstance(node.parent, exp.FromTimeZone | exp.AtTimeZone):  # sqlglot's own
                node.set("to", exp.DataType.build("TIMESTAMPTZ"))
            return None
        if isinstance(node, exp.Anonymous) and len(node.expressions) == 1:
            kind = _CAST_FUNCTIONS.get(node.name.lower())
            if kind is not None:
                return exp.cast(node.expressions[0].copy(), exp.DataType.build(kind))
        return None

    return _replace_all(tree, exp.Func, build)


def _date_differences(tree: exp.Expression, ctx) -> exp.Expression:
    """``a - b`` of two DATEs is an INTERVAL of days in Databricks (DuckDB: an INTEGER);
    decided by the bound types, so only subtractions of two non-literals go through a macro."""

    def build(node: exp.Sub):
        operands = (node.this, node.expression)
        if any(isinstance(o, exp.Literal | exp.Interval) for o in operands):
            return None
        return macros.minus(node.this, node.expression)

    return _replace_all(tree, exp.Sub, build)


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


_DEFAULT_FORMAT = sqlglot.parse_one("unix_timestamp('x')", read=DIALECT).args["format"]
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


# -- functions: Databricks function -> DuckDB template ---------------------------------------


def _substitute(body: exp.Expression, mapping: dict[str, exp.Expression]) -> exp.Expression:
    """A lambda body with its parameters replaced by expressions."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in mapping:
            return exp.Paren(this=mapping[node.name].copy())
        if (
            isinstance(node, exp.Identifier)
            and not isinstance(node.parent, exp.Column)
            and node.name in mapping
        ):
            return exp.Paren(this=mapping[node.name].copy())
        return node

    return body.copy().transform(replace)


def _params(node: exp.Expression) -> list[str]:
    return [p.name for p in node.expressions] if isinstance(node, exp.Lambda) else []


def _lambda_call(lam: exp.Lambda, *args: exp.Expression) -> exp.Expression:
    """The lambda's body applied to ``args`` (extra parameters are left unbound)."""
    return _substitute(lam.this, dict(zip(_params(lam), args, strict=False)))


def _index_lambda(node: exp.Expression):
    """transform/filter with (x, i): Databricks' i is 0-based, DuckDB's 1-based."""
    lam = node.args.get("expression")
    params = _params(lam)
    if len(params) != 2:
        return None
    index = exp.to_identifier(params[1])
    shifted = exp.Sub(this=exp.column(index.copy()), expression=_one())
    lam.set("this", _substitute(lam.this, {params[1]: shifted}))
    return None


def _reduce(node: exp.Reduce):
    finish = node.args.get("finish")
    if not isinstance(finish, exp.Lambda):
        return None
    node.set("finish", None)
    return _lambda_call(finish, node.copy())


_EXISTS = (
    "CASE WHEN list_contains(__t, TRUE) THEN TRUE WHEN list_count(__t) < len(__t) THEN NULL "
    "ELSE FALSE END"
)
_FORALL = (
    "CASE WHEN list_contains(__t, FALSE) THEN FALSE WHEN list_count(__t) < len(__t) THEN NULL "
    "ELSE TRUE END"
)
_DISTINCT = "list_filter(__a, lambda __x, __i: list_position(__a, __x) = __i)"
_ZIP = "list_transform(range(1, greatest(len(__a), len(__b)) + 1), lambda __zip_i: __body)"
_MAP_ENTRIES = (
    "map_from_entries(list_transform(map_entries(__m), lambda __e: "
    "{'key': __key, 'value': __value}))"
)
_MAP_FILTER = "map_from_entries(list_filter(map_entries(__m), lambda __e: __body))"
_ENTRY_KEY = _parsed("struct_extract(__e, 'key')")
_ENTRY_VALUE = _parsed("struct_extract(__e, 'value')")


def _transformed(array: exp.Expression, lam: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="list_transform", expressions=[array.copy(), lam.copy()])


def _exists(node: exp.Exists):
    lam = node.args.get("expression")
    if not isinstance(lam, exp.Lambda):
        return None  # EXISTS (subquery)
    return _template(_EXISTS, t=_transformed(node.this, lam))


def _anonymous(node: exp.Anonymous):
    name, args = node.name.lower(), node.expressions
    build = _ANONYMOUS.get((name, len(args)))
    return build(*args) if build else None


def _zip_with(a, b, lam):
    i = exp.column("__zip_i")
    x = exp.Anonymous(this="list_extract", expressions=[a.copy(), i])
    y = exp.Anonymous(this="list_extract", expressions=[b.copy(), i.copy()])
    return _template(_ZIP, a=a, b=b, body=_lambda_call(lam, x, y))


def _map_transform(m, lam, keys: bool):
    body = _lambda_call(lam, _ENTRY_KEY, _ENTRY_VALUE)
    key, value = (body, _ENTRY_VALUE) if keys else (_ENTRY_KEY, body)
    return _template(_MAP_ENTRIES, m=m, key=key, value=value)


def _map_filter(m, lam):
    return _template(_MAP_FILTER, m=m, body=_lambda_call(lam, _ENTRY_KEY, _ENTRY_VALUE))


_ANONYMOUS = {
    ("forall", 2): lambda a, lam: _template(_FORALL, t=_transformed(a, lam)),
    ("zip_with", 3): _zip_with,
    ("transform_values", 2): lambda m, lam: _map_transform(m, lam, keys=False),
    ("transform_keys", 2): lambda m, lam: _map_transform(m, lam, keys=True),
    ("map_filter", 2): _map_filter,
    ("array_union", 2): lambda a, b: _template(_DISTINCT, a=_call("list_concat", a, b)),
    ("arrays_overlap", 2): lambda a, b: _call("list_has_any", a, b),
    ("array_repeat", 2): lambda v, n: _template(
        "list_transform(range(__n), lambda __r: __v)", v=v, n=n
    ),
    ("get", 2): subscripts.get,
    ("find_in_set", 2): text_functions.find_in_set,
    ("octet_length", 1): macros.octet_length,
    ("cardinality", 1): lambda x: exp.cast(_call("cardinality", x), exp.DataType.build("INT")),
    ("conv", 3): text_functions.conv,
    ("crc32", 1): macros.crc32,
    ("mask", 1): text_functions.mask,
    ("mask", 2): text_functions.mask,
    ("mask", 3): text_functions.mask,
    ("mask", 4): text_functions.mask,
    ("mask", 5): text_functions.mask,
    ("assert_true", 1): raising_functions.assert_true,
    ("assert_true", 2): raising_functions.assert_true,
    ("raise_error", 1): raising_functions.raise_error_function,
    ("try_to_timestamp", 1): date_functions.try_parse("to_timestamp"),
    ("try_to_timestamp", 2): date_functions.try_parse("to_timestamp"),
    ("try_to_date", 1): date_functions.try_parse("to_date"),
    ("try_to_date", 2): date_functions.try_parse("to_date"),
    ("to_varchar", 2): date_functions.to_char,
    ("date_part", 2): date_functions.date_part_day_of_week,
    ("std", 1): lambda x: _call("stddev_samp", x),
    ("some", 1): lambda x: _call("bool_or", x),
    ("schema_of_json", 1): json_schema.schema_of_json,
    ("schema_of_json", 2): json_schema.schema_of_json,
    ("every", 1): lambda x: _call("bool_and", x),
    ("try_sum", 1): lambda x: _call("sum", x),
    ("try_avg", 1): lambda x: _call("avg", x),
    ("format_number", 2): text_functions.format_number,
    ("btrim", 1): lambda x: _call("trim", x),
    ("btrim", 2): lambda x, chars: _call("trim", x, chars),
    ("bround", 1): lambda x: _call("round_even", x, exp.Literal.number(0)),
    ("bround", 2): lambda x, scale: _call("round_even", x, scale),
    ("e", 0): lambda: _template("exp(1)"),
    ("hypot", 2): lambda a, b: _template("sqrt(__a * __a + __b * __b)", a=a, b=b),
    ("weekday", 1): lambda x: _template("isodow(CAST(__x AS DATE)) - 1", x=x),
    ("isnull", 1): lambda x: exp.Is(this=x.copy(), expression=exp.Null()),
    ("isnotnull", 1): lambda x: exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null())),
    ("zeroifnull", 1): lambda x: _call("coalesce", x, exp.Literal.number(0)),
    ("nullifzero", 1): lambda x: _call("nullif", x, exp.Literal.number(0)),
    ("timestamp_seconds", 1): lambda x: _call("to_timestamp", x),
    ("timestamp_millis", 1): lambda x: _template(
        "make_timestamp(CAST(__x AS BIGINT) * 1000) AT TIME ZONE 'UTC'", x=x
    ),
    ("timestamp_micros", 1): lambda x: _template(
        "make_timestamp(CAST(__x AS BIGINT)) AT TIME ZONE 'UTC'", x=x
    ),
    ("json_array_length", 1): lambda s: _template(
        "CASE WHEN json_valid(__s) THEN json_array_length(__s) END", s=s
    ),
}


def _sequence(node: exp.GenerateSeries):
    if node.args.get("is_end_exclusive"):
        return None  # DuckDB's range() in a template, not Databricks' sequence()
    args = [node.args.get(k) for k in ("start", "end", "step")]
    return macros.sequence(*[a for a in args if a is not None])


def _timestampdiff(node: exp.TimestampDiff):
    unit = node.args.get("unit")
    if unit is None:
        return None
    start, end = node.expression, node.this
    return _call("date_sub", exp.Literal.string(unit.name.lower()), start, end)


def _from_utc_timestamp(node: exp.AtTimeZone):
    # from_utc_timestamp(ts, tz): ts read as UTC, shown as the wall clock of tz.
    if not isinstance(node.this, exp.Cast) or node.this.to.this != exp.DataType.Type.TIMESTAMP:
        return None
    return _template(
        "CAST((__ts AT TIME ZONE 'UTC') AT TIME ZONE __zone AS TIMESTAMPTZ)",
        ts=node.this,
        zone=node.args["zone"],
    )


def _cast_to(kind: str):
    def build(node: exp.Expression) -> exp.Expression:
        return exp.cast(node.copy(), exp.DataType.build(kind))

    return build


_UNITS = {"MM": "MONTH", "MON": "MONTH", "YYYY": "YEAR", "YY": "YEAR", "DD": "DAY"}


def _literal_dates(node: exp.Expression):
    """trunc/date_trunc: Databricks' unit aliases (MM, YY, ...); a string literal is cast, as
    DuckDB cannot choose between DATE and TIMESTAMP itself; trunc returns DATE."""
    unit = node.args.get("unit")
    if isinstance(unit, exp.Literal | exp.Var) and unit.name.upper() in _UNITS:
        node.set("unit", exp.Literal.string(_UNITS[unit.name.upper()]))
    value = node.this
    date = isinstance(node, exp.DateTrunc)
    if isinstance(value, exp.Literal) and value.is_string:
        node.set(
            "this", exp.cast(value.copy(), exp.DataType.build("DATE" if date else "TIMESTAMP"))
        )
    return exp.cast(node.copy(), exp.DataType.build("DATE")) if date else None


def _string_datetime(kind: str):
    """hour('2009-07-30 12:58:59') & co.: a string literal is read as a TIMESTAMP or DATE."""

    def build(node: exp.Expression):
        if isinstance(node.this, exp.Literal) and node.this.is_string:
            node.set("this", exp.cast(node.this.copy(), exp.DataType.build(kind)))
        return None

    return build


_WIDTH_BUCKET = (
    "CASE WHEN __n <= 0 OR __lo = __hi OR isnan(__v) OR isnan(__lo) OR isnan(__hi) THEN NULL "
    "WHEN __lo < __hi THEN CASE WHEN __v < __lo THEN 0 WHEN __v >= __hi THEN __n + 1 "
    "ELSE CAST(floor((__v - __lo) * __n / (__hi - __lo)) AS BIGINT) + 1 END "
    "ELSE CASE WHEN __v > __lo THEN 0 WHEN __v <= __hi THEN __n + 1 "
    "ELSE CAST(floor((__lo - __v) * __n / (__lo - __hi)) AS BIGINT) + 1 END END"
)


def _width_bucket(node: exp.WidthBucket) -> exp.Expression:
    """Spark's width_bucket, computed in DOUBLE; NULL for no buckets or an empty range."""

    def double(arg: str) -> exp.Expression:
        return exp.cast(node.args[arg].copy(), exp.DataType.build("DOUBLE"))

    return _template(
        _WIDTH_BUCKET,
        v=double("this"),
        lo=double("min_value"),
        hi=double("max_value"),
        n=exp.cast(node.args["num_buckets"].copy(), exp.DataType.build("BIGINT")),
    )


def _to_char(node: exp.ToChar):
    fmt = node.args.get("format")
    return date_functions.to_char(node.this, fmt) if fmt is not None else None


def _arrays_zip(node: exp.ArraysZip) -> exp.Expression:
    """arrays_zip: structs whose fields are named after column arguments, else "0", "1", ...
    (sqlglot names them $1, $2); shorter arrays are padded with NULLs."""
    arrays = node.expressions
    names = [a.name if isinstance(a, exp.Column) else str(i) for i, a in enumerate(arrays)]
    parts = {f"a{i}": a for i, a in enumerate(arrays)}
    fields = ", ".join(
        f"{exp.Literal.string(n).sql('duckdb')}: list_extract(__a{i}, __zip + 1)"
        for i, n in enumerate(names)
    )
    missing = " OR ".join(f"__a{i} IS NULL" for i in range(len(arrays)))
    lengths = ", ".join(f"len(__a{i})" for i in range(len(arrays)))
    return _template(
        f"CASE WHEN {missing} THEN NULL ELSE list_transform(range(greatest({lengths})), "
        f"lambda __zip: {{{fields}}}) END",
        **parts,
    )


def _skewness(node: exp.Skewness) -> exp.Expression:
    """Spark's skewness is the population statistic; DuckDB's is the sample one."""
    if isinstance(node.parent, exp.Window | exp.Filter):
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "The local workspace does not support `skewness` as a window function or with FILTER.",
        )
    return _template(
        "skewness(__x) * (count(__x) - 2) / sqrt(count(__x) * (count(__x) - 1))", x=node.this
    )


def _any(node: exp.Any):
    """any(x) as an aggregate is bool_or (a quantifier ``= ANY (subquery)`` stays)."""
    if isinstance(node.this, exp.Subquery | exp.Select | exp.Tuple):
        return None
    return _call("bool_or", node.this)


def _window_arguments(node: exp.Expression):
    """rank(b)/dense_rank(b)/percent_rank(b): Databricks ignores the arguments."""
    node.set("expressions", [])
    return None


def _regexp_substr(node: exp.RegexpSubstr):
    return _template(
        "CASE WHEN regexp_matches(__s, __p) THEN regexp_extract(__s, __p) END",
        s=node.this,
        p=node.expression,
    )


def _from_json(node: exp.FromJson):
    schema = node.expression
    if not (isinstance(schema, exp.Literal) and schema.is_string) or node.args.get("options"):
        return None
    kind = exp.DataType.build(f"STRUCT<{schema.name}>", dialect="databricks")
    return exp.cast(exp.cast(node.this.copy(), exp.DataType.build("JSON")), kind)


_FUNCTIONS: list[tuple[type, object]] = [
    (exp.Transform, _index_lambda),
    (exp.ArrayFilter, _index_lambda),
    (exp.Reduce, _reduce),
    (exp.Exists, _exists),
    (exp.Anonymous, _anonymous),
    (exp.ArrayDistinct, lambda n: _template(_DISTINCT, a=n.this)),
    (
        exp.ArrayRemove,
        lambda n: _template(
            "list_filter(__a, lambda __x: __x IS DISTINCT FROM __v)", a=n.this, v=n.expression
        ),
    ),
    (
        exp.MapContainsKey,
        lambda n: _call("list_contains", _call("map_keys", n.this), n.args["key"]),
    ),
    (exp.GenerateSeries, _sequence),
    (exp.Elt, subscripts.elt),
    (exp.Rint, lambda n: _template("CAST(round_even(__x, 0) AS DOUBLE)", x=n.this)),
    (
        exp.Nanvl,
        lambda n: _template("CASE WHEN isnan(__a) THEN __b ELSE __a END", a=n.this, b=n.expression),
    ),
    (exp.SafeAdd, lambda n: _call("try", exp.Add(this=n.this, expression=n.expression))),
    (exp.SafeSubtract, lambda n: _call("try", exp.Sub(this=n.this, expression=n.expression))),
    (exp.SafeMultiply, lambda n: _call("try", exp.Mul(this=n.this, expression=n.expression))),
    (exp.WidthBucket, _width_bucket),
    (exp.SubstringIndex, text_functions.substring_index),
    (exp.RegexpSplit, text_functions.split_limit),
    (exp.StrToMap, text_functions.str_to_map),
    (exp.ParseUrl, text_functions.parse_url),
    (exp.Soundex, text_functions.soundex),
    (exp.ArraysZip, _arrays_zip),
    (exp.Kurtosis, lambda n: _call("kurtosis_pop", n.this)),
    (exp.Skewness, _skewness),
    (exp.Any, _any),
    (exp.ArrayInsert, subscripts.array_insert),
    (exp.ArraySlice, subscripts.slice_bounds),
    (exp.RegexpReplace, text_functions.regexp_replace),
    (exp.ArraySize, lambda n: exp.cast(_call("cardinality", n.this), exp.DataType.build("INT"))),
    (exp.Reverse, lambda n: macros.reverse(n.this)),
    (exp.TimestampDiff, _timestampdiff),
    (exp.AtTimeZone, _from_utc_timestamp),
    (exp.DateFromUnixDate, _cast_to("DATE")),
    (exp.AddMonths, _cast_to("DATE")),
    (exp.MonthsBetween, date_functions.months_between),
    (exp.NextDay, date_functions.next_day),
    (exp.Extract, date_functions.extract_day_of_week),
    (exp.ToNumber, date_functions.refuse_number_format),
    (exp.ToChar, _to_char),
    (exp.CurrentTimezone, lambda n: _call("current_setting", exp.Literal.string("TimeZone"))),
    (exp.Hour, _string_datetime("TIMESTAMP")),
    (exp.Minute, _string_datetime("TIMESTAMP")),
    (exp.Second, _string_datetime("TIMESTAMP")),
    (exp.Quarter, _string_datetime("DATE")),
    (exp.LastDay, _string_datetime("DATE")),
    (exp.DateTrunc, _literal_dates),
    (exp.TimestampTrunc, _literal_dates),
    (exp.Rank, _window_arguments),
    (exp.DenseRank, _window_arguments),
    (exp.PercentRank, _window_arguments),
    (exp.Quantile, lambda n: _call("quantile_cont", n.this, n.args["quantile"])),
    (exp.RegexpSubstr, _regexp_substr),
    (exp.FromJson, _from_json),
]


def _pivot_names(tree: exp.Expression) -> exp.Expression:
    """PIVOT with a single aggregate names its columns after the IN values only, as Spark does
    (DuckDB appends the aggregate's alias: ``q1_sales``)."""
    for pivot in tree.find_all(exp.Pivot):
        aggregates = pivot.expressions
        single = not pivot.args.get("unpivot") and len(aggregates) == 1
        if single and isinstance(aggregates[0], exp.Alias):
            pivot.set("expressions", [aggregates[0].this.copy()])
    return tree


def _functions(tree: exp.Expression, ctx) -> exp.Expression:
    tree = subscripts.brackets(tree)
    tree = text_functions.json_tuple_projections(tree)
    tree = generators.generator_projections(tree)
    tree = generators.inline_projections(tree)
    tree = _pivot_names(tree)
    for kind, build in _FUNCTIONS:
        tree = _replace_all(tree, kind, build)
    return tree


RULES = [
    _remember_names,
    _cast_functions,
    _functions,
    _year_month_shifts,
    _date_differences,
    _compound_intervals,
    _truncating_casts,
    _timestamps_as_text,
    _dayofweek,
    _date_add,
    _format_string,
    _unix_timestamp,
    _to_timestamp,
    _pmod,
    _divide_by_zero,
    _restore_names,
]

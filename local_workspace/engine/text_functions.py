r"""String functions DuckDB lacks or reads differently, as DuckDB templates (Spark's semantics).

``substring_index``, ``find_in_set``, ``format_number(x, d)`` (HALF_EVEN, grouped thousands),
``split(str, regex, limit)``, ``str_to_map`` (delimiters are regular expressions, as in Spark)
``parse_url`` (java.net.URI's parts; an invalid URL raises CANNOT_DECODE_URL), ``mask``,
``json_tuple`` as projections, and ``regexp_replace`` replacements in Java's syntax (``$1`` is a
group, ``\$`` a dollar sign).
"""

from __future__ import annotations

from sqlglot import exp

from local_workspace.engine.errors import SqlError
from local_workspace.engine.templates import raise_error, template


def _literal_int(node: exp.Expression | None) -> int | None:
    if isinstance(node, exp.Neg):
        inner = _literal_int(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit():
        return int(node.name)
    return None


def substring_index(node: exp.SubstringIndex) -> exp.Expression:
    return template(
        "CASE WHEN __n = 0 OR __d = '' THEN '' "
        "WHEN __n > 0 THEN array_to_string(string_split(__s, __d)[1:__n], __d) "
        "ELSE array_to_string(string_split(__s, __d)[__n:], __d) END",
        s=node.this,
        d=node.args["delimiter"],
        n=node.args["count"],
    )


def find_in_set(value: exp.Expression, values: exp.Expression) -> exp.Expression:
    return template(
        "CASE WHEN __s IS NULL OR __l IS NULL THEN NULL WHEN contains(__s, ',') THEN 0 "
        "ELSE CAST(coalesce(list_position(string_split(__l, ','), __s), 0) AS INTEGER) END",
        s=value,
        l=values,
    )


def format_number(value: exp.Expression, digits: exp.Expression) -> exp.Expression:
    """format_number(x, d): d decimals (HALF_EVEN), thousands grouped by ','."""
    places = _literal_int(digits)
    if places is None:
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "The local workspace supports `format_number` with a constant number of decimal "
            "places only, not a format pattern.",
        )
    if places < 0:
        return exp.Null()
    text = template(
        f"CAST(CAST(round_even(__x, {places}) AS DECIMAL(38, {places})) AS VARCHAR)", x=value
    )
    whole = template("split_part(ltrim(__t, '-'), '.', 1)", t=text)
    grouped = template(
        "array_to_string(list_concat([substr(__w, 1, (len(__w) - 1) % 3 + 1)], "
        "list_transform(range((len(__w) - 1) % 3 + 1, len(__w), 3), "
        "lambda __i: substr(__w, __i + 1, 3))), ',')",
        w=whole,
    )
    fraction = template("'.' || split_part(__t, '.', 2)", t=text) if places else None
    result = template(
        "CASE WHEN starts_with(__t, '-') THEN '-' ELSE '' END || __g", t=text, g=grouped
    )
    return exp.DPipe(this=result, expression=fraction, safe=True) if fraction else result


def split_limit(node: exp.RegexpSplit):
    """split(str, regex, limit > 0): at most ``limit`` parts, the last one holds the rest."""
    limit = _literal_int(node.args.get("limit"))
    if limit is None:
        return None
    parts = template("regexp_split_to_array(__s, __r)", s=node.this, r=node.expression)
    if limit <= 0:
        return parts
    delimiters = template("regexp_extract_all(__s, __r)", s=node.this, r=node.expression)
    return template(
        f"CASE WHEN len(__p) <= {limit} THEN __p ELSE list_concat(__p[1:{limit - 1}], "
        f"[array_to_string(list_transform(range({limit}, len(__p) + 1), lambda __j: "
        f"CASE WHEN __j = {limit} THEN __p[__j] ELSE __d[__j - 1] || __p[__j] END), '')]) END",
        p=parts,
        d=delimiters,
    )


def str_to_map(node: exp.StrToMap) -> exp.Expression:
    return template(
        "map_from_entries(list_transform(regexp_split_to_array(__t, __pd), lambda __e: "
        "{'key': CASE WHEN regexp_matches(__e, __kd) "
        "THEN regexp_extract(__e, '^((?s:.*?))(?:' || __kd || ')', 1) ELSE __e END, "
        "'value': CASE WHEN regexp_matches(__e, __kd) "
        "THEN regexp_replace(__e, '^(?s:.*?)(?:' || __kd || ')', '') END}))",
        t=node.this,
        pd=node.args.get("pair_delim") or exp.Literal.string(","),
        kd=node.args.get("key_value_delim") or exp.Literal.string(":"),
    )


# RFC 3986 appendix B: 2 scheme, 3 '//' + 4 authority, 5 path, 6 '?' + 7 query, 8 '#' + 9 ref.
_URI = r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$"
# What java.net.URI refuses: spaces and controls, characters outside its grammar, a bad escape,
# a second '#'.
_INVALID = r"""[\x00-\x20"<>\\^`{|}]|%([^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)|#.*#"""
_OPAQUE = "^[^:/?#]+:[^/]"  # mailto:x — no authority, path or query


def _group(number: int, present: int | None = None) -> str:
    value = f"regexp_extract(__u, '{_URI}', {number})"
    if present is None:
        return value
    return f"CASE WHEN regexp_extract(__u, '{_URI}', {present}) <> '' THEN {value} END"


_AUTHORITY = _group(4, 3)
_QUERY = _group(7, 6)
_PARTS = {
    "PROTOCOL": _group(2, 1),
    "AUTHORITY": _AUTHORITY,
    "HOST": f"nullif(regexp_extract({_AUTHORITY}, '^(?:[^@]*@)?(\\[[^\\]]*\\]|[^:]*)', 1), '')",
    "USERINFO": f"CASE WHEN contains({_AUTHORITY}, '@') THEN "
    f"regexp_extract({_AUTHORITY}, '^([^@]*)@', 1) END",
    "PATH": _group(5),
    "QUERY": _QUERY,
    "REF": _group(9, 8),
    "FILE": f"{_group(5)} || coalesce('?' || {_QUERY}, '')",
}
_HIERARCHICAL_ONLY = {"AUTHORITY", "HOST", "USERINFO", "PATH", "QUERY", "FILE"}


def parse_url(node: exp.ParseUrl):
    part = node.args.get("part_to_extract")
    if not (isinstance(part, exp.Literal) and part.is_string):
        return None
    name = part.name
    sql = _PARTS.get(name)
    if sql is None:
        return exp.Null()  # Databricks: an unknown part is NULL
    key = node.args.get("key")
    if key is not None:
        if name != "QUERY":
            return exp.Null()
        sql = (
            f"CASE WHEN regexp_matches({sql}, '(&|^)' || __k || '=([^&]*)') THEN "
            f"regexp_extract({sql}, '(&|^)' || __k || '=([^&]*)', 2) END"
        )
    if name in _HIERARCHICAL_ONLY:
        sql = f"CASE WHEN NOT regexp_matches(__u, '{_OPAQUE}') THEN {sql} END"
    invalid = raise_error(
        "CANNOT_DECODE_URL",
        "22546",
        "The provided URL cannot be decoded: ",
        exp.column("__u"),
        ". Please ensure that the URL is properly formatted and try again.",
    ).sql("duckdb")
    checked = f"CASE WHEN regexp_matches(__u, '{_escape(_INVALID)}') THEN {invalid} ELSE {sql} END"
    return template(checked, u=node.this, k=key or exp.Null())


def _escape(pattern: str) -> str:
    return pattern.replace("'", "''")


_MASK_CLASSES = (r"\p{Lu}", r"\p{Ll}", r"\p{Nd}")
_MASK_DEFAULTS = ("X", "x", "n")


def mask(value: exp.Expression, *replacements: exp.Expression) -> exp.Expression:
    """mask(str[, upper[, lower[, digit[, other]]]]), character by character; a NULL
    replacement (the default for other characters) leaves that class as it is."""
    given = list(replacements) + [None] * (4 - len(replacements))
    defaults = [exp.Literal.string(d) for d in _MASK_DEFAULTS] + [exp.Null()]
    chosen = [g if g is not None else d for g, d in zip(given, defaults, strict=True)]
    whens = " ".join(
        f"WHEN regexp_matches(__c, '{pattern}') THEN coalesce(__r{i}, __c)"
        for i, pattern in enumerate(_MASK_CLASSES)
    )
    return template(
        "array_to_string(list_transform(string_split(__s, ''), lambda __c: "
        f"CASE {whens} ELSE coalesce(__r3, __c) END), '')",
        s=value,
        **{f"r{i}": exp.cast(c, exp.DataType.build("VARCHAR")) for i, c in enumerate(chosen)},
    )


def _re2_replacement(java: str) -> str:
    """A java.util.regex replacement (``$1``, ``\\$``) in RE2's syntax (``\\1``, ``$``)."""
    out, index = [], 0
    while index < len(java):
        char = java[index]
        following = java[index + 1] if index + 1 < len(java) else ""
        if char == "\\" and following:
            out.append("\\\\" if following == "\\" else following)
            index += 2
        elif char == "$" and following.isdigit():
            out.append("\\" + following)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def regexp_replace(node: exp.RegexpReplace):
    replacement = node.args.get("replacement")
    if node.meta.get("re2") or replacement is None:
        return None
    node.meta["re2"] = True
    if isinstance(replacement, exp.Literal) and replacement.is_string:
        node.set("replacement", exp.Literal.string(_re2_replacement(replacement.name)))
    else:
        node.set(
            "replacement",
            template(r"regexp_replace(__r, '\$(\d)', '\\\1', 'g')", r=replacement),
        )
    return None


def _json_value(document: exp.Expression, key: exp.Expression) -> exp.Expression:
    return template(
        "CASE WHEN json_valid(__j) THEN json_extract_string(__j, '$.\"' || __k || '\"') END",
        j=document,
        k=key,
    )


def json_tuple_projections(tree: exp.Expression) -> exp.Expression:
    """``SELECT json_tuple(json, 'a', 'b') [AS (x, y)]``: one STRING column per key (c0, c1, ...
    unless named), NULL for a missing key or malformed JSON, nested values as JSON text."""
    for select in list(tree.find_all(exp.Select)):
        projections: list[exp.Expression] = []
        names_kept = select.meta.get("names")  # see semantics._remember_names
        kept: list[str | None] = []
        for position, projection in enumerate(select.expressions):
            call = projection.this if isinstance(projection, exp.Aliases) else projection
            if not (isinstance(call, exp.Anonymous) and call.name.lower() == "json_tuple"):
                projections.append(projection)
                kept.append(names_kept[position] if names_kept else None)
                continue
            document, *keys = call.expressions
            names = [a.name for a in projection.expressions] if call is not projection else []
            names += [f"c{i}" for i in range(len(names), len(keys))]
            projections += [
                exp.alias_(_json_value(document, key), name, quoted=True)
                for key, name in zip(keys, names, strict=False)
            ]
            kept += [None] * len(keys)
        select.set("expressions", projections)
        if names_kept:
            select.meta["names"] = kept
    return tree


# Spark's soundex (UTF8String.soundex): codes of A..Z, 7 marks H and W (skipped, they do not
# separate equal codes), 0 the vowels (which do); any other character resets the last code.
_SOUNDEX_CODES = "01230127022455012623017202"
_SOUNDEX_CODE = f"substr('{_SOUNDEX_CODES}', ascii(upper(__ch)) - 64, 1)"
_SOUNDEX = (
    "CASE WHEN __s = '' THEN '' "
    "WHEN NOT regexp_matches(left(__s, 1), '^[A-Za-z]$') THEN __s "
    "ELSE rpad(list_reduce(string_split(substr(__s, 2), ''), lambda acc, ch: "
    "CASE WHEN length(acc.out) >= 4 THEN acc "
    "WHEN NOT regexp_matches(ch, '^[A-Za-z]$') THEN {'out': acc.out, 'last': '0'} "
    "WHEN __code = '7' THEN acc "
    "WHEN __code <> '0' AND __code <> acc.last THEN {'out': acc.out || __code, 'last': __code} "
    "ELSE {'out': acc.out, 'last': __code} END, "
    "{'out': upper(left(__s, 1)), 'last': __first}).out, 4, '0') END"
)


def soundex(node: exp.Expression) -> exp.Expression:
    """soundex(str) as Spark computes it; a first character that is not a letter returns str."""
    code = template(_SOUNDEX_CODE, ch=exp.column("ch"))
    first = template(_SOUNDEX_CODE, ch=template("left(__s, 1)", s=node.this))
    return template(_SOUNDEX, s=node.this, code=code, first=first)


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# conv: the digits read in base __f up to the first one that is not a digit of that base
# (Spark stops there), as an unsigned 64-bit value; a '-' makes it two's complement unless the
# target base is negative (then the result is signed).
_CONV_DIGITS = (
    f"list_transform(string_split(upper(ltrim(CAST(__n AS VARCHAR), '-')), ''), "
    f"lambda c: position(c IN '{_DIGITS}') - 1)"
)
_CONV_VALUE = (
    "list_reduce(coalesce(__d[1:list_position(list_transform(__d, "
    "lambda x: x < 0 OR x >= abs(__f)), true) - 1], __d), "
    "lambda acc, x: acc * abs(__f) + x, CAST(0 AS HUGEINT))"
)
_CONV_TEXT = (
    "list_reduce(range(64), lambda acc, k: CASE WHEN acc.v = 0 THEN acc ELSE "
    f"{{'v': acc.v // abs(__t), 's': substr('{_DIGITS}', CAST(acc.v % abs(__t) AS INTEGER) + 1, 1)"
    " || acc.s} END, {'v': __v, 's': ''}).s"
)


def conv(number: exp.Expression, from_base: exp.Expression, to_base: exp.Expression):
    """conv(num, fromBase, toBase) as Spark's NumberConverter: an unsigned 64-bit value ('-'
    is two's complement), read as signed when toBase is negative; NULL for fromBase outside
    2..36 or toBase outside ±2..36; past 2^64 - 1 is ARITHMETIC_OVERFLOW (ANSI mode)."""
    digits = template(_CONV_DIGITS, n=number)
    magnitude = template(_CONV_VALUE, d=digits, f=from_base)
    negative = template("starts_with(CAST(__n AS VARCHAR), '-')", n=number)
    overflow = raise_error(
        "ARITHMETIC_OVERFLOW",
        "22003",
        'Overflow in function conv(). If necessary set "ANSI_MODE" to "false" to bypass this '
        "error.",
    )
    unsigned = template(
        "CASE WHEN __m > 18446744073709551615 THEN __overflow "
        "WHEN __neg AND __m > 0 THEN 18446744073709551616 - __m ELSE __m END",
        m=magnitude,
        neg=negative,
        overflow=overflow,
    )
    signed_negative = template("__t < 0 AND __u >= 9223372036854775808", t=to_base, u=unsigned)
    shown = template(
        "CASE WHEN __sn THEN 18446744073709551616 - __u ELSE __u END",
        sn=signed_negative,
        u=unsigned,
    )
    text = template(_CONV_TEXT, v=shown, t=to_base)
    return template(
        "CASE WHEN __f NOT BETWEEN 2 AND 36 OR abs(__t) NOT BETWEEN 2 AND 36 THEN NULL "
        "WHEN CAST(__n AS VARCHAR) IN ('', '-') THEN NULL "
        "ELSE CASE WHEN __sn THEN '-' ELSE '' END "
        "|| CASE WHEN __text = '' THEN '0' ELSE __text END END",
        f=from_base,
        t=to_base,
        n=number,
        sn=signed_negative,
        text=text,
    )

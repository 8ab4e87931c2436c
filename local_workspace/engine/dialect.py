"""The Databricks dialect the engine parses with: sqlglot's, with Spark's datetime patterns read
more completely (quoted literal text such as ``'T'``, milliseconds ``SSS``, nanoseconds, ``DDD``).

sqlglot converts a pattern to strftime while parsing (``date_format``, ``to_timestamp``,
``to_date``, ``unix_timestamp``, ``from_unixtime``); its own mapping keeps quotes and ``SSS`` as
text, so ``"yyyy-MM-dd'T'HH:mm:ss.SSS"`` came out with quotes and a literal ``SSS``.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.databricks import Databricks
from sqlglot.time import format_time

from local_workspace.engine.errors import SqlError


class LocalDatabricks(Databricks):
    TIME_MAPPING = {
        **Databricks.TIME_MAPPING,
        "SSS": "%g",
        "SSSSSSSSS": "%n",
        "DDD": "%j",
    }

    @classmethod
    def format_time(cls, expression: str | exp.Expression | None) -> exp.Expression | None:
        if isinstance(expression, str):
            return exp.Literal.string(cls.strftime(expression[1:-1]))
        if isinstance(expression, exp.Literal) and expression.is_string:
            return exp.Literal.string(cls.strftime(expression.this))
        return expression

    @classmethod
    def strftime(cls, pattern: str) -> str:
        """A Spark datetime pattern as strftime: quoted text ('' is a quote) stays literal."""
        out: list[str] = []
        letters, index = [], 0
        while index < len(pattern):
            char = pattern[index]
            if char != "'":
                letters.append(char)
                index += 1
                continue
            out.append(cls._letters("".join(letters)))
            letters = []
            if pattern.startswith("''", index):
                out.append("'")
                index += 2
                continue
            end = index + 1
            text: list[str] = []
            while end < len(pattern):
                if pattern.startswith("''", end):
                    text.append("'")
                    end += 2
                elif pattern[end] == "'":
                    break
                else:
                    text.append(pattern[end])
                    end += 1
            out.append("".join(text).replace("%", "%%"))
            index = end + 1
        out.append(cls._letters("".join(letters)))
        return "".join(out)

    @classmethod
    def _letters(cls, text: str) -> str:
        if not text:
            return ""
        converted = format_time(text.replace("%", "%%"), cls.TIME_MAPPING, cls.TIME_TRIE) or ""
        left = re.findall(r"[A-Za-z]+", re.sub(r"%-?[A-Za-z%]|strict", "", converted))
        if left:
            _refuse(left[0])
        return converted


# Pattern letters Spark documents; any other unquoted letter makes the pattern invalid.
_SPARK_LETTERS = set("GyDMLdQqEFahKkHmsSVzOXxZ")


def _refuse(letters: str) -> None:
    if letters[0] not in _SPARK_LETTERS or (letters[0] in "Qq" and len(letters) > 4):
        raise SqlError(
            "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER",
            "22007",
            f"Illegal pattern character found in datetime pattern: {letters}.",
        )
    raise SqlError(
        "UNSUPPORTED_FEATURE",
        "0A000",
        f"The local workspace does not support the datetime pattern letters '{letters}'.",
    )


DIALECT = LocalDatabricks

"""Split SQL text into statements and route the ones sqlglot cannot parse as Databricks does.

Statements are recognised by sqlglot's own Databricks tokens (never regex over SQL text):
DESCRIBE [TABLE|DETAIL|HISTORY|SCHEMA|CATALOG], SHOW ..., VACUUM, ALTER TABLE ... UNSET
TBLPROPERTIES, DROP CATALOG. Everything else goes to sqlglot's parser (``route`` returns None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot.dialects.databricks import Databricks
from sqlglot.tokens import Token, TokenType

from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter, StatementResult

if TYPE_CHECKING:
    from local_workspace.engine.session import EngineSession

_NAME_TOKENS = (TokenType.VAR, TokenType.IDENTIFIER)


def split(sql: str) -> list[str]:
    """The statements of ``sql`` (split at top-level semicolon tokens), blank ones dropped."""
    tokens = Databricks().tokenize(sql)
    parts, start = [], 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            parts.append(sql[start : token.start])
            start = token.end + 1
    parts.append(sql[start:])
    return [p for p in parts if p.strip()]


def tokenize(text: str) -> list[Token]:
    """Databricks tokens; for statements sqlglot treats as opaque commands (SHOW, VACUUM, ...)
    the rest of the statement is tokenized too instead of kept as one string."""
    dialect = Databricks()
    tokens = dialect.tokenize(text)
    if len(tokens) >= 2 and tokens[0].token_type in dialect.tokenizer_class.COMMANDS:
        tokens = [tokens[0], *dialect.tokenize(text[tokens[0].end + 1 :])]
    return tokens


@dataclass
class Words:
    """A cursor over a statement's tokens."""

    tokens: list[Token]
    at: int = 0

    def peek(self, offset: int = 0) -> str:
        i = self.at + offset
        if i >= len(self.tokens):
            return ""
        token = self.tokens[i]
        return (
            ""
            if token.token_type in (TokenType.STRING, TokenType.IDENTIFIER)
            else (token.text.upper())
        )

    def accept(self, *words: str) -> bool:
        if all(self.peek(i) == w for i, w in enumerate(words)):
            self.at += len(words)
            return True
        return False

    def done(self) -> bool:
        return self.at >= len(self.tokens)

    def name(self) -> list[str]:
        """A dotted name (`c`.`s`.`t`, c.s.t, or IDENTIFIER('c.s.t'))."""
        if self.peek() == "IDENTIFIER" and self.peek(1) == "(":
            text = self.tokens[self.at + 2].text
            self.at += 4
            return [p.strip("`") for p in text.split(".")]
        parts = []
        while not self.done():
            token = self.tokens[self.at]
            if token.token_type not in _NAME_TOKENS and not token.text.isidentifier():
                break
            parts.append(token.text)
            self.at += 1
            if self.peek() != ".":
                break
            self.at += 1
        if not parts:
            raise syntax_error(self)
        return parts

    def string(self) -> str:
        token = self.tokens[self.at] if not self.done() else None
        if token is None or token.token_type != TokenType.STRING:
            raise syntax_error(self)
        self.at += 1
        return token.text

    def number(self) -> float:
        token = self.tokens[self.at] if not self.done() else None
        if token is None or token.token_type != TokenType.NUMBER:
            raise syntax_error(self)
        self.at += 1
        return float(token.text)

    def rest(self) -> list[Token]:
        rest, self.at = self.tokens[self.at :], len(self.tokens)
        return rest


def syntax_error(words: Words) -> SqlError:
    near = words.tokens[words.at].text if not words.done() else "end of input"
    return SqlError("PARSE_SYNTAX_ERROR", "42601", f"Syntax error at or near '{near}'.")


def route(
    session: EngineSession, text: str, parameters: Sequence[Parameter]
) -> StatementResult | None:
    """Run ``text`` if it is a statement this router owns, else None."""
    from local_workspace.engine import metadata

    words = Words(tokenize(text))
    head = words.peek()
    if head in ("DESCRIBE", "DESC"):
        words.at += 1
        return metadata.describe(session, words)
    if head == "SHOW":
        words.at += 1
        return metadata.show(session, words)
    if head == "VACUUM":
        words.at += 1
        return metadata.vacuum(session, words)
    if words.accept("ALTER", "TABLE"):
        return metadata.alter_unset(session, words)
    if words.accept("DROP", "CATALOG"):
        return metadata.drop_catalog(session, words)
    words.at = 0
    if words.accept("CREATE", "OR", "REFRESH", "STREAMING", "TABLE") or words.accept(
        "CREATE", "STREAMING", "TABLE"
    ):
        return metadata.create_streaming_table(session, text, words, parameters)
    return None

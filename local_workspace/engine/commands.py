"""Statements sqlglot keeps as ``exp.Command``: CREATE CATALOG, SET TIME ZONE.

Read with sqlglot's own Databricks tokenizer (never regex over SQL text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.dialects.databricks import Databricks
from sqlglot.tokens import Token, TokenType

from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import StatementResult
from local_workspace.engine.results import empty_result

if TYPE_CHECKING:
    from local_workspace.engine.session import EngineSession

TIME_ZONE_KEYS = {"spark.sql.session.timezone", "timezone"}


def run(session: EngineSession, command: exp.Command) -> StatementResult:
    """Execute a statement that sqlglot parsed only as a Command."""
    head = command.name.upper()
    tokens = Databricks().tokenize(_text(command.expression))
    words = [t.text.upper() for t in tokens]
    if head == "CREATE" and words[:1] == ["CATALOG"]:
        return _create_catalog(session, tokens[1:])
    if head == "SET" and words[:2] == ["TIME", "ZONE"]:
        return _set_time_zone(session, tokens[2:])
    raise SqlError(
        "UNSUPPORTED_FEATURE",
        "0A000",
        f"The local workspace does not support `{head} {' '.join(words[:2])}` statements yet.",
    )


def _text(node: exp.Expression | str | None) -> str:
    # The remainder of the statement, kept as raw text by sqlglot.
    return node.name if isinstance(node, exp.Expression) else (node or "")


def _create_catalog(session: EngineSession, tokens: list[Token]) -> StatementResult:
    words = [t.text.upper() for t in tokens]
    if_not_exists = words[:3] == ["IF", "NOT", "EXISTS"]
    rest = tokens[3:] if if_not_exists else tokens
    if len(rest) < 1 or rest[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        raise SqlError("PARSE_SYNTAX_ERROR", "42601", "Syntax error: CREATE CATALOG needs a name.")
    # Anything after the name (COMMENT, MANAGED LOCATION, ...) has no meaning locally.
    session.catalogs.create(rest[0].text, if_not_exists=if_not_exists)
    return empty_result()


def _set_time_zone(session: EngineSession, tokens: list[Token]) -> StatementResult:
    if len(tokens) == 1 and tokens[0].text.upper() == "LOCAL":
        session.set_time_zone("Etc/UTC")
    elif len(tokens) == 1 and tokens[0].token_type == TokenType.STRING:
        session.set_time_zone(tokens[0].text)
    else:
        raise SqlError(
            "UNSUPPORTED_FEATURE",
            "0A000",
            "SET TIME ZONE accepts LOCAL or a region name such as 'America/New_York' locally.",
        )
    return empty_result()


def apply_conf(session: EngineSession, key: str, value: str) -> None:
    """SET key = value: the time zone takes effect; other keys are remembered only."""
    if key.lower() in TIME_ZONE_KEYS:
        session.set_time_zone(value)
    session.conf[key] = value

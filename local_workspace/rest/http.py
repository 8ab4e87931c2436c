"""Request helpers shared by the REST families: bodies, parameters, JSON replies.

Missing or malformed inputs become ``INVALID_PARAMETER_VALUE`` (HTTP 400), as on Databricks.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from local_workspace.rest.errors import ApiError


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; form-encoded bodies are accepted too (older 1.2 clients)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise ApiError("MALFORMED_REQUEST", f"Invalid JSON in request body: {error}") from error
    if not isinstance(body, dict):
        raise ApiError("MALFORMED_REQUEST", "The request body must be a JSON object")
    return body


def required(values: dict[str, Any] | Any, name: str) -> str:
    """``values[name]`` as a non-empty string (a query mapping or a JSON body)."""
    value = values.get(name)
    if value is None or value == "":
        raise ApiError("INVALID_PARAMETER_VALUE", f"Missing required field: {name}")
    return str(value)


def flag(value: Any) -> bool:
    """A boolean from JSON (true) or a query/form string ("true")."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def integer(values: dict[str, Any] | Any, name: str, default: int) -> int:
    value = values.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError("INVALID_PARAMETER_VALUE", f"{name} must be an integer") from None


def wire(shape: Any) -> dict[str, Any]:
    """A wire dataclass as JSON: fields that are None are omitted, as Databricks does."""
    return {k: v for k, v in dataclasses.asdict(shape).items() if v is not None}


def reply(body: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({} if body is None else body, headers=headers)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: text that no UTF-8 can carry (a lone
    surrogate in a command's output) still goes out, as the escape Python's json writes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")

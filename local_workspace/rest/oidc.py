"""The workspace's OAuth endpoints: discovery and the client-credentials token endpoint.

Minimal OAuth M2M: a service principal listed in ``service_principals.json`` exchanges its
client id and secret for a short-lived opaque access token. Errors here follow OAuth (RFC 6749
§5.2, ``{"error", "error_description"}``), not Databricks' REST shape: OAuth clients, the SDK
included, parse that shape from a token endpoint.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.auth import TokenStore
from local_workspace.rest.well_known import base_url

TOKEN_LIFETIME_SECONDS = 3600
# Shorter lifetimes let tests prove that a client renews a token that expires mid-read.
LIFETIME_VARIABLE = "LOCAL_WORKSPACE_TOKEN_LIFETIME_SECONDS"


def token_lifetime() -> int:
    """Seconds an issued OAuth token stays valid (LOCAL_WORKSPACE_TOKEN_LIFETIME_SECONDS)."""
    return int(os.environ.get(LIFETIME_VARIABLE, TOKEN_LIFETIME_SECONDS))


def oidc_routes(tokens: TokenStore, service_principals_file: Path) -> list[Route]:
    async def discovery(request: Request) -> JSONResponse:
        root = f"{base_url(request)}/oidc"
        return JSONResponse(
            {
                "issuer": root,
                "authorization_endpoint": f"{root}/v1/authorize",
                "token_endpoint": f"{root}/v1/token",
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    async def token(request: Request) -> JSONResponse:
        form = _form(await request.body())
        if form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", "only client_credentials is supported")
        client_id, secret = _client_credentials(request.headers.get("authorization"), form)
        if not _known_client(service_principals_file, client_id, secret):
            return _oauth_error("invalid_client", "Client authentication failed", status=401)
        lifetime = token_lifetime()
        return JSONResponse(
            {
                "access_token": tokens.issue(lifetime, f"{base_url(request)}/oidc", client_id),
                "token_type": "Bearer",
                "expires_in": lifetime,
                "scope": form.get("scope", "all-apis"),
            }
        )

    return [
        Route("/oidc/.well-known/oauth-authorization-server", discovery, methods=["GET"]),
        Route("/oidc/v1/token", token, methods=["POST"]),
    ]


def _form(body: bytes) -> dict[str, str]:
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _client_credentials(header: str | None, form: dict[str, str]) -> tuple[str, str]:
    """From HTTP Basic (client_secret_basic) if present, else the form (client_secret_post)."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _known_client(file: Path, client_id: str, secret: str) -> bool:
    if not client_id or not secret:
        return False
    for principal in _service_principals(file):
        if principal.get("client_id") == client_id:
            expected = str(principal.get("client_secret", ""))
            return hmac.compare_digest(expected.encode(), secret.encode())
    return False


def _service_principals(file: Path) -> list[dict]:
    # Read per request: the file is tiny, and principals may be added while the server runs.
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)

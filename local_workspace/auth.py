"""Bearer-token authentication for every request except the few public discovery endpoints.

Accepted tokens: the workspace's personal access token (from the data dir) and access tokens the
OIDC token endpoint issued to service principals. Like Databricks: no token → 401
``UNAUTHENTICATED``, a token that is not valid → 403 ``PERMISSION_DENIED``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from local_workspace.rest.errors import ApiError, error_response, is_thrift_request

# (method, path) pairs anyone may call: the SDK probes them before it has credentials.
PUBLIC_ENDPOINTS = frozenset(
    {
        ("GET", "/.well-known/databricks-config"),
        ("GET", "/oidc/.well-known/oauth-authorization-server"),
        ("POST", "/oidc/v1/token"),
    }
)


class TokenStore:
    """The tokens the server accepts; thread-safe."""

    def __init__(self, personal_access_token: str) -> None:
        self._pat = personal_access_token.encode("utf-8")
        self._issued: dict[bytes, float] = {}  # sha256(token) -> expiry (monotonic)
        self._lock = threading.Lock()
        self._signing_key = secrets.token_bytes(32)

    def is_valid(self, token: str) -> bool:
        candidate = token.encode("utf-8")
        if hmac.compare_digest(candidate, self._pat):
            return True
        with self._lock:
            expiry = self._issued.get(hashlib.sha256(candidate).digest())
        return expiry is not None and expiry > time.monotonic()

    def issue(self, lifetime_seconds: int, issuer: str, subject: str) -> str:
        """A new access token valid for ``lifetime_seconds``: a signed JWT, as Databricks issues.

        Clients read its ``exp`` claim (the SQL client caches a token it cannot decode for an
        hour), so a token's lifetime here drives their renewal as on a real workspace.
        """
        now = int(time.time())
        claims = {"iss": issuer, "sub": subject, "iat": now, "exp": now + lifetime_seconds}
        token = _signed_jwt(claims, self._signing_key)
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        with self._lock:
            self._issued[digest] = time.monotonic() + lifetime_seconds
        return token


def check_authorization(header: str | None, tokens: TokenStore) -> ApiError | None:
    """The error to answer for this Authorization header, or None when it is accepted."""
    if not header:
        return ApiError("UNAUTHENTICATED", "Authorization header is missing: send a bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ApiError("UNAUTHENTICATED", "Authorization must be 'Bearer <token>'")
    if not tokens.is_valid(token.strip()):
        return ApiError("PERMISSION_DENIED", "Invalid access token")
    return None


class BearerAuthMiddleware:
    """ASGI middleware rejecting HTTP requests without a valid bearer token."""

    def __init__(self, app: ASGIApp, tokens: TokenStore) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in PUBLIC_ENDPOINTS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        error = check_authorization(request.headers.get("authorization"), self.tokens)
        if error is None:
            await self.app(scope, receive, send)
            return
        response = error_response(error, thrift=is_thrift_request(request))
        await response(scope, receive, send)


def _signed_jwt(claims: dict, key: bytes) -> str:
    header = {"alg": "HS256", "typ": "JWT", "jti": secrets.token_hex(8)}
    signing_input = f"{_b64(json.dumps(header))}.{_b64(json.dumps(claims))}"
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _b64(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

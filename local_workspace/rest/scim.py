"""SCIM ``Me``: who the token belongs to, plus the workspace id header the SDK reads.

``w.current_user.me()`` reads ``userName``; ``w.get_workspace_id()`` and ``Config.sql_http_path``
(for clusters) read the ``X-Databricks-Org-Id`` response header.
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

USER_NAME_ENV = "LOCAL_WORKSPACE_USER_NAME"
DEFAULT_USER_NAME = "local.user@example.com"
USER_ID = "1000000000000001"


def user_name() -> str:
    """The one user of the local workspace (``LOCAL_WORKSPACE_USER_NAME`` to change it)."""
    return os.environ.get(USER_NAME_ENV, "").strip() or DEFAULT_USER_NAME


def me(name: str) -> dict:
    """The SCIM user resource of ``name``."""
    given = name.split("@")[0]
    return {
        "id": USER_ID,
        "userName": name,
        "displayName": given,
        "active": True,
        "emails": [{"value": name, "type": "work", "primary": True}],
        "name": {"givenName": given, "familyName": ""},
        "groups": [{"display": "admins", "value": "1", "$ref": "Groups/1"}],
        "entitlements": [{"value": "workspace-access"}, {"value": "allow-cluster-create"}],
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    }


def scim_routes(workspace_id: str) -> list[Route]:
    """``GET /api/2.0/preview/scim/v2/Me``."""

    async def current_user(request: Request) -> JSONResponse:
        return JSONResponse(
            me(user_name()),
            headers={"X-Databricks-Org-Id": workspace_id},
        )

    return [Route("/api/2.0/preview/scim/v2/Me", current_user, methods=["GET"])]

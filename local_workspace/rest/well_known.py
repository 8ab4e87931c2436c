"""``GET /.well-known/databricks-config``: the host metadata databricks-sdk probes at start-up.

Answered without authentication, as Databricks does. A 200 gives the SDK the workspace id (it then
sends ``X-Databricks-Workspace-Id``) and the OIDC root it uses for OAuth M2M.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def base_url(request: Request) -> str:
    """``https://host:port`` as the client addressed this server."""
    return str(request.base_url).rstrip("/")


def well_known_routes(workspace_id: str) -> list[Route]:
    async def databricks_config(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "workspace_id": workspace_id,
                "cloud": "aws",
                "oidc_endpoint": f"{base_url(request)}/oidc",
            }
        )

    return [Route("/.well-known/databricks-config", databricks_config, methods=["GET"])]

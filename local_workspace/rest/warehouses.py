"""SQL Warehouses API 2.0: ``get``, ``list``, ``start``, ``stop`` of the one local warehouse.

The wire shape (``EndpointInfo`` / ``GetWarehouseResponse``) carries the fields databricks-sdk
reads; ``odbc_params`` points at this server's SQL endpoint. The life cycle lives in
``local_workspace.sql.warehouse``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import reply, wire
from local_workspace.sql.endpoint import http_path
from local_workspace.sql.warehouse import RUNNING, STARTING, Warehouse

PREFIX = "/api/2.0/sql/warehouses"
CREATOR = "local.user@example.com"


@dataclass
class WarehouseInfo:
    """What ``GET /api/2.0/sql/warehouses/{id}`` returns (None fields are omitted)."""

    id: str
    name: str
    state: str
    cluster_size: str
    min_num_clusters: int
    max_num_clusters: int
    num_clusters: int
    num_active_sessions: int
    auto_stop_mins: int
    creator_name: str
    enable_photon: bool
    enable_serverless_compute: bool
    warehouse_type: str
    spot_instance_policy: str
    channel: dict
    tags: dict
    health: dict
    odbc_params: dict
    jdbc_url: str

    @classmethod
    def of(cls, warehouse: Warehouse, host: str, port: int, sessions: int) -> WarehouseInfo:
        state = warehouse.state
        path = http_path(warehouse.id)
        return cls(
            id=warehouse.id,
            name=warehouse.name,
            state=state,
            cluster_size="2X-Small",
            min_num_clusters=1,
            max_num_clusters=1,
            num_clusters=1 if state in (STARTING, RUNNING) else 0,
            num_active_sessions=sessions,
            auto_stop_mins=0,  # the local warehouse never stops by itself
            creator_name=CREATOR,
            enable_photon=True,
            enable_serverless_compute=False,
            warehouse_type="PRO",
            spot_instance_policy="COST_OPTIMIZED",
            channel={"name": "CHANNEL_NAME_CURRENT"},
            tags={},
            health=_health(state),
            odbc_params={"hostname": host, "path": path, "port": port, "protocol": "https"},
            jdbc_url=(
                f"jdbc:spark://{host}:{port}/default;transportMode=http;ssl=1;AuthMech=3;"
                f"httpPath={path};"
            ),
        )


def _health(state: str) -> dict:
    if state == STARTING:
        return {"status": "HEALTHY", "summary": "Starting the local SQL warehouse"}
    return {"status": "HEALTHY"}


def warehouse_api_routes(sql) -> list[Route]:
    """The API over the SQL handler's warehouse (none for a handler without one)."""
    if getattr(sql, "warehouse", None) is None:
        return []
    return warehouse_routes(sql.warehouse, sql.registry.session_count)


def warehouse_routes(warehouse: Warehouse, sessions: Callable[[], int]) -> list[Route]:
    """The SQL Warehouses API routes for ``warehouse``; ``sessions()`` counts open sessions."""

    def info(request: Request) -> dict:
        host, port = request.url.hostname or "127.0.0.1", request.url.port or 443
        return wire(WarehouseInfo.of(warehouse, host, port, sessions()))

    def require(request: Request) -> None:
        requested = request.path_params["id"]
        if requested != warehouse.id:
            raise ApiError(
                "RESOURCE_DOES_NOT_EXIST",
                f"SQL warehouse {requested} does not exist (this workspace has {warehouse.id})",
            )

    async def list_(request: Request) -> JSONResponse:
        return reply({"warehouses": [info(request)]})

    async def get(request: Request) -> JSONResponse:
        require(request)
        return reply(info(request))

    async def start(request: Request) -> JSONResponse:
        require(request)
        warehouse.start()
        return reply()

    async def stop(request: Request) -> JSONResponse:
        require(request)
        await run_in_threadpool(warehouse.stop)  # ends the sessions, which may take a moment
        return reply()

    return [
        Route(PREFIX, list_, methods=["GET"]),
        Route(PREFIX + "/{id}", get, methods=["GET"]),
        Route(PREFIX + "/{id}/start", start, methods=["POST"]),
        Route(PREFIX + "/{id}/stop", stop, methods=["POST"]),
    ]

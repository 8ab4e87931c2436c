"""Local-only admin routes (``/local/…``, bearer token required): fault switches, SQL status.

``GET /local/faults``     armed faults and injection counts:
                          ``{"faults": [...], "injected": {"unavailable": 2}, "total": 2}``
``POST /local/faults``    arm faults: one fault object, or ``{"faults": [...]}``; replies as GET
``DELETE /local/faults``  disarm every fault (counts stay)

``GET /local/sql``       open SQL sessions and operations: ``{"sessions": 2, "operations": 3}``

A fault object is ``{"kind": "unavailable", "rpc": "ExecuteStatement", "count": 2}``; see
``local_workspace.faults`` for the kinds and their options.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.faults import Fault, Faults, FaultSpecError, parse_fault
from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import json_body, reply

FAULTS_PATH = "/local/faults"
SQL_STATUS_PATH = "/local/sql"


def admin_routes(faults: Faults, sql) -> list[Route]:
    """Every ``/local/`` route: faults, and the SQL handler's status."""

    async def sql_status(request: Request) -> JSONResponse:
        return reply(sql.registry.counts())

    return [*fault_routes(faults), Route(SQL_STATUS_PATH, sql_status, methods=["GET"])]


def fault_routes(faults: Faults) -> list[Route]:
    """The admin routes over ``faults``."""

    async def endpoint(request: Request) -> JSONResponse:
        if request.method == "POST":
            for fault in _parse(await json_body(request)):
                faults.add(fault)
        elif request.method == "DELETE":
            faults.clear()
        return reply(faults.snapshot())

    return [Route(FAULTS_PATH, endpoint, methods=["GET", "POST", "DELETE"])]


def _parse(body: dict) -> list[Fault]:
    specs = body.get("faults", [body])
    if not isinstance(specs, list):
        raise ApiError("INVALID_PARAMETER_VALUE", "faults must be a list of fault objects")
    try:
        return [parse_fault(spec) for spec in specs]
    except FaultSpecError as error:
        raise ApiError("INVALID_PARAMETER_VALUE", str(error)) from error

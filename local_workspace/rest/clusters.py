"""Clusters API 2.1: ``get``, ``list``, ``start``, ``restart``, ``delete`` (terminate), ``events``.

The wire shape (``ClusterDetails``) carries the fields databricks-sdk reads; the life cycle lives
in ``cluster_registry``.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.rest.cluster_registry import Cluster, ClusterRegistry
from local_workspace.rest.http import json_body, reply, required, wire
from local_workspace.rest.scim import user_name

SPARK_VERSION = "15.4.x-scala2.12"
NODE_TYPE = "local"
_STATE_MESSAGES = {
    "PENDING": "Starting Spark",
    "RESTARTING": "Restarting Spark",
    "TERMINATING": "Terminating",
}


@dataclass
class ClusterDetails:
    """What ``GET clusters/get`` returns (epoch ms timestamps; None fields are omitted)."""

    cluster_id: str
    cluster_name: str
    state: str
    state_message: str
    cluster_source: str
    spark_version: str
    node_type_id: str
    driver_node_type_id: str
    num_workers: int
    creator_user_name: str
    single_user_name: str
    data_security_mode: str
    autotermination_minutes: int
    start_time: int
    spark_conf: dict
    custom_tags: dict
    default_tags: dict
    cluster_memory_mb: int
    cluster_cores: float
    is_single_node: bool
    terminated_time: int | None = None
    last_restarted_time: int | None = None
    termination_reason: dict | None = None

    @classmethod
    def of(cls, cluster: Cluster) -> ClusterDetails:
        user = user_name()
        return cls(
            cluster_id=cluster.cluster_id,
            cluster_name=cluster.cluster_name,
            state=cluster.state,
            state_message=cluster.failure or _STATE_MESSAGES.get(cluster.state, ""),
            cluster_source=cluster.cluster_source,
            spark_version=SPARK_VERSION,
            node_type_id=NODE_TYPE,
            driver_node_type_id=NODE_TYPE,
            num_workers=0,
            creator_user_name=user,
            single_user_name=user,
            data_security_mode="SINGLE_USER",
            autotermination_minutes=0 if cluster.is_job_cluster else 120,
            start_time=cluster.start_time,
            spark_conf={"spark.master": "local[*, 4]"},
            custom_tags={"ResourceClass": "SingleNode"},
            default_tags=_default_tags(cluster, user),
            cluster_memory_mb=8192,
            cluster_cores=4.0,
            is_single_node=True,
            terminated_time=cluster.terminated_time,
            last_restarted_time=cluster.last_restarted_time,
            termination_reason=_termination_reason(cluster),
        )


def _default_tags(cluster: Cluster, user: str) -> dict:
    return {
        "Vendor": "Databricks",
        "Creator": user,
        "ClusterName": cluster.cluster_name,
        "ClusterId": cluster.cluster_id,
    }


def _termination_reason(cluster: Cluster) -> dict | None:
    if cluster.termination_code is None:
        return None
    success = cluster.termination_code in ("USER_REQUEST", "INACTIVITY")
    kind = "SUCCESS" if success else "SERVICE_FAULT"  # compute.TerminationReasonType
    return {"code": cluster.termination_code, "type": kind, "parameters": {}}


def cluster_routes(registry: ClusterRegistry) -> list[Route]:
    """The Clusters API 2.1 routes over ``registry``."""

    async def get(request: Request) -> JSONResponse:
        cluster = registry.get(required(request.query_params, "cluster_id"))
        return reply(wire(ClusterDetails.of(cluster)))

    async def list_(request: Request) -> JSONResponse:
        states = set(request.query_params.getlist("filter_by.cluster_states"))
        sources = set(request.query_params.getlist("filter_by.cluster_sources"))
        clusters = [
            wire(ClusterDetails.of(c))
            for c in registry.all()
            if (not states or c.state in states) and (not sources or c.cluster_source in sources)
        ]
        return reply({"clusters": clusters, "next_page_token": "", "prev_page_token": ""})

    async def events(request: Request) -> JSONResponse:
        body = await json_body(request)
        registry.get(required(body, "cluster_id"))
        return reply({"events": [], "total_count": 0})

    return [
        Route("/api/2.1/clusters/get", get, methods=["GET"]),
        Route("/api/2.1/clusters/list", list_, methods=["GET"]),
        _action("start", registry.start),
        _action("restart", registry.restart),
        _action("delete", registry.terminate),
        Route("/api/2.1/clusters/events", events, methods=["POST"]),
    ]


def _action(name: str, act) -> Route:
    async def endpoint(request: Request) -> JSONResponse:
        act(required(await json_body(request), "cluster_id"))
        return reply()

    return Route(f"/api/2.1/clusters/{name}", endpoint, methods=["POST"])

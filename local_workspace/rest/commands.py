"""Command Execution API 1.2: execution contexts and the commands run in them.

Wire fields are camelCase. A command that fails in user code is ``Finished`` with an ``error``
result, as on Databricks (the SDK's waiter treats ``Cancelled`` as a failure). ``status`` waits
up to ``STATUS_WAIT_SECONDS`` for a running command to end: a shortcut that saves clients a
poll round (the SDK sleeps ~1 s between polls), invisible otherwise.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.contexts.context import Command, ExecutionContext
from local_workspace.rest.compute import Compute
from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import AsciiJSONResponse, json_body, reply, required

LANGUAGES = ("python", "sql")
STATUS_WAIT_SECONDS = 0.2


def command_routes(compute: Compute) -> list[Route]:
    """The ``/api/1.2/contexts/*`` and ``/api/1.2/commands/*`` routes."""
    api = _CommandApi(compute)
    return [
        Route("/api/1.2/contexts/create", api.create_context, methods=["POST"]),
        Route("/api/1.2/contexts/status", api.context_status, methods=["GET"]),
        Route("/api/1.2/contexts/destroy", api.destroy_context, methods=["POST"]),
        Route("/api/1.2/commands/execute", api.execute, methods=["POST"]),
        Route("/api/1.2/commands/status", api.command_status, methods=["GET"]),
        Route("/api/1.2/commands/cancel", api.cancel, methods=["POST"]),
    ]


class _CommandApi:
    def __init__(self, compute: Compute) -> None:
        self.clusters, self.contexts = compute.clusters, compute.contexts

    async def create_context(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        cluster = self.clusters.require_running(required(body, "clusterId"))
        _language(body.get("language") or "python")
        if cluster.is_job_cluster:
            raise ApiError(
                "INVALID_PARAMETER_VALUE",
                f"Cluster {cluster.cluster_id} is a job cluster: execution contexts can only be "
                "created on all-purpose clusters",
            )
        context = await run_in_threadpool(self.contexts.create, cluster.cluster_id)
        return reply({"id": context.id})

    async def context_status(self, request: Request) -> JSONResponse:
        context = self._context(request.query_params)
        return reply({"id": context.id, "status": context.status})

    async def destroy_context(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        context = self._context(body)
        await run_in_threadpool(self.contexts.destroy, context.id)
        return reply({"id": context.id})

    async def execute(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        context = self._context(body)
        self.clusters.require_running(context.cluster_id)
        language = _language(body.get("language") or "python")
        command = context.submit(language, str(body.get("command") or ""))
        return reply({"id": command.id})

    async def command_status(self, request: Request) -> JSONResponse:
        command = self._command(request.query_params)
        if not command.done.is_set():
            await run_in_threadpool(command.done.wait, STATUS_WAIT_SECONDS)
        return AsciiJSONResponse(_status(command))  # results hold whatever the code printed

    async def cancel(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        command = self._command(body)
        context = self._context(body)
        await run_in_threadpool(context.cancel, command)
        return reply({"id": command.id})

    def _context(self, values) -> ExecutionContext:
        self.clusters.get(required(values, "clusterId"))
        context_id = required(values, "contextId")
        context = self.contexts.get(context_id)
        if context is None or context.cluster_id != values.get("clusterId"):
            raise ApiError("RESOURCE_DOES_NOT_EXIST", f"Context {context_id} does not exist")
        return context

    def _command(self, values) -> Command:
        command_id = required(values, "commandId")
        command = self._context(values).command(command_id)
        if command is None:
            raise ApiError("RESOURCE_DOES_NOT_EXIST", f"Command {command_id} does not exist")
        return command


def _language(language: str) -> str:
    if language.lower() not in LANGUAGES:
        raise ApiError(
            "INVALID_PARAMETER_VALUE",
            f"Language {language} is not supported by this cluster; supported languages: "
            + ", ".join(LANGUAGES),
        )
    return language.lower()


def _status(command: Command) -> dict:
    body = {"id": command.id, "status": command.status}
    if command.results is not None:
        body["results"] = {k: v for k, v in command.results.items() if v is not None}
    return body

"""The local workspace server: one HTTPS process on 127.0.0.1 speaking Databricks' protocols.

``build_app`` composes the routes (REST families, the SQL warehouse's Thrift endpoint) behind
bearer-token auth, and beside them the one tokenless route of Cloud Fetch result files (their
random ids are the credential, as presigned URLs are); ``serve`` prepares the data directory
(token, TLS, ids), runs uvicorn, and publishes ``server.json`` once connections are accepted
(removed again on shutdown).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Router
from starlette.types import ASGIApp, Receive, Scope, Send

from local_workspace.auth import BearerAuthMiddleware, TokenStore
from local_workspace.data_dir import DataDir, ServerInfo, process_exists
from local_workspace.engine import Engine
from local_workspace.fault_middleware import FaultMiddleware
from local_workspace.faults import Faults
from local_workspace.rest.clusters import cluster_routes
from local_workspace.rest.commands import command_routes
from local_workspace.rest.compute import Compute
from local_workspace.rest.dbfs import dbfs_routes
from local_workspace.rest.errors import EXCEPTION_HANDLERS, ApiError
from local_workspace.rest.file_roots import FileRoots
from local_workspace.rest.files import files_routes
from local_workspace.rest.local_admin import admin_routes, compute_admin_routes
from local_workspace.rest.oidc import oidc_routes
from local_workspace.rest.scim import scim_routes
from local_workspace.rest.warehouses import warehouse_api_routes
from local_workspace.rest.well_known import well_known_routes
from local_workspace.rest.workspace_files import workspace_routes
from local_workspace.serve_options import ServeOptions
from local_workspace.sql import cloud_fetch
from local_workspace.sql.cloud_fetch import ResultFiles, expire_route, result_file_route
from local_workspace.sql.endpoint import ThriftService, http_path, warehouse_route
from local_workspace.sql.handler import ThriftHandler
from local_workspace.sql.result_log import ResultLog, result_log_route
from local_workspace.sql.warehouse import RECORD_FILE, Warehouse
from local_workspace.tls import TlsFiles, ensure_tls

HOST = "127.0.0.1"  # never listen beyond this machine: it is a development server
DEFAULT_PORT = 8443
log = logging.getLogger(__name__)


@dataclass
class Workspace:
    """Everything the app serves from: identity, credentials, the SQL handler, compute."""

    data_dir: DataDir
    tokens: TokenStore
    warehouse_id: str
    workspace_id: str
    sql: ThriftHandler
    compute: Compute | None = None
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        if self.compute is None:  # app tests without an engine: contexts cannot be created
            self.compute = Compute.create(self.data_dir.path, _no_engine)

    @classmethod
    def open(
        cls, data_dir: DataDir, engine: Engine, options: ServeOptions | None = None, url: str = ""
    ) -> Workspace:
        """The workspace of ``data_dir`` (creating its token and ids on first use); ``url``
        (``https://host:port``) is where Cloud Fetch links point."""
        options = options or ServeOptions()
        files = ResultFiles(
            data_dir.path / cloud_fetch.DIRECTORY, options.cloud_fetch, ResultLog(), url
        )
        faults = Faults(list(options.faults))
        warehouse = Warehouse(
            data_dir.path / RECORD_FILE,
            data_dir.warehouse_id(),
            start_delay=lambda: faults.start_delay(options.warehouse_start_seconds),
        )
        return cls(
            data_dir=data_dir,
            tokens=TokenStore(data_dir.ensure_token()),
            warehouse_id=warehouse.id,
            workspace_id=data_dir.workspace_id(),
            sql=ThriftHandler(engine, warehouse, faults, options.idle, files=files),
            compute=Compute.create(data_dir.path, engine.open_session),
            faults=faults,
        )


def _no_engine():
    raise ApiError("TEMPORARILY_UNAVAILABLE", "this workspace has no SQL engine")


def build_app(workspace: Workspace) -> ASGIApp:
    """The ASGI app: Cloud Fetch files without a token; public discovery routes, then everything
    else behind bearer auth."""
    files = workspace.sql.registry.files
    routes = [
        *well_known_routes(workspace.workspace_id),
        *oidc_routes(workspace.tokens, workspace.data_dir.service_principals_file),
        warehouse_route(ThriftService(workspace.sql), workspace.warehouse_id),
        *scim_routes(workspace.workspace_id),
        *cluster_routes(workspace.compute.clusters),
        *command_routes(workspace.compute),
        *warehouse_api_routes(workspace.sql),
        *admin_routes(workspace.faults, workspace.sql),
        *compute_admin_routes(workspace.compute),
        result_log_route(workspace.sql.registry.results),
        *([expire_route(files)] if files else []),
        *workspace_routes(FileRoots(workspace.data_dir.path).workspace),
        *dbfs_routes(FileRoots(workspace.data_dir.path).dbfs),
        *files_routes(FileRoots(workspace.data_dir.path).volumes),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(BearerAuthMiddleware, tokens=workspace.tokens),
            Middleware(FaultMiddleware, faults=workspace.faults),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    if files is None:
        return app
    # Faults with a path (``unavailable``, ``drop_connection``) reach file downloads too.
    downloads = FaultMiddleware(Router([result_file_route(files)]), faults=workspace.faults)
    return _WithResultFiles(app, downloads)


class _WithResultFiles:
    """Requests under ``/cloud-fetch/`` go to the result files, tokenless; the rest to ``app``."""

    def __init__(self, app: ASGIApp, files: ASGIApp) -> None:
        self.app, self.files = app, files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        public = scope["type"] == "http" and scope["path"].startswith(cloud_fetch.PATH_PREFIX)
        await (self.files if public else self.app)(scope, receive, send)


def serve(
    data_dir: DataDir,
    port: int = DEFAULT_PORT,
    out: TextIO = sys.stdout,
    engine_factory: Callable[[Path], Engine] | None = None,
    options: ServeOptions | None = None,
) -> None:
    """Run the server until SIGINT/SIGTERM; blocks. ``engine_factory`` defaults to ``Engine``.

    Raises StartupError when the data dir is already served or the port cannot be bound.
    """
    data_dir.ensure()
    _refuse_if_running(data_dir)
    tls = ensure_tls(data_dir)
    sock = _bind(port)
    engine = (engine_factory or Engine)(data_dir.path)
    url = f"https://{HOST}:{sock.getsockname()[1]}"
    workspace = Workspace.open(data_dir, engine, options, url)
    info = ServerInfo(
        host=HOST,
        port=sock.getsockname()[1],
        pid=os.getpid(),
        http_path=http_path(workspace.warehouse_id),
        warehouse_id=workspace.warehouse_id,
    )
    app = build_app(workspace)
    server = _Server(_uvicorn_config(app, tls), on_ready=lambda: _ready(data_dir, info, out))
    try:
        _run_until_signal(server, sock)
    finally:
        data_dir.remove_server_info()
        workspace.compute.close()
        workspace.sql.close()
        if workspace.sql.registry.files is not None:
            workspace.sql.registry.files.close()
        engine.close()
        print("local workspace stopped", file=out, flush=True)


class _Server(uvicorn.Server):
    """uvicorn's server, telling us when it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self._on_ready()


def _uvicorn_config(app: Starlette, tls: TlsFiles) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        ssl_certfile=str(tls.server_cert),
        ssl_keyfile=str(tls.server_key),
        log_config=None,  # logging is configured by the CLI
        access_log=False,
        # The SQL client pools keep-alive connections for its whole session; closing idle ones
        # early makes it retry requests on dead sockets.
        timeout_keep_alive=600,
        timeout_graceful_shutdown=2,  # idle TLS keep-alives otherwise hold shutdown up
    )


class StartupError(Exception):
    """The server cannot start; the message says why and what to do."""


def _refuse_if_running(data_dir: DataDir) -> None:
    info = data_dir.read_server_info()
    if info is not None and _process_exists(info.pid):
        raise StartupError(
            f"a local workspace already serves {data_dir} (pid {info.pid}, {info.url}); "
            "stop it first or use another --data-dir"
        )


def _process_exists(pid: int) -> bool:
    return pid != os.getpid() and process_exists(pid)


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    try:
        sock.bind((HOST, port))  # port 0: the OS picks a free one, published in server.json
    except OSError as error:
        sock.close()
        raise StartupError(
            f"cannot listen on {HOST}:{port}: {error.strerror}; try --port 0"
        ) from error
    return sock


def _run_until_signal(server: _Server, sock: socket.socket) -> None:
    # uvicorn handles SIGINT/SIGTERM (graceful shutdown) and re-raises them afterwards with the
    # handlers found at start; no-op ones let us clean up and exit 0 instead of dying mid-way.
    previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ignore(signum: int, frame: object) -> None:
    pass


def _ready(data_dir: DataDir, info: ServerInfo, out: TextIO) -> None:
    data_dir.write_server_info(info)
    lines = [
        f"local workspace: listening on {info.url}",
        f"  token file:              {data_dir.token_file}",
        f"  CA bundle:               {data_dir.ca_file}",
        f"  SQL warehouse http_path: {info.http_path}",
        f"  server info:             {data_dir.server_json}",
    ]
    print("\n".join(lines), file=out, flush=True)

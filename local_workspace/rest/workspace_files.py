"""Workspace API 2.0: import, export, list, get-status, mkdirs, delete.

Import rules, as on Databricks: ``SOURCE`` (the default) with a language makes a NOTEBOOK and
drops a matching extension (``/p/nb.py`` → ``/p/nb``); ``AUTO`` makes a notebook only of a
source file starting with the ``Databricks notebook source`` header, else a workspace FILE;
``RAW`` always makes a FILE. Content is limited to 10 MB. Both the JSON body (base64
``content``) and the SDK's multipart form (raw ``content`` part) are accepted.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import flag, json_body, reply, required, wire
from local_workspace.rest.multipart import parse_form
from local_workspace.rest.scim import user_name
from local_workspace.rest.workspace_tree import (
    HEADERS,
    LANGUAGES,
    WorkspaceObject,
    WorkspaceTree,
    normalize,
)

MAX_IMPORT_BYTES = 10 * 1024 * 1024
_EXTENSIONS = {".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R"}


@dataclass
class ObjectInfo:
    """``get-status`` / ``list`` entries (epoch ms times; None fields omitted)."""

    path: str
    object_type: str
    object_id: int
    resource_id: str
    created_at: int
    modified_at: int
    size: int | None = None
    language: str | None = None

    @classmethod
    def of(cls, obj: WorkspaceObject) -> ObjectInfo:
        info = obj.local.stat()
        return cls(
            path=obj.path,
            object_type=obj.object_type,
            object_id=info.st_ino,
            resource_id=str(info.st_ino),
            created_at=int(info.st_ctime * 1000),
            modified_at=int(info.st_mtime * 1000),
            size=info.st_size if obj.object_type == "FILE" else None,
            language=obj.language,
        )


def workspace_routes(root: Path) -> list[Route]:
    """The Workspace API routes over the tree in ``root`` (seeded with /Users/<me>, /Shared)."""
    tree = WorkspaceTree(root)
    tree.ensure_dirs(f"/Users/{user_name()}", "/Shared", "/Repos")
    api = _WorkspaceApi(tree)
    return [
        Route("/api/2.0/workspace/import", api.import_, methods=["POST"]),
        Route("/api/2.0/workspace/export", api.export, methods=["GET"]),
        Route("/api/2.0/workspace/list", api.list_, methods=["GET"]),
        Route("/api/2.0/workspace/get-status", api.get_status, methods=["GET"]),
        Route("/api/2.0/workspace/mkdirs", api.mkdirs, methods=["POST"]),
        Route("/api/2.0/workspace/delete", api.delete, methods=["POST"]),
    ]


class _WorkspaceApi:
    def __init__(self, tree: WorkspaceTree) -> None:
        self.tree = tree

    async def import_(self, request: Request) -> JSONResponse:
        fields, content = await _import_request(request)
        if len(content) > MAX_IMPORT_BYTES:
            raise ApiError(
                "MAX_NOTEBOOK_SIZE_EXCEEDED",
                f"File size imported is ({len(content)} bytes), exceeded max size "
                f"({MAX_IMPORT_BYTES} bytes)",
            )
        path = normalize(required(fields, "path"))
        target, language = _import_target(path, fields, content)
        self.tree.write(target, content, language, flag(fields.get("overwrite")))
        return reply()

    async def export(self, request: Request) -> Response:
        query = request.query_params
        obj = self.tree.get(normalize(required(query, "path")))
        if obj.object_type == "DIRECTORY":
            raise ApiError("INVALID_PARAMETER_VALUE", "Exporting a directory is not supported")
        content = _export_content(obj)
        if flag(query.get("direct_download")):
            return Response(content, media_type="application/octet-stream")
        suffix = LANGUAGES.get(obj.language or "", Path(obj.path).suffix.lstrip("."))
        encoded = base64.b64encode(content).decode("ascii")
        return reply({"content": encoded, "file_type": suffix})

    async def list_(self, request: Request) -> JSONResponse:
        obj = self.tree.get(normalize(required(request.query_params, "path")))
        objects = self.tree.children(obj) if obj.object_type == "DIRECTORY" else [obj]
        infos = [wire(ObjectInfo.of(o)) for o in objects]
        return reply({"objects": infos} if infos else {})

    async def get_status(self, request: Request) -> JSONResponse:
        obj = self.tree.get(normalize(required(request.query_params, "path")))
        return reply(wire(ObjectInfo.of(obj)))

    async def mkdirs(self, request: Request) -> JSONResponse:
        self.tree.mkdirs(normalize(required(await json_body(request), "path")))
        return reply()

    async def delete(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        self.tree.delete(normalize(required(body, "path")), flag(body.get("recursive")))
        return reply()


async def _import_request(request: Request) -> tuple[dict[str, str], bytes]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = parse_form(await request.body(), content_type)
        content = form.pop("content", b"")
        return {k: v.decode("utf-8", "replace") for k, v in form.items()}, content
    body = await json_body(request)
    try:
        content = base64.b64decode(body.get("content") or "", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError("INVALID_PARAMETER_VALUE", f"content is not base64: {error}") from None
    return body, content


def _import_target(path: str, fields: dict, content: bytes) -> tuple[str, str | None]:
    """(object path, notebook language or None for a file) by Databricks' import rules."""
    format_ = str(fields.get("format") or "SOURCE")
    language = str(fields.get("language") or "").upper() or None
    by_extension = _EXTENSIONS.get(Path(path).suffix.lower())
    if format_ == "RAW":
        return path, None
    if format_ == "AUTO":
        if by_extension and content.lstrip().startswith(HEADERS[by_extension].encode()):
            return _without_extension(path), by_extension
        return path, None
    if format_ != "SOURCE":
        raise ApiError("INVALID_PARAMETER_VALUE", f"Import format {format_} is not supported")
    if language not in LANGUAGES:
        raise ApiError(
            "INVALID_PARAMETER_VALUE",
            f"The language of a SOURCE import must be one of {', '.join(LANGUAGES)}",
        )
    return (_without_extension(path) if by_extension == language else path), language


def _without_extension(path: str) -> str:
    return str(Path(path).with_suffix(""))


def _export_content(obj: WorkspaceObject) -> bytes:
    content = obj.local.read_bytes()
    if obj.object_type != "NOTEBOOK":
        return content
    header = HEADERS[obj.language or "PYTHON"].encode()
    return content if content.lstrip().startswith(header) else header + b"\n" + content

"""DBFS API 2.0: put, create/add-block/close, read, list, get-status, mkdirs, delete, move.

DBFS paths (``/tmp/x``, ``dbfs:/tmp/x``) are files under ``<data dir>/dbfs``, which contexts see
as ``/dbfs/...``. Limits as documented: ``put`` contents and each ``add-block`` ≤ 1 MiB decoded
(the SDK sends exactly 1 MiB per block), ``read`` length ≤ 1 MiB (default 0.5 MiB). Streams
write to a hidden temporary file that ``close`` renames into place, so readers never see a
partial file.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.data_dir import write_atomic
from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import flag, integer, json_body, reply, required, wire

MAX_BLOCK_BYTES = 1024 * 1024
MAX_READ_BYTES = 1024 * 1024
DEFAULT_READ_BYTES = 512 * 1024


@dataclass
class FileInfo:
    path: str
    is_dir: bool
    file_size: int
    modification_time: int


class Dbfs:
    """The DBFS tree under ``root`` plus open write handles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._handles: dict[int, tuple[str, Path]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def local(self, path: str) -> Path:
        return self.root / normalize(path).lstrip("/")

    def info(self, path: str) -> FileInfo:
        local = self.existing(path)
        stat = local.stat()
        is_dir = local.is_dir()
        size = 0 if is_dir else stat.st_size
        return FileInfo(normalize(path), is_dir, size, int(stat.st_mtime * 1000))

    def existing(self, path: str) -> Path:
        local = self.local(path)
        if not local.exists():
            raise ApiError(
                "RESOURCE_DOES_NOT_EXIST", f"No file or directory exists on path {path}."
            )
        return local

    def prepare_write(self, path: str, overwrite: bool) -> Path:
        local = self.local(path)
        if local.is_dir() or (local.exists() and not overwrite):
            raise ApiError(
                "RESOURCE_ALREADY_EXISTS",
                f"A file or directory already exists at the input path {path}.",
            )
        self._mkdirs(local.parent, path)
        return local

    def open(self, path: str, overwrite: bool) -> int:
        local = self.prepare_write(path, overwrite)
        with self._lock:
            handle = next(self._ids)
            temp = local.with_name(f".{local.name}.dbfs-{handle}.tmp")
            temp.write_bytes(b"")
            self._handles[handle] = (path, temp)
        return handle

    def append(self, handle: int, data: bytes) -> None:
        with open(self._handle(handle)[1], "ab") as file:
            file.write(data)

    def close(self, handle: int) -> None:
        path, temp = self._handle(handle)
        with self._lock:
            self._handles.pop(handle, None)
        os.replace(temp, self.local(path))

    def _handle(self, handle: int) -> tuple[str, Path]:
        with self._lock:
            found = self._handles.get(handle)
        if found is None:
            raise ApiError(
                "RESOURCE_DOES_NOT_EXIST", f"There is no open stream with handle {handle}."
            )
        return found

    def _mkdirs(self, local: Path, path: str) -> None:
        for parent in [*reversed(local.parents), local]:
            if parent.is_file() and parent.is_relative_to(self.root):
                raise ApiError(
                    "RESOURCE_ALREADY_EXISTS",
                    f"A file exists on the path of {path}: cannot create a directory.",
                )
        local.mkdir(parents=True, exist_ok=True)


def normalize(path: str | None) -> str:
    """``dbfs:/a/b`` or ``/a/b`` → ``/a/b``; INVALID_PARAMETER_VALUE for relative or ``..``."""
    text = (path or "").removeprefix("dbfs:")
    parts = [p for p in text.split("/") if p]
    if not text.startswith("/") or any(p in (".", "..") for p in parts):
        raise ApiError("INVALID_PARAMETER_VALUE", f"Path must be absolute: {path}")
    return "/" + "/".join(parts)


def dbfs_routes(root: Path) -> list[Route]:
    """The DBFS API routes over ``root``."""
    api = _DbfsApi(Dbfs(root))
    post = {"put": api.put, "create": api.create, "add-block": api.add_block, "close": api.close}
    post |= {"mkdirs": api.mkdirs, "delete": api.delete, "move": api.move}
    get = {"read": api.read, "list": api.list_, "get-status": api.get_status}
    return [Route(f"/api/2.0/dbfs/{n}", f, methods=["POST"]) for n, f in post.items()] + [
        Route(f"/api/2.0/dbfs/{n}", f, methods=["GET"]) for n, f in get.items()
    ]


class _DbfsApi:
    def __init__(self, dbfs: Dbfs) -> None:
        self.dbfs = dbfs

    async def put(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        data = _decoded(body.get("contents") or "")
        local = self.dbfs.prepare_write(required(body, "path"), flag(body.get("overwrite")))
        write_atomic(local, data)
        return reply()

    async def create(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        handle = self.dbfs.open(required(body, "path"), flag(body.get("overwrite")))
        return reply({"handle": handle})

    async def add_block(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        self.dbfs.append(integer(body, "handle", 0), _decoded(body.get("data") or ""))
        return reply()

    async def close(self, request: Request) -> JSONResponse:
        self.dbfs.close(integer(await json_body(request), "handle", 0))
        return reply()

    async def read(self, request: Request) -> JSONResponse:
        query = request.query_params
        offset = integer(query, "offset", 0)
        length = integer(query, "length", DEFAULT_READ_BYTES)
        _check_read(offset, length)
        local = self.dbfs.existing(required(query, "path"))
        if local.is_dir():
            raise ApiError("INVALID_PARAMETER_VALUE", f"{query['path']} is a directory")
        with open(local, "rb") as file:
            file.seek(offset)
            data = file.read(length)
        return reply({"bytes_read": len(data), "data": base64.b64encode(data).decode("ascii")})

    async def list_(self, request: Request) -> JSONResponse:
        path = normalize(required(request.query_params, "path"))
        local = self.dbfs.existing(path)
        if not local.is_dir():
            return reply({"files": [wire(self.dbfs.info(path))]})
        names = sorted(n for n in os.listdir(local) if not n.startswith("."))
        files = [wire(self.dbfs.info(f"{path.rstrip('/')}/{n}")) for n in names]
        return reply({"files": files} if files else {})

    async def get_status(self, request: Request) -> JSONResponse:
        return reply(wire(self.dbfs.info(required(request.query_params, "path"))))

    async def mkdirs(self, request: Request) -> JSONResponse:
        path = required(await json_body(request), "path")
        self.dbfs._mkdirs(self.dbfs.local(path), path)
        return reply()

    async def delete(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        local = self.dbfs.local(required(body, "path"))
        if not local.exists():
            return reply()  # deleting a missing path succeeds on DBFS
        if local.is_dir() and any(os.scandir(local)) and not flag(body.get("recursive")):
            raise ApiError("IO_ERROR", f"Directory {body['path']} is not empty; pass recursive")
        shutil.rmtree(local) if local.is_dir() else local.unlink()
        return reply()

    async def move(self, request: Request) -> JSONResponse:
        body = await json_body(request)
        source = self.dbfs.existing(required(body, "source_path"))
        target = self.dbfs.local(required(body, "destination_path"))
        if target.exists():
            raise ApiError("RESOURCE_ALREADY_EXISTS", f"{body['destination_path']} already exists")
        self.dbfs._mkdirs(target.parent, body["destination_path"])
        os.replace(source, target)
        return reply()


def _decoded(data: str) -> bytes:
    if len(data) > (MAX_BLOCK_BYTES * 4) // 3 + 4:
        raise _too_big()
    try:
        decoded = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError("INVALID_PARAMETER_VALUE", f"data is not base64: {error}") from None
    if len(decoded) > MAX_BLOCK_BYTES:
        raise _too_big()
    return decoded


def _too_big() -> ApiError:
    return ApiError(
        "MAX_BLOCK_SIZE_EXCEEDED", f"The block of data exceeds the {MAX_BLOCK_BYTES}-byte limit."
    )


def _check_read(offset: int, length: int) -> None:
    if offset < 0 or length < 0:
        raise ApiError("INVALID_PARAMETER_VALUE", "offset and length must not be negative")
    if length > MAX_READ_BYTES:
        raise ApiError(
            "MAX_READ_SIZE_EXCEEDED", f"Cannot read more than {MAX_READ_BYTES} bytes at once."
        )

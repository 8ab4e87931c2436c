"""Files API 2.0 for Unity Catalog volumes: ``/api/2.0/fs/files/...`` and ``/fs/directories/...``.

``/Volumes/<catalog>/<schema>/<volume>/<path>`` is ``<data dir>/volumes/<catalog>/<schema>/
<volume>/<path>``; a volume exists when its directory does (``main.default.files`` is seeded).
Presigned URLs are not offered: ``create-download-url`` answers 404 and ``initiate-upload`` 501,
the answers on which the SDK's ``w.files`` falls back to the plain calls served here.
"""

from __future__ import annotations

import email.utils
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import flag, integer, reply

SEEDED_VOLUME = ("main", "default", "files")
MAX_PAGE_SIZE = 1000
CHUNK_BYTES = 1024 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class Volumes:
    """Volume paths → local paths under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.joinpath(*SEEDED_VOLUME).mkdir(parents=True, exist_ok=True)

    def local(self, path: str) -> Path:
        parts = [p for p in path.split("/") if p]
        if len(parts) < 4 or parts[0] != "Volumes" or any(p in (".", "..") for p in parts):
            raise ApiError(
                "INVALID_PARAMETER_VALUE",
                f"{path} is not a volume path (/Volumes/<catalog>/<schema>/<volume>/...)",
            )
        volume = self.root.joinpath(*parts[1:4])
        if not volume.is_dir():
            raise ApiError("NOT_FOUND", f"Volume /{'/'.join(parts[:4])} does not exist")
        return self.root.joinpath(*parts[1:])


def files_routes(root: Path) -> list[Route]:
    """The Files API routes over the volumes in ``root``."""
    api = _FilesApi(Volumes(root))
    return [
        Route("/api/2.0/fs/create-download-url", api.no_presigned_download, methods=["POST"]),
        Route(
            "/api/2.0/fs/files/{path:path}",
            api.file,
            methods=["GET", "HEAD", "PUT", "DELETE", "POST"],
        ),
        Route(
            "/api/2.0/fs/directories/{path:path}",
            api.directory,
            methods=["GET", "HEAD", "PUT", "DELETE"],
        ),
    ]


class _FilesApi:
    def __init__(self, volumes: Volumes) -> None:
        self.volumes = volumes

    async def no_presigned_download(self, request: Request) -> Response:
        raise ApiError("NOT_FOUND", "Presigned download URLs are not available locally")

    async def file(self, request: Request) -> Response:
        path = "/" + unquote(request.path_params["path"])
        local = self.volumes.local(path)
        if request.method == "PUT":
            return await self._upload(request, local, path)
        if request.method == "POST":
            raise ApiError("NOT_IMPLEMENTED", "Multipart uploads are not available locally")
        if not local.is_file():
            raise ApiError("NOT_FOUND", f"The file {path} does not exist")
        if request.method == "DELETE":
            local.unlink()
            return Response(status_code=204)
        return _download(request, local)

    async def directory(self, request: Request) -> Response:
        path = "/" + unquote(request.path_params["path"]).rstrip("/")
        local = self.volumes.local(path)
        if request.method == "PUT":
            _mkdirs(local, path)
            return Response(status_code=204)
        if not local.is_dir():
            raise ApiError("NOT_FOUND", f"The directory {path} does not exist")
        if request.method == "HEAD":
            return Response(status_code=200)
        if request.method == "DELETE":
            if any(os.scandir(local)):
                raise ApiError("DIRECTORY_NOT_EMPTY", f"The directory {path} is not empty")
            local.rmdir()
            return Response(status_code=204)
        return _listing(request, local, path)

    async def _upload(self, request: Request, local: Path, path: str) -> Response:
        if local.exists() and (local.is_dir() or not flag(request.query_params.get("overwrite"))):
            raise ApiError("ALREADY_EXISTS", f"The file {path} already exists")
        _mkdirs(local.parent, path)
        temp = local.with_name(f".{local.name}.{id(request)}.upload")
        try:
            with open(temp, "wb") as file:
                async for chunk in request.stream():
                    file.write(chunk)
            os.replace(temp, local)
        finally:
            temp.unlink(missing_ok=True)
        return Response(status_code=204)


def _mkdirs(local: Path, path: str) -> None:
    if local.is_file():
        raise ApiError("ALREADY_EXISTS", f"A file exists at {path}")
    try:
        local.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ApiError("ALREADY_EXISTS", f"A file exists on the path of {path}") from None


def _download(request: Request, local: Path) -> Response:
    stat = local.stat()
    headers = {
        "Content-Type": "application/octet-stream",
        "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
        "Accept-Ranges": "bytes",
    }
    start, end = _range(request.headers.get("range"), stat.st_size)
    length = end - start
    headers["Content-Length"] = str(length)
    status = 200
    if request.headers.get("range"):
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{stat.st_size}"
    if request.method == "HEAD":
        return Response(status_code=200, headers=headers)
    return StreamingResponse(_chunks(local, start, length), status_code=status, headers=headers)


def _range(header: str | None, size: int) -> tuple[int, int]:
    """[start, end) of a ``bytes=a-b`` range (the whole file without one)."""
    if not header:
        return 0, size
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        raise ApiError("INVALID_PARAMETER_VALUE", f"Unsupported Range header: {header}")
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        return max(size - int(last), 0), size
    start, end = int(first), min(int(last) + 1 if last else size, size)
    if start >= size and size > 0:
        raise ApiError("INVALID_PARAMETER_VALUE", f"Range {header} is beyond the file's end")
    return start, max(end, start)


def _chunks(local: Path, start: int, length: int) -> Iterator[bytes]:
    with open(local, "rb") as file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _listing(request: Request, local: Path, path: str) -> JSONResponse:
    page_size = min(integer(request.query_params, "page_size", MAX_PAGE_SIZE), MAX_PAGE_SIZE)
    after = request.query_params.get("page_token", "")
    names = sorted(n for n in os.listdir(local) if not n.startswith(".") and n > after)
    page = names[: max(page_size, 1)]
    body: dict = {"contents": [_entry(local / n, f"{path}/{n}") for n in page]}
    if len(names) > len(page):
        body["next_page_token"] = page[-1]
    return reply(body)


def _entry(local: Path, path: str) -> dict:
    stat = local.stat()
    entry = {"path": path, "name": local.name, "is_directory": local.is_dir()}
    entry["last_modified"] = int(stat.st_mtime * 1000)
    if not entry["is_directory"]:
        entry["file_size"] = stat.st_size
    return entry

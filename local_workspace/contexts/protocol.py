"""Frames between the server and a context's worker process, over one Unix socket.

A frame is a JSON header plus optional binary payload (Arrow IPC data)::

    [4 bytes header length][8 bytes payload length][header JSON][payload]

Only JSON and Arrow cross the boundary, never pickles: a worker runs user code and must not be
able to make the server execute anything. Sizes are bounded so a worker cannot exhaust the
server's memory; a frame over the bound is a protocol error (the server kills that worker).
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_PAYLOAD_BYTES = 512 * 1024 * 1024
_PREFIX = struct.Struct("!IQ")


class ChannelClosed(EOFError):
    """The other side closed the socket (or the worker died)."""


class ProtocolError(RuntimeError):
    """A malformed or oversized frame."""


def send(sock: socket.socket, header: dict[str, Any], payload: bytes = b"") -> None:
    """Send one frame; raises ChannelClosed if the peer is gone."""
    data = json.dumps(header, separators=(",", ":"), default=str).encode("utf-8")
    try:
        sock.sendall(_PREFIX.pack(len(data), len(payload)) + data)
        if payload:
            sock.sendall(payload)
    except (BrokenPipeError, ConnectionResetError, OSError) as error:
        raise ChannelClosed(str(error)) from error


def receive(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    """Read one frame: (header, payload). Raises ChannelClosed or ProtocolError."""
    header_size, payload_size = _PREFIX.unpack(_exactly(sock, _PREFIX.size))
    if header_size > MAX_HEADER_BYTES or payload_size > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"frame too large ({header_size} + {payload_size} bytes)")
    try:
        header = json.loads(_exactly(sock, header_size))
    except ValueError as error:
        raise ProtocolError(f"malformed frame header: {error}") from error
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not a JSON object")
    return header, _exactly(sock, payload_size)


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        try:
            chunk = sock.recv(min(left, 1 << 20))
        except (ConnectionResetError, OSError) as error:
            raise ChannelClosed(str(error)) from error
        if not chunk:
            raise ChannelClosed("the peer closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)

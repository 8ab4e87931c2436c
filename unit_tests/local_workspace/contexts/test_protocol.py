from __future__ import annotations

import socket
import struct

import pytest

from local_workspace.contexts import protocol


def test_frames_round_trip_with_payload():
    left, right = socket.socketpair()
    with left, right:
        protocol.send(left, {"op": "fetch", "n": 1}, b"\x00arrow")
        assert protocol.receive(right) == ({"op": "fetch", "n": 1}, b"\x00arrow")


def test_oversized_frames_are_refused_before_reading_them():
    left, right = socket.socketpair()
    with left, right:
        left.sendall(struct.pack("!IQ", protocol.MAX_HEADER_BYTES + 1, 0))
        with pytest.raises(protocol.ProtocolError):
            protocol.receive(right)


def test_closed_peer():
    left, right = socket.socketpair()
    left.close()
    with right, pytest.raises(protocol.ChannelClosed):
        protocol.receive(right)

"""The fast reachability check against real sockets on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks import reachability
from source_databricks.config import parse_config


def config_at(port: int):
    return parse_config(
        {
            "host": f"https://127.0.0.1:{port}",
            "credentials": {"auth_type": "personal_access_token", "personal_access_token": "x"},
            "http_path": "/sql/1.0/warehouses/abc",
        }
    )


@contextmanager
def server(serve: Callable[[socket.socket], None]) -> Iterator[int]:
    """A loopback listener whose connections `serve` handles; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            serve(connection)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for connection in held:
            connection.close()


def refused(port: int) -> str:
    with pytest.raises(AirbyteTracedException) as raised:
        reachability.ensure_reachable(config_at(port))
    assert raised.value.failure_type == FailureType.config_error
    return raised.value.message


def test_a_closed_port_is_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "(Connection refused)" in refused(port)


def test_a_host_that_accepts_but_never_answers_fails_in_seconds(monkeypatch) -> None:
    monkeypatch.setattr(reachability, "CONNECT_TIMEOUT_SECONDS", 0.3)
    with server(lambda connection: None) as port:
        assert "accepted a connection but did not answer within 0.3 s" in refused(port)


def test_a_port_that_does_not_speak_tls_is_named() -> None:
    def plain_http(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        connection.close()

    with server(plain_http) as port:
        assert "does not speak TLS there" in refused(port)

"""The local workspace's data directory: where its files live and how they are read and written.

Layout (all under one directory, ``./.local_workspace`` by default)::

    token                 the personal access token clients use (mode 0600)
    warehouse_id          16 hex chars, the one SQL warehouse's id (stable across restarts)
    workspace_id          a numeric workspace id (stable across restarts)
    server.json           present while a server runs: {"host", "port", "pid", "http_path", ...}
    service_principals.json   OAuth M2M clients: [{"client_id": ..., "client_secret": ...}]
    tls/ca.pem, tls/ca-key.pem, tls/server.pem, tls/server-key.pem

Other processes (tests, the demo, seed-demo) use ``DataDir`` to find the running server.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(".local_workspace")
TOKEN_ENV = "LOCAL_WORKSPACE_TOKEN"


@dataclass(frozen=True)
class ServerInfo:
    """The contents of ``server.json``: how to reach the running server."""

    host: str
    port: int
    pid: int
    http_path: str
    warehouse_id: str

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"


class DataDir:
    """Paths and small persistent values of one local workspace data directory."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DATA_DIR) -> None:
        self.path = Path(path).absolute()

    @property
    def token_file(self) -> Path:
        return self.path / "token"

    @property
    def tls_dir(self) -> Path:
        return self.path / "tls"

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.pem"

    @property
    def server_json(self) -> Path:
        return self.path / "server.json"

    @property
    def service_principals_file(self) -> Path:
        return self.path / "service_principals.json"

    def ensure(self) -> DataDir:
        """Create the directory (private to the user: it holds secrets)."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self

    def read_token(self) -> str:
        """The token clients must send; raises FileNotFoundError before the first start."""
        return self.token_file.read_text(encoding="utf-8").strip()

    def ensure_token(self, env: dict[str, str] | None = None) -> str:
        """The token from ``LOCAL_WORKSPACE_TOKEN``, else the stored one, else a new one.

        Always (re)written with mode 0600, so a client reading the file agrees with the server.
        """
        env = os.environ if env is None else env
        token = env.get(TOKEN_ENV, "").strip()
        if not token and self.token_file.exists():
            token = self.read_token()
        # A PAT-like opaque token: a JWT would make the SQL client attempt a token exchange.
        token = token or "dapi" + secrets.token_hex(16)
        write_private(self.token_file, token + "\n")
        return token

    def warehouse_id(self) -> str:
        """The SQL warehouse's id: 16 hex chars, generated once."""
        return self._persistent("warehouse_id", lambda: secrets.token_hex(8))

    def workspace_id(self) -> str:
        """The workspace's numeric id (as a string, like Databricks), generated once."""
        return self._persistent("workspace_id", lambda: str(secrets.randbelow(9 * 10**15) + 10**15))

    def _persistent(self, name: str, make) -> str:
        file = self.path / name
        if file.exists():
            return file.read_text(encoding="utf-8").strip()
        value = make()
        write_atomic(file, value + "\n")
        return value

    def write_server_info(self, info: ServerInfo) -> None:
        """Publish the running server; atomic so readers never see a partial file."""
        write_atomic(self.server_json, json.dumps(asdict(info)) + "\n")

    def read_server_info(self) -> ServerInfo | None:
        """The running server's info, or None when no server.json is present."""
        try:
            data = json.loads(self.server_json.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return ServerInfo(**data)

    def remove_server_info(self) -> None:
        self.server_json.unlink(missing_ok=True)

    def wait_for_server_info(
        self,
        timeout: float = 30.0,
        pid: int | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> ServerInfo:
        """Wait until server.json appears (written by process ``pid`` if given).

        Raises TimeoutError after ``timeout`` seconds, or ServerExited as soon as ``alive()``
        says the server process is gone.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.read_server_info()
            if info is not None and (pid is None or info.pid == pid):
                return info
            if alive is not None and not alive():
                raise ServerExited(f"the local workspace server exited before publishing {self}")
            time.sleep(0.05)
        raise TimeoutError(f"no local workspace server published {self.server_json} in {timeout}s")

    def __str__(self) -> str:
        return str(self.path)


class ServerExited(RuntimeError):
    """The server process ended while a client waited for it to start."""


def write_atomic(path: Path, text: str | bytes, mode: int = 0o644) -> None:
    """Write via a temporary file and rename, created with ``mode`` from the start."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(fd, mode)  # os.open's mode is filtered by the umask; be exact
        file.write(data)
    os.replace(tmp, path)


def write_private(path: Path, text: str | bytes) -> None:
    """Write a secret: readable by the owner only (mode 0600)."""
    write_atomic(path, text, mode=0o600)


def process_exists(pid: int) -> bool:
    """Whether a process with this id is alive (owned by anyone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True

"""Call the Thrift service in-process through the generated client's real encoding."""

from __future__ import annotations

from databricks.sql.thrift_api.TCLIService import TCLIService
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TTransport import TMemoryBuffer

from local_workspace.sql.endpoint import ThriftService


class WireClient:
    """``client.ExecuteStatement(req)`` → encode, ``service.process``, decode the reply."""

    def __init__(self, service: ThriftService) -> None:
        self.service = service

    def __getattr__(self, rpc: str):
        def call(req):
            out = TMemoryBuffer()
            getattr(TCLIService.Client(TBinaryProtocol(out)), f"send_{rpc}")(req)
            reply = self.service.process(out.getvalue())
            client = TCLIService.Client(TBinaryProtocol(TMemoryBuffer(reply)))
            return getattr(client, f"recv_{rpc}")()

        return call

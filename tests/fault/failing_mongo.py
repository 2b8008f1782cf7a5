"""A MongoDB that answers but refuses every command, as a node does while it shuts down.

It speaks just enough of the wire protocol for pymongo: the handshake (``hello``/``isMaster``)
succeeds, claiming a writable primary, and every other command fails at once with
``ShutdownInProgress`` (code 91), which pymongo raises as ``NotPrimaryError``, a transient
(``AutoReconnect``) error. Unlike a stopped server (each operation then waits out the 5 s server
selection), this makes every database operation fail within milliseconds, so that what a service
does with a transient database failure shows in seconds.
"""
import socket
import socketserver
import struct
import threading
from datetime import datetime, timezone

import bson

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
HANDSHAKES = {"hello", "ismaster", "isMaster"}
REFUSAL = {"ok": 0.0, "errmsg": "The server is in quiesce mode and will shut down", "code": 91,
           "codeName": "ShutdownInProgress"}


def _hello(connection_id: int) -> dict:
    return {"helloOk": True, "isWritablePrimary": True, "ismaster": True, "maxBsonObjectSize": 16 * 1024 * 1024,
            "maxMessageSizeBytes": 48_000_000, "maxWriteBatchSize": 100_000, "localTime": datetime.now(timezone.utc),
            "logicalSessionTimeoutMinutes": 30, "connectionId": connection_id, "minWireVersion": 0,
            "maxWireVersion": 17, "readOnly": False, "ok": 1.0}


def _answer(command: dict, connection_id: int) -> dict:
    name = next(iter(command), "")
    return _hello(connection_id) if name in HANDSHAKES else REFUSAL


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.connections.add(self.request)
        try:
            self._serve()
        except OSError:
            return
        finally:
            self.server.connections.discard(self.request)

    def _serve(self):
        stream = self.request.makefile("rb")
        while True:
            header = stream.read(16)
            if len(header) < 16:
                return
            length, request_id, _, opcode = struct.unpack("<iiii", header)
            body = stream.read(length - 16)
            if opcode == OP_QUERY:
                _, rest = struct.unpack("<i", body[:4])[0], body[4:]
                rest = rest[rest.index(b"\0") + 1 + 8:]  # collection name, skip, limit
                command = bson.decode(rest[:struct.unpack("<i", rest[:4])[0]])
                document = bson.encode(_answer(command, id(self) % 100_000))
                reply = struct.pack("<iqii", 0, 0, 0, 1) + document
                self.request.sendall(struct.pack("<iiii", 16 + len(reply), 0, request_id, OP_REPLY) + reply)
            elif opcode == OP_MSG:
                flags = struct.unpack("<I", body[:4])[0]
                command = bson.decode(body[5:5 + struct.unpack("<i", body[5:9])[0]])  # section kind 0
                if flags & 2:  # moreToCome: the client expects no answer
                    continue
                reply = struct.pack("<I", 0) + b"\0" + bson.encode(_answer(command, id(self) % 100_000))
                self.request.sendall(struct.pack("<iiii", 16 + len(reply), 0, request_id, OP_MSG) + reply)
            else:
                return


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, *arguments):
        super().__init__(*arguments)
        self.connections: set = set()


class FailingMongo:
    """``start()`` listens on 127.0.0.1:port on a thread; ``stop()`` closes it and its connections."""

    def __init__(self, port: int):
        self.port = port
        self.server: _Server | None = None

    def start(self) -> "FailingMongo":
        self.server = _Server(("127.0.0.1", self.port), _Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            for connection in list(self.server.connections):  # the clients' pools must reconnect
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.server = None

"""A real HTTP/1.1 server on loopback, built on the standard library.

Why ``http.server``: it adds no dependency to the SDK, and a thread per connection is plenty
for loopback tests and a local demo; latency knobs simply sleep the connection's own thread, so
slow requests never hold up others. Keep-alive is supported (``HTTP/1.1``), threads are daemons,
logging is silent, and :meth:`HttpServer.stop` also shuts open keep-alive connections so a
stopped emulator really stops answering.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pixelz.emulator._app import EmulatorApp

__all__ = ["HttpServer"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's
    # delayed ACK of the headers, 40 ms per response on a kept-alive connection.
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections end eventually
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests own stderr
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        app = self.server.app
        body = self._read_body()
        raw_path, _, query = self.path.partition("?")
        path = urllib.parse.unquote(raw_path, errors="replace")
        delay = app.config.latency
        if delay:
            time.sleep(delay)
        response = app.handle(self.command, path, query, list(self.headers.items()), body)
        self.send_response_only(response.status, response.reason)
        for name, value in response.framed_headers():
            self.send_header(name, value)
        self.end_headers()
        for chunk in response.chunks():  # none for HEAD: EmulatorApp.handle sees to it
            self.wfile.write(chunk)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when dozens of clients connect at once.
    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (a cancelled read-ahead, a timeout) is not the server's
        # error: no traceback for it. Anything else is still reported.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)


class HttpServer:
    """Serves an :class:`EmulatorApp` on ``host:port`` (port 0: any free port) from a thread."""

    def __init__(self, app: EmulatorApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), app)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"pixelz-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and every open connection."""
        self._server.shutdown()
        self._server.server_close()
        with self._server.connections_lock:
            open_connections = list(self._server.connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

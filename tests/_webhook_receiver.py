"""A real callback receiver on loopback for the delivery tests: ``pixelz.webhooks.app``
served by the standard library's ``wsgiref`` in a thread.

It records every request as received (headers and raw body, before the app checks it), hands
each verified event to ``events``, fails the first ``fail_first`` events with a 500 (the app's
answer when its handler raises), and can hold each request until ``gate`` is set.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import attrs

import pixelz.webhooks

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["Received", "Receiver"]


@attrs.frozen
class Received:
    headers: dict[str, str]
    body: bytes


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Receiver:
    """``with Receiver(secret) as hook:`` serves on ``hook.url`` until the block ends."""

    def __init__(self, secret: str, *, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.gate: threading.Event | None = None
        self.requests: list[Received] = []
        self.events: list[pixelz.webhooks.CallbackEvent] = []
        self.lock = threading.Lock()
        self._app = pixelz.webhooks.app(secret, self._handle)
        self._server: WSGIServer = make_server("127.0.0.1", 0, self._record,
                                               handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}/pixelz/callback"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    def _handle(self, event: pixelz.webhooks.CallbackEvent) -> None:
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                raise RuntimeError("the receiver is down for maintenance")
            self.events.append(event)

    def _record(self, environ: WSGIEnvironment, start_response: StartResponse
                ) -> Iterable[bytes]:
        if self.gate is not None:
            self.gate.wait(10)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {k[5:].replace("_", "-").title(): str(v) for k, v in environ.items()
                   if k.startswith("HTTP_")}
        headers["Content-Type"] = str(environ.get("CONTENT_TYPE", ""))
        with self.lock:
            self.requests.append(Received(headers, body))
        environ["wsgi.input"] = io.BytesIO(body)
        return self._app(environ, start_response)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.gate is not None:
            self.gate.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

"""Thin WSGI and ASGI adapters over :class:`EmulatorApp`, for in-process mounting.

``httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))`` and
``httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.asgi_app))`` then reach the emulator
without sockets. Latency is applied here, not in the core: WSGI sleeps the calling thread,
ASGI awaits ``asyncio.sleep`` so the event loop keeps running.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

from pixelz.emulator._app import EmulatorApp

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["AsgiApp", "WsgiApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class WsgiApp:
    """A WSGI application serving the emulator."""

    def __init__(self, app: EmulatorApp) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        headers = [
            (key[5:].replace("_", "-"), str(value))
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers.append((key.replace("_", "-"), str(environ[key])))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        # PEP 3333: PATH_INFO is bytes decoded as latin-1; the URL's bytes are UTF-8.
        path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
        path = path.encode("latin-1").decode("utf-8", "replace")
        delay = self.app.config.latency
        if delay:
            time.sleep(delay)
        response = self.app.handle(
            str(environ["REQUEST_METHOD"]),
            path,
            str(environ.get("QUERY_STRING", "")),
            headers,
            body,
        )
        # PEP 3333 forbids hop-by-hop headers from applications: drop Connection here
        out = [(k, v) for k, v in response.framed_headers() if k.lower() != "connection"]
        start_response(f"{response.status} {response.reason}", out)
        return response.chunks()


class AsgiApp:
    """An ASGI 3 application serving the emulator (``lifespan`` is acknowledged)."""

    def __init__(self, app: EmulatorApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        delay = self.app.config.latency
        if delay:
            await asyncio.sleep(delay)
        response = self.app.handle(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers,
            b"".join(chunks),
        )
        out = [(k.lower().encode("latin-1"), v.encode("latin-1"))
               for k, v in response.framed_headers()]
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        for chunk in response.chunks():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

"""The :class:`Emulator` object users hold: knobs, data, log, in-process apps and a server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from pixelz.emulator._adapters import AsgiApp, WsgiApp
from pixelz.emulator._app import BASE_PATH, EmulatorApp, Response
from pixelz.emulator._server import HttpServer
from pixelz.emulator.config import EmulatorConfig, RequestLog
from pixelz.emulator.dataset import Record, generate_account, generate_dataset

__all__ = ["IN_PROCESS_BASE_URL", "Emulator", "serve"]

IN_PROCESS_BASE_URL = "http://pixelz-emulator" + BASE_PATH


class Emulator:
    """An emulated Pixelz ASMX service.

    Knobs are keyword arguments (see :class:`~pixelz.emulator.EmulatorConfig`), plus ``images``
    and ``seed`` to generate the data set and the account when ``dataset`` and ``account`` are
    not given. Mount it in-process
    through :attr:`wsgi_app` / :attr:`asgi_app` (use :data:`IN_PROCESS_BASE_URL`), or
    :meth:`start` a loopback server; it is a context manager that stops the server on exit.
    """

    def __init__(self, *, images: int = 250, seed: int = 0, **knobs: Any) -> None:
        knobs.setdefault("dataset", generate_dataset(images, seed))
        knobs.setdefault("account", generate_account(tuple(knobs["dataset"]), seed))
        self.config = EmulatorConfig(seed=seed, **knobs)
        self.log = RequestLog()
        self.app = EmulatorApp(self.config, self.log)
        self.wsgi_app = WsgiApp(self.app)
        self.asgi_app = AsgiApp(self.app)
        self._server: HttpServer | None = None

    # convenience views for tests
    @property
    def dataset(self) -> tuple[Record, ...]:
        return self.config.dataset

    @property
    def contact_email(self) -> str:
        return self.config.contact_email

    @property
    def contact_api_key(self) -> str:
        return self.config.contact_api_key

    @property
    def credentials(self) -> tuple[str, str]:
        """``(contact_email, contact_api_key)`` as accepted now."""
        return self.config.contact_email, self.config.contact_api_key

    @property
    def base_url(self) -> str:
        """The loopback URL once started, else :data:`IN_PROCESS_BASE_URL`."""
        if self._server is None:
            return IN_PROCESS_BASE_URL
        return f"http://{self._server.host}:{self._server.port}{BASE_PATH}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> Response:
        """Answer one request without any I/O (latency is not applied here)."""
        return self.app.handle(method, path, query, headers, body)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0: a free port) from a daemon thread; returns the base URL."""
        if self._server is None:
            self._server = HttpServer(self.app, host, port)
        return self.base_url

    def stop(self) -> None:
        """Stop the server, if any; idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Emulator {self.base_url} {len(self.dataset)} records>"


@contextlib.contextmanager
def serve(host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> Iterator[Emulator]:
    """Run an emulator on loopback for the ``with`` block; yields the started :class:`Emulator`."""
    with Emulator(**knobs) as emulator:
        emulator.start(host, port)
        yield emulator

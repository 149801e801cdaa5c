"""The :class:`Emulator` object users hold: knobs, data, log, in-process apps and a server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from pixelz.emulator._adapters import AsgiApp, WsgiApp
from pixelz.emulator._app import BASE_PATH, IN_PROCESS_ORIGIN, EmulatorApp, Response
from pixelz.emulator._clock import Clock
from pixelz.emulator._courier import Courier
from pixelz.emulator._outbox import CallbackDelivery
from pixelz.emulator._server import HttpServer
from pixelz.emulator.config import EmulatorConfig, RequestLog
from pixelz.emulator.dataset import Record, generate_account, generate_dataset

__all__ = ["IN_PROCESS_BASE_URL", "Emulator", "serve"]

IN_PROCESS_BASE_URL = IN_PROCESS_ORIGIN + BASE_PATH


class Emulator:
    """An emulated Pixelz ASMX service.

    Knobs are keyword arguments (see :class:`~pixelz.emulator.EmulatorConfig`), plus ``images``
    and ``seed`` to generate the data set and the account when ``dataset`` and ``account`` are
    not given. Mount it in-process
    through :attr:`wsgi_app` / :attr:`asgi_app` (use :data:`IN_PROCESS_BASE_URL`), or
    :meth:`start` a loopback server; it is a context manager that stops the server (and
    the worker thread that moves images and sends callbacks) on exit.

    With the ``speed`` knob set, submitted images move on to Delivered on the emulator's
    :attr:`clock`; :meth:`advance` moves that clock by hand. Delivered images' files are
    served under ``/files/`` and their callbacks recorded in :attr:`callbacks`.
    """

    def __init__(self, *, images: int = 250, seed: int = 0, **knobs: Any) -> None:
        if "dataset" not in knobs:  # (built only when not given: it may be large)
            knobs["dataset"] = generate_dataset(images, seed)
        if "account" not in knobs:
            knobs["account"] = generate_account(tuple(knobs["dataset"]), seed)
        self.config = EmulatorConfig(seed=seed, **knobs)
        self.log = RequestLog()
        self.app = EmulatorApp(self.config, self.log)
        self._courier = Courier(self.config, self.app.settle)
        self.app.notify = self._courier.wake
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
        return f"http://{_url_host(self._server.host)}:{self._server.port}{BASE_PATH}"

    @property
    def running(self) -> bool:
        return self._server is not None

    # -- the lifecycle ---------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The emulator's clock (a fresh one after ``config.reset()``)."""
        return self.config.clock

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward and apply the lifecycle steps now due, so
        the next request sees them; callbacks they queue go out from the worker thread.
        Returns the clock's new time."""
        now = self.config.clock.advance(seconds)
        self.app.settle()
        self.app.poke()
        return now

    @property
    def callbacks(self) -> tuple[CallbackDelivery, ...]:
        """Every callback queued since the last reset, in order, as it stands now."""
        return self.config.state.outbox.deliveries()

    def wait_callbacks(self, count: int = 0, timeout: float = 10.0
                       ) -> tuple[CallbackDelivery, ...]:
        """Wait until at least ``count`` callbacks were queued (images still on their way
        on a real-time clock deliver meanwhile) and none is pending (each delivered or
        failed for good), then return :attr:`callbacks`; raises ``TimeoutError`` if that
        has not happened after ``timeout`` seconds."""
        outbox = self.config.state.outbox
        self.app.settle()  # the steps due, after a clock moved by hand
        self.app.poke()
        if not outbox.wait(timeout, count):
            raise TimeoutError(
                f"after {timeout} s: {len(outbox.deliveries())} callback(s) queued "
                f"(waiting for {count}), {outbox.pending()} still pending"
            )
        return outbox.deliveries()

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
            self.app.origin = f"http://{_url_host(host)}:{self._server.port}"
        return self.base_url

    def stop(self) -> None:
        """Stop the server, if any, and the worker thread; idempotent. Callbacks not sent
        yet stay queued."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            self.app.origin = IN_PROCESS_ORIGIN
        self._courier.stop()

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


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@contextlib.contextmanager
def serve(host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> Iterator[Emulator]:
    """Run an emulator on loopback for the ``with`` block; yields the started :class:`Emulator`."""
    with Emulator(**knobs) as emulator:
        emulator.start(host, port)
        yield emulator

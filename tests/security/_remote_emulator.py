"""The emulator in a child process, driven over a pipe.

An in-process emulator shares the GIL with the client under test: with 64 server threads
the client's event loop starves and the load test measures lock convoys, not the SDK. In
its own process the server has its own interpreter; the test still turns knobs and reads
the request log, through the small proxies below (same names as on
:class:`pixelz.emulator.Emulator`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any


def _child(conn: Connection, knobs: dict[str, Any]) -> None:
    from pixelz.emulator import serve

    with serve(**knobs) as emulator:
        conn.send((emulator.base_url, emulator.credentials, emulator.dataset))
        while True:
            op, kwargs = conn.recv()
            result: Any = None
            try:
                if op == "stop":
                    conn.send(None)
                    return
                if op == "update":
                    emulator.config.update(**kwargs)
                elif op == "reset":
                    emulator.config.reset()
                elif op == "clear":
                    emulator.log.clear()
                elif op == "count":
                    result = emulator.log.count(**kwargs)
                elif op == "len":
                    result = len(emulator.log)
                else:
                    result = ValueError(f"unknown op {op!r}")
            except Exception as exc:  # sent back and raised in the parent
                result = exc
            conn.send(result)


class _Config:
    def __init__(self, owner: RemoteEmulator) -> None:
        self._owner = owner

    def update(self, **knobs: Any) -> None:
        self._owner.ask("update", **knobs)

    def reset(self) -> None:
        self._owner.ask("reset")


class _Log:
    def __init__(self, owner: RemoteEmulator) -> None:
        self._owner = owner

    def clear(self) -> None:
        self._owner.ask("clear")

    def count(self, protocol: Any = None, *, status: int | None = None) -> int:
        return int(self._owner.ask("count", protocol=protocol, status=status))

    def __len__(self) -> int:
        return int(self._owner.ask("len"))


class RemoteEmulator:
    """``with RemoteEmulator() as emu:`` a loopback emulator served by a child process."""

    def __init__(self, **knobs: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_child, args=(child, knobs), daemon=True,
                                         name="pixelz-emulator-child")
        self._process.start()
        child.close()
        if not self._conn.poll(30):
            self._process.kill()
            raise RuntimeError("the emulator child did not start within 30 s")
        self.base_url, self.credentials, self.dataset = self._conn.recv()
        self.config = _Config(self)
        self.log = _Log(self)

    def ask(self, op: str, **kwargs: Any) -> Any:
        self._conn.send((op, kwargs))
        result = self._conn.recv()
        if isinstance(result, BaseException):
            raise result
        return result

    def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError, EOFError):
                self.ask("stop")
            self._process.join(5)
        if self._process.is_alive():
            self._process.kill()  # our own child, by handle
            self._process.join(5)
        self._conn.close()

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

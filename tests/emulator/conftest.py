"""Fixtures for the emulator tests: an in-process emulator and a raw-HTTP caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pixelz.emulator import Emulator
from pixelz.models import Protocol

from ._helpers import request


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    transport = httpx.WSGITransport(app=emu.wsgi_app)
    with httpx.Client(transport=transport, base_url="http://emulator") as c:
        yield c


@pytest.fixture
def call(client: httpx.Client) -> Callable[..., httpx.Response]:
    def _call(protocol: Protocol | str, op: str = "GetImagesList", **values: Any) -> httpx.Response:
        return request(client, protocol, op, **values)

    return _call

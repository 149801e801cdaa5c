"""Knobs: latency, transient failures, corruption, request log, config validation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from pixelz.emulator import Emulator, EmulatorConfig
from pixelz.models import Protocol

Call = Callable[..., httpx.Response]


def test_latency_is_added(emu: Emulator, call: Call) -> None:
    emu.config.latency = 0.05
    started = time.perf_counter()
    assert call(Protocol.SOAP11).status_code == 200
    assert time.perf_counter() - started >= 0.05


def test_fail_rate_gives_503_with_retry_after(emu: Emulator, call: Call) -> None:
    emu.config.update(fail_rate=1.0, retry_after="7")
    response = call(Protocol.HTTP_GET)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.headers["content-type"].startswith("text/html")
    assert emu.handle("GET", "/soap.asmx", "wsdl").status == 200  # not a protocol request


def test_fail_rate_is_seeded() -> None:
    def pattern(seed: int) -> list[int]:
        emu = Emulator(seed=seed, images=5, fail_rate=0.5)
        return [emu.handle("GET", "/soap.asmx/GetImagesList").status for _ in range(40)]

    first = pattern(3)
    assert first == pattern(3)
    assert 503 in first and 500 in first  # 500: missing parameters, i.e. it got through


@pytest.mark.parametrize("mode", ["truncate", "garbage", "html"])
def test_corrupt_next(mode: str, emu: Emulator, call: Call) -> None:
    good = call(Protocol.SOAP12).content
    emu.config.corrupt_next(2, mode)  # type: ignore[arg-type]
    bad = [call(Protocol.SOAP12) for _ in range(2)]
    for response in bad:
        assert response.status_code == 200 and response.content != good
    if mode == "truncate":
        assert good.startswith(bad[0].content) and len(bad[0].content) < len(good)
    if mode == "html":
        assert bad[0].headers["content-type"].startswith("text/html")
    assert call(Protocol.SOAP12).content == good
    assert emu.config.corrupt_remaining == 0


def test_corruption_spares_errors_and_rate_zero(emu: Emulator, call: Call) -> None:
    emu.config.corrupt_next(1, "garbage")
    assert b"Invalid page" in call(Protocol.SOAP11, page="0").content
    assert call(Protocol.SOAP11).content.startswith(b"\x1f")
    emu.config.update(corrupt="truncate", corrupt_remaining=None, corrupt_rate=0.0)
    assert call(Protocol.SOAP11).content.endswith(b"</soap:Envelope>")


def test_request_log(emu: Emulator, call: Call) -> None:
    call(Protocol.SOAP11)
    call(Protocol.HTTP_GET, contactAPIkey="wrong-key")
    call(Protocol.HTTP_GET, "GetImageStatus", imageTicket="x")
    emu.handle("GET", "/soap.asmx", "WSDL")
    entries = emu.log.entries
    assert [(e.protocol, e.status) for e in entries] == [
        (Protocol.SOAP11, 200),
        (Protocol.HTTP_GET, 500),
        (Protocol.HTTP_GET, 500),
        (None, 200),
    ]
    assert entries[2].operation == "GetImageStatus"
    assert emu.log.count("http_get") == 2 and emu.log.count(status=200) == 2
    assert all("wrong-key" not in repr(e) for e in entries)
    emu.log.clear()
    assert len(emu.log) == 0


def test_config_validation() -> None:
    with pytest.raises(TypeError, match="unknown emulator knob"):
        EmulatorConfig(latencyy=1)
    config = EmulatorConfig()
    with pytest.raises(ValueError, match="fail_rate"):
        config.fail_rate = 2.0
    with pytest.raises(ValueError, match="errors"):
        config.update(errors="verbose")
    with pytest.raises(ValueError, match="soap13"):
        config.update(blocked_protocols="soap13")
    config.update(blocked_protocols="SOAP12, http_get", latency=1)
    assert config.blocked_protocols == {Protocol.SOAP12, Protocol.HTTP_GET}
    assert config.latency == 1.0
    assert "demo-api-key" not in repr(config)
    config.reset()
    assert config.blocked_protocols == frozenset() and config.latency == 0.0


def test_knobs_change_while_serving(emu: Emulator, call: Call) -> None:
    """Requests from several threads while another thread flips knobs: every answer is
    one consistent state (200 or 403), never a crash."""
    statuses: list[int] = []
    stop = threading.Event()

    def flip() -> None:
        while not stop.is_set():
            emu.config.blocked_protocols = frozenset({Protocol.HTTP_POST})
            emu.config.blocked_protocols = frozenset()

    def hammer() -> None:
        transport = httpx.WSGITransport(app=emu.wsgi_app)
        with httpx.Client(transport=transport, base_url="http://e") as c:
            from ._helpers import request

            statuses.extend(request(c, Protocol.HTTP_POST).status_code for _ in range(15))

    flipper = threading.Thread(target=flip)
    flipper.start()
    workers = [threading.Thread(target=hammer) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    flipper.join()
    assert len(statuses) == 60 and set(statuses) <= {200, 403}

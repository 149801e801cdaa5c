"""Wire-level helpers for the fallback / retry tests: minimal ASMX answers per protocol."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import respx

from pixelz import Protocol

from ..unit._wire import Rec, ok_response, protocol_of

BASE = "http://pixelz.test/soap.asmx"
EMAIL = "qa@example.com"
KEY = "SENTINEL-KEY-77c1"
PROTOCOLS = ("soap11", "soap12", "http_post", "http_get")
TICKET = "0f8fad5b-d9cb-469f-a165-70867728950e"

def ok(protocol: str) -> httpx.Response:
    """A one-record GetImagesList success in the shape ``protocol`` answers with."""
    record = Rec(TICKET, customer="sku-1", status_name="Delivered")
    return ok_response(Protocol(protocol), [record])


def waf_block() -> httpx.Response:
    return httpx.Response(
        403,
        headers={"Content-Type": "text/html"},
        text="<html><body><h1>Request blocked</h1>Reference #18.2f</body></html>",
    )


class Routes:
    """Answers per protocol: ``routes.answer["soap11"] = waf_block`` (a callable returning
    a response, or raising an httpx error); ``routes.calls`` counts requests per protocol."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.answer: dict[str, Callable[[], httpx.Response]] = {
            name: (lambda name=name: ok(name)) for name in PROTOCOLS
        }
        self.calls: dict[str, int] = dict.fromkeys(PROTOCOLS, 0)
        self.requests: list[httpx.Request] = []
        router.route(host="pixelz.test").mock(side_effect=self._dispatch)

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        protocol = protocol_of(request)
        self.calls[protocol] += 1
        self.requests.append(request)
        return self.answer[protocol]()


@pytest.fixture
def routes() -> Iterator[Routes]:
    with respx.mock(assert_all_called=False) as router:
        yield Routes(router)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry sleeps instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr("pixelz._sync_io.sleep", slept.append)
    return slept

"""The retry and fallback policy without I/O: ``pixelz._policy.execute`` driven by hand.

``execute`` is a generator: it yields ``Send(request)`` or ``Sleep(seconds)`` and is sent
what sending produced, an ``httpx.Response`` or a ``Failure`` (a request that got no
response). Here the test is the driver, so every row of the decision table in
pixelz/_policy.py is checked with scripted answers: no transport, no clock, no sleeping.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pixelz
from pixelz import Protocol
from pixelz._operations import GET_IMAGES_LIST
from pixelz._policy import Failure, ProtocolSelector, RetryPolicy, Send, Sleep, execute
from pixelz.transports import Transport, default_transport

from ._wire import CONTENT_TYPES, EMAIL, KEY, Rec, ok_response, protocol_of

BASE = httpx.URL("http://pixelz.test/soap.asmx")
T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
CALL = GET_IMAGES_LIST.bind(EMAIL, KEY, page=1)
ALL = ("soap11", "soap12", "http_post", "http_get")

Answer = httpx.Response | Failure


def ok(protocol: str) -> httpx.Response:
    return ok_response(Protocol(protocol), [Rec(T1)])


def blocked(protocol: str = "") -> httpx.Response:  # (same shape on every protocol)
    return httpx.Response(403, headers={"Content-Type": "text/html"}, text="<html>blocked</html>")


def fault(protocol: str) -> httpx.Response:
    """The service's own error, as ``protocol`` carries it (a SOAP fault or ASMX text)."""
    if protocol == "soap11":
        body = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                "<soap:Body><soap:Fault><faultcode>soap:Client</faultcode>"
                "<faultstring>Invalid key</faultstring></soap:Fault></soap:Body></soap:Envelope>")
    elif protocol == "soap12":
        body = ('<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">'
                "<soap:Body><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value>"
                '</soap:Code><soap:Reason><soap:Text xml:lang="en">Invalid key</soap:Text>'
                "</soap:Reason></soap:Fault></soap:Body></soap:Envelope>")
    else:
        return httpx.Response(500, headers={"Content-Type": "text/plain; charset=utf-8"},
                              text="System.ArgumentException: Invalid key\n  at Soap.X ()")
    return httpx.Response(500, headers={"Content-Type": CONTENT_TYPES[Protocol(protocol)]},
                          text=body)


def unreadable(protocol: str) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": CONTENT_TYPES[Protocol(protocol)]},
                          text='<?xml version="1.0"?><ImagesListResponse><Ima')


def status(code: int, retry_after: str | None = None) -> httpx.Response:
    return httpx.Response(code, headers={"Retry-After": retry_after} if retry_after else {})


class Driver:
    """Answers each ``Send`` from a per-protocol script and records sends and sleeps."""

    def __init__(self, **script: list[Answer]) -> None:
        self.script = script
        self.sent: list[str] = []
        self.slept: list[float] = []

    def run(self, *protocols: str, retries: int = 2, call: Any = CALL,
            selector: ProtocolSelector | None = None, over: Any = None,
            **policy: float) -> Any:
        chosen = over or transports(*protocols)
        steps = execute(call, BASE, chosen, RetryPolicy(max_retries=retries, **policy),
                        selector=selector, rng=random.Random(7))
        feedback: Answer | None = None
        try:
            while True:
                action = steps.send(feedback)
                if isinstance(action, Sleep):
                    self.slept.append(action.seconds)
                    feedback = None
                else:
                    assert isinstance(action, Send)
                    protocol = protocol_of(action.request).value
                    self.sent.append(protocol)
                    feedback = self.script[protocol].pop(0)
        except StopIteration as done:
            return done.value


def transports(*protocols: str) -> list[Transport]:
    return [default_transport(Protocol(p)) for p in protocols or ALL]


# -- success and retries on one protocol --------------------------------------------------


def test_first_answer_is_the_outcome() -> None:
    driver = Driver(soap11=[ok("soap11")])
    outcome = driver.run()
    assert outcome.protocol is Protocol.SOAP11
    assert outcome.value == (Rec(T1).expected(),)
    assert (driver.sent, driver.slept) == (["soap11"], [])


@pytest.mark.parametrize("code", [408, 429, 502, 503, 504])
def test_retryable_status_backs_off_then_succeeds(code: int) -> None:
    driver = Driver(http_post=[status(code), status(code), ok("http_post")])
    assert driver.run("http_post", "soap11").protocol is Protocol.HTTP_POST
    assert driver.sent == ["http_post"] * 3
    # No Retry-After: 0.5 s then 1 s, each less up to a quarter at random.
    assert len(driver.slept) == 2
    for slept, base in zip(driver.slept, (0.5, 1.0), strict=True):
        assert 0.75 * base <= slept <= base


def test_backoff_is_capped() -> None:
    driver = Driver(soap11=[status(503)] * 6)
    with pytest.raises(pixelz.APIError):
        driver.run(retries=5, initial_delay=1.0, max_delay=3.0)
    assert [math.ceil(s) for s in driver.slept] == [1, 2, 3, 3, 3]


@pytest.mark.parametrize(("header", "low", "high"), [
    ("2", 2.0, 2.0),
    ("0", 0.0, 0.0),
    ("3600", 60.0, 60.0),  # an hour-long hint waits the cap
    ("HTTP date 5 s ahead", 3.0, 5.0),
    ("-1", 0.375, 0.5),  # not a wait: the ordinary backoff
    ("soon", 0.375, 0.5),
])
def test_retry_after(header: str, low: float, high: float) -> None:
    if header.startswith("HTTP date"):
        header = email.utils.formatdate(time.time() + 5, usegmt=True)
    driver = Driver(soap11=[status(503, header), ok("soap11")])
    driver.run("soap11")
    assert len(driver.slept) == 1 and low <= driver.slept[0] <= high, driver.slept


@given(st.text(max_size=40) | st.sampled_from(
    ["nan", "inf", "-inf", "1e400", "99999999999", "Fri, 31 Dec 9999 23:59:59 GMT",
     "Mon, 01 Jan 0001 00:00:00 +2359", "Wed, 21 Oct 2015 07:28:00 GMT"]))
def test_any_retry_after_gives_a_bounded_wait(header: str) -> None:
    answer = httpx.Response(503, headers=[("Retry-After", header.encode("utf-8"))])
    driver = Driver(soap11=[answer, ok("soap11")])
    driver.run("soap11")
    assert len(driver.slept) == 1
    assert math.isfinite(driver.slept[0]) and 0 <= driver.slept[0] <= 60


def test_retries_exhausted_is_an_api_error_without_fallback() -> None:
    driver = Driver(soap11=[status(429)] * 3)
    with pytest.raises(pixelz.APIError) as info:
        driver.run("soap11", "soap12")
    assert info.value.status_code == 429
    assert "after 3 attempts" in str(info.value)
    assert driver.sent == ["soap11"] * 3


# -- answers that end a protocol: fall back or not ----------------------------------------


@pytest.mark.parametrize("protocol", ALL)
def test_service_fault_is_final(protocol: str) -> None:
    driver = Driver(**{protocol: [fault(protocol)]})
    with pytest.raises(pixelz.APIError) as info:
        driver.run(protocol, *(p for p in ALL if p != protocol))
    assert info.value.message == "Invalid key" and info.value.protocol == protocol
    assert driver.sent == [protocol]


@pytest.mark.parametrize(("answer", "error"), [
    (blocked, pixelz.ProtocolBlockedError),
    (unreadable, pixelz.ResponseParseError),
])
def test_path_failure_falls_back_at_once(answer: Any, error: type) -> None:
    driver = Driver(soap11=[answer("soap11")], http_get=[ok("http_get")])
    assert driver.run("soap11", "http_get").protocol is Protocol.HTTP_GET
    assert (driver.sent, driver.slept) == (["soap11", "http_get"], [])
    with pytest.raises(error):  # what the attempt was, as a pinned protocol raises it
        Driver(soap11=[answer("soap11")]).run("soap11")


@pytest.mark.parametrize(("kind", "error", "tries", "falls_back"), [
    ("connect", pixelz.NetworkError, 3, False),
    ("timeout", pixelz.RequestTimeoutError, 3, False),
    ("reset", pixelz.NetworkError, 3, True),
    ("too_large", pixelz.ResponseParseError, 1, True),
    ("other", pixelz.ResponseParseError, 1, True),
])
def test_failures_without_a_response(kind: str, error: type, tries: int,
                                     falls_back: bool) -> None:
    driver = Driver(soap11=[Failure(kind, f"{kind} happened")] * 3, soap12=[ok("soap12")])
    if falls_back:
        assert driver.run("soap11", "soap12").protocol is Protocol.SOAP12
    else:
        with pytest.raises(error) as info:
            driver.run("soap11", "soap12")
        assert type(info.value) is error
        assert f"{kind} happened (after 3 attempts)" in str(info.value)
    assert driver.sent.count("soap11") == tries
    assert len(driver.slept) == tries - 1


def test_markup_is_not_sent_over_get_or_post() -> None:
    """ASP.NET would refuse ``<x`` in a form value: those protocols are skipped unsent."""
    call = GET_IMAGES_LIST.bind(EMAIL, KEY, page=1, product_id="<x>")
    driver = Driver(soap12=[ok("soap12")])
    assert driver.run("http_get", "http_post", "soap12", call=call).protocol is Protocol.SOAP12
    assert driver.sent == ["soap12"]


def test_every_attempt_is_reported_when_nothing_works() -> None:
    driver = Driver(soap11=[blocked()], soap12=[unreadable("soap12")],
                    http_post=[Failure("reset", "reset by peer")] * 3, http_get=[blocked()])
    with pytest.raises(pixelz.AllProtocolsFailedError) as info:
        driver.run()
    attempts = info.value.attempts
    assert [p for p, _ in attempts] == list(Protocol)
    assert [type(e) for _, e in attempts] == [
        pixelz.ProtocolBlockedError, pixelz.ResponseParseError, pixelz.NetworkError,
        pixelz.ProtocolBlockedError,
    ]
    assert KEY not in str(info.value)


def test_one_protocol_raises_its_own_error() -> None:
    with pytest.raises(pixelz.ProtocolBlockedError):
        Driver(soap12=[blocked()]).run("soap12")


# -- the selector: stickiness and cool-down, on a fake clock ----------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def names(selector: ProtocolSelector, over: Any) -> list[str]:
    return [str(t.protocol) for t in selector.order(over)]


def test_selector_cools_a_failed_protocol_down_then_restores_it() -> None:
    clock = Clock()
    selector, over = ProtocolSelector(cooldown=60, clock=clock), transports()
    assert names(selector, over) == list(ALL) and selector.last is None
    selector.failed(over[0])
    selector.failed(over[2])
    assert names(selector, over) == ["soap12", "http_get", "soap11", "http_post"]  # tried last
    clock.now += 59.9
    assert names(selector, over)[0] == "soap12"
    clock.now += 0.2
    assert names(selector, over) == list(ALL)


def test_success_ends_a_cool_down_and_is_remembered() -> None:
    selector, over = ProtocolSelector(cooldown=60, clock=Clock()), transports()
    selector.failed(over[0])
    selector.succeeded(over[0])
    assert names(selector, over) == list(ALL)
    assert selector.last is Protocol.SOAP11


def test_execute_keeps_the_selector_up_to_date() -> None:
    clock = Clock()
    selector, over = ProtocolSelector(cooldown=300, clock=clock), transports()
    driver = Driver(soap11=[blocked(), ok("soap11")], soap12=[ok("soap12")] * 3)
    assert driver.run(selector=selector, over=over).protocol is Protocol.SOAP12
    assert selector.last is Protocol.SOAP12
    # Sticky: SOAP 1.1 is not tried again while it cools down.
    assert driver.run(selector=selector, over=over).protocol is Protocol.SOAP12
    assert driver.sent == ["soap11", "soap12", "soap12"]
    # Cooled down: the preferred protocol is tried first again, and wins.
    clock.now += 301
    assert driver.run(selector=selector, over=over).protocol is Protocol.SOAP11
    assert selector.last is Protocol.SOAP11


def test_a_cooling_protocol_is_still_tried_last() -> None:
    selector = ProtocolSelector(cooldown=300, clock=Clock())
    over = transports("soap11", "soap12")
    selector.failed(over[0])
    driver = Driver(soap12=[blocked()], soap11=[ok("soap11")])
    assert driver.run(selector=selector, over=over).protocol is Protocol.SOAP11
    assert driver.sent == ["soap12", "soap11"]

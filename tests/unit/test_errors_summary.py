"""``AllProtocolsFailedError`` says a failure shared by every protocol once."""

from __future__ import annotations

from pixelz import (
    AllProtocolsFailedError,
    NetworkError,
    Protocol,
    ProtocolBlockedError,
    ResponseParseError,
)

PROTOCOLS = list(Protocol)
NAMES = "soap11, soap12, http_post, http_get"
BLOCK = ("an HTML page instead of XML (HTTP {}, text/html); the protocol looks blocked by a "
         "proxy or firewall or disabled on the server")


def _blocked(status: int) -> list[tuple[Protocol, ProtocolBlockedError]]:
    return [
        (p, ProtocolBlockedError(BLOCK.format(status), protocol=p, status_code=status))
        for p in PROTOCOLS
    ]


def test_404_everywhere_says_the_base_url_is_wrong() -> None:
    error = AllProtocolsFailedError(_blocked(404), operation="GetImagesList")
    assert str(error) == (
        f"GetImagesList: every protocol ({NAMES}) got HTTP 404 Not Found: the base URL is "
        "probably wrong; it should name the service's .asmx file, like "
        "https://api.pixelz.com/soap.asmx"
    )
    assert len(error.attempts) == 4


def test_the_same_failure_everywhere_is_said_once() -> None:
    error = AllProtocolsFailedError(_blocked(403))
    assert str(error) == f"every protocol ({NAMES}) failed the same way: {BLOCK.format(403)}"


def test_the_same_kind_and_status_with_other_words_is_one_sentence() -> None:
    attempts = [
        (p, ProtocolBlockedError(f"block page for {p}", protocol=p, status_code=403))
        for p in PROTOCOLS
    ]
    error = AllProtocolsFailedError(attempts)
    assert str(error) == f"every protocol ({NAMES}) failed alike, soap11 with: block page for " \
        "soap11"


def test_different_failures_are_listed_one_by_one() -> None:
    attempts = [
        (Protocol.SOAP11, ProtocolBlockedError("blocked", status_code=403)),
        (Protocol.SOAP12, ProtocolBlockedError("gone", status_code=404)),
        (Protocol.HTTP_POST, ResponseParseError("garbage", status_code=404)),
        (Protocol.HTTP_GET, NetworkError("reset")),
    ]
    error = AllProtocolsFailedError(attempts)
    assert str(error) == (
        "every protocol failed (soap11: blocked; soap12: gone; http_post: garbage; "
        "http_get: reset)"
    )


def test_a_single_attempt_is_not_summarized() -> None:
    error = AllProtocolsFailedError(_blocked(404)[:1])
    assert str(error) == f"every protocol failed (soap11: {BLOCK.format(404)})"

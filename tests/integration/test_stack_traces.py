"""Stack traces for a local caller: the emulator prints the frames Mono prints, or none.

tests/integration/test_parity.py compares the answers with the frames removed; this test
compares the frames themselves, for every error request of the parity list sent by a local
caller (the ``local`` instance: full .NET error detail). Frame for frame: method, signature,
IL offset and assembly id, except the id of the service's own assembly, which changes with
every build of tests/reference_asmx/service/Soap.cs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest
from lxml import etree

from .test_parity import CASES, DELIBERATE, SUCCESSES, Case, Pair, _tickets

pytestmark = pytest.mark.reference

_SUCCESS_NAMES = {name for name, _, _ in SUCCESSES + _tickets()}
_END = "   --- End of inner exception stack trace ---"
_SERVICE_ID = re.compile(r"^(  at Soap\.[^\n]*in <)[0-9a-f]{32}(>:0 )$")
_DETAILS = re.compile(r'<div class="details">(.*?)</div>', re.DOTALL)

# Messages the service throws at two places: until the emulator's dispatcher passes the site
# on (pixelz.emulator._service.ServiceError.site), it prints no frames for them.
_TWO_PLACES = ("Invalid imagesPerPage", "Image not found")


def _is_error_case(case: Case) -> bool:
    if case.instance != "local" or case.name.split("/", 1)[1] in _SUCCESS_NAMES:
        return False
    return case.id not in DELIBERATE or case.name == "other/get-other-path"


ERROR_CASES = [c for c in CASES if _is_error_case(c)]


def error_text(response: httpx.Response) -> str:
    """The exception text in a SOAP fault, a GET/POST error or an ASP.NET error page."""
    if response.status_code != 500:  # a success, or an empty 400/415
        return ""
    ctype = response.headers.get("content-type", "")
    if "xml" in ctype:
        root = etree.fromstring(response.content)
        texts = root.xpath("//*[local-name()='faultstring' or local-name()='Text']/text()")
        return str(texts[0]) if texts else ""
    if ctype.startswith("text/html"):
        details = _DETAILS.search(response.text)
        return html.unescape(details.group(1)) if details else ""
    return response.text


def frames(response: httpx.Response) -> list[str]:
    lines = error_text(response).split("\n")
    found = [line for line in lines if line.startswith("  at ") or line == _END]
    return [_SERVICE_ID.sub(r"\1service\2", line) for line in found]


@pytest.fixture(scope="module")
def pair(reference_server: str, emulator_server_local: str) -> Iterator[Pair]:
    made = Pair(reference_server, emulator_server_local)
    yield made
    made.close()


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.id for c in ERROR_CASES])
def test_same_frames(pair: Pair, case: Case) -> None:
    reference, emulator = pair.send(case.request)
    expected, printed = frames(reference), frames(emulator)
    if any(message in error_text(reference).split("\n")[0] for message in _TWO_PLACES):
        assert printed in (expected, []), case.id
    else:
        assert printed == expected, case.id


def test_errors_with_frames_are_covered() -> None:
    # The list holds service faults, SOAP routing faults and GET/POST framework errors.
    names = {c.name for c in ERROR_CASES}
    for name in (
        "soap11/bad-key",
        "soap12/server-fault-boom",
        "http_get/invalid-page-0",
        "soap11/unknown-action",
        "soap12/no-action-unknown-element",
        "http_post/missing-parameter",
        "http_get/validation-markup",
        "http_post/unknown-method",
        "http_get/method-name-case",
        "http_post/post-text-plain",
        "other/get-other-path",
    ):
        assert name in names

"""An operation added through the table alone works end to end on every protocol.

``EchoRecord`` exists only in this test: one table entry, one model, one emulator handler.
Nothing else is written for it, yet the SDK sends it over all four protocols, the emulator
routes and answers it, its WSDL and help page list it, and the parser reads the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import pytest

import pixelz
from pixelz._operations import (
    CREDENTIALS,
    INT,
    OPERATIONS,
    STRING,
    Field,
    Operation,
    Param,
    Record,
    Result,
    array_of,
)
from pixelz.emulator import Emulator
from pixelz.emulator._service import HANDLERS, ServiceError, check_credentials


@attrs.frozen
class Echo:
    text: str | None
    count: int
    tags: tuple[str, ...]


ECHO = Operation(
    "EchoRecord",
    (
        *CREDENTIALS,
        Param("text", python="text"),
        Param("count", INT, python="count"),
        Param("tags", array_of(STRING), python="tags"),
    ),
    Result(
        "EchoResponse",
        Record("Echo", Echo, (
            Field("Text", "text"),
            Field("Count", "count", INT, required=True),
            Field("Tags", "tags", array_of(STRING)),
        )),
    ),
)


def echo(values: Mapping[str, Any], settings: Any) -> dict[str, Any]:
    check_credentials(values, settings.contact_email, settings.contact_api_key)
    if not values["count"].lstrip("-").isdigit():
        raise ServiceError("Invalid count")
    return {"Text": values["text"], "Count": int(values["count"]), "Tags": values["tags"]}


@pytest.fixture
def emulator(pixelz_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setitem(OPERATIONS, ECHO.name, ECHO)
    monkeypatch.setitem(HANDLERS, ECHO.name, echo)
    return pixelz_emulator


def _client(emulator: Emulator, protocol: pixelz.Protocol) -> pixelz.Client:
    email, key = emulator.credentials
    return pixelz.Client(email, key, base_url=emulator.base_url, protocols=protocol,
                         max_retries=0)


@pytest.mark.parametrize("protocol", list(pixelz.Protocol))
def test_a_table_entry_is_callable_on_every_protocol(
    emulator: Emulator, protocol: pixelz.Protocol
) -> None:
    with _client(emulator, protocol) as client:
        result = client._invoke(ECHO, text="fish & chips\nbis", count=-3, tags=["a", "b c"])
    assert result == Echo("fish & chips\nbis", -3, ("a", "b c"))
    assert [(e.protocol, e.operation, e.status) for e in emulator.log.entries] == [
        (protocol, "EchoRecord", 200)
    ]


@pytest.mark.parametrize("protocol", list(pixelz.Protocol))
def test_service_errors_and_unset_values_on_every_protocol(
    emulator: Emulator, protocol: pixelz.Protocol
) -> None:
    with _client(emulator, protocol) as client, pytest.raises(pixelz.APIError) as caught:
        client._invoke(ECHO, text="t", tags=["x"])  # count unset: sent empty
    assert (caught.value.message, caught.value.protocol) == ("Invalid count", protocol)
    email, _ = emulator.credentials
    with pixelz.Client(email, "wrong", base_url=emulator.base_url, protocols=protocol,
                       max_retries=0) as client, pytest.raises(pixelz.APIError) as caught:
        client._invoke(ECHO, text="t", count=1, tags=["x"])
    assert caught.value.message == "Invalid contact email or API key"


def test_an_empty_array_goes_over_soap_only(emulator: Emulator) -> None:
    email, key = emulator.credentials
    for protocol in (pixelz.Protocol.HTTP_GET, pixelz.Protocol.HTTP_POST):
        with _client(emulator, protocol) as client, pytest.raises(
            pixelz.ProtocolBlockedError, match="tags is an empty array"
        ):
            client._invoke(ECHO, text="t", count=1, tags=[])
    assert len(emulator.log) == 0  # refused before any I/O
    order = ["http_get", "soap12"]
    with pixelz.Client(email, key, base_url=emulator.base_url, protocols=order) as client:
        assert client._invoke(ECHO, text="t", count=1, tags=[]) == Echo("t", 1, ())
        assert client.protocol is pixelz.Protocol.SOAP12


def test_the_wsdl_and_help_pages_list_it(emulator: Emulator) -> None:
    import httpx

    wsdl = httpx.get(emulator.base_url + "?WSDL").text
    assert '<s:element name="EchoRecord">' in wsdl
    assert '<s:element minOccurs="1" maxOccurs="1" name="count" type="s:int" />' in wsdl
    assert '<s:complexType name="Echo">' in wsdl
    assert '<http:operation location="/EchoRecord" />' in wsdl
    page = httpx.get(emulator.base_url, params={"op": "EchoRecord"}).text
    assert "<h2>EchoRecord</h2>" in page
    assert "<font class=key>tags</font>=<font class=value>string</font>&amp;" in page

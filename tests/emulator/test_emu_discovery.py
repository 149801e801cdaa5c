"""Discovery (``?disco`` and the help page's link to it) and HEAD, as ASMX answers them.

The expected bytes are what the Mono reference server sends (docs/reference-server.md);
tests/integration/test_parity.py compares the two live, and
tests/integration/test_discovery_tools.py points Mono's ``disco`` and ``wsdl`` at the emulator.
"""

from __future__ import annotations

import httpx
import lxml.html
import pytest

from pixelz.emulator import Emulator, EmulatorConfig, RequestLog
from pixelz.emulator._app import EmulatorApp

DISCO = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns="http://schemas.xmlsoap.org/disco/">\n'
    '  <contractRef ref="http://emulator/soap.asmx?wsdl" docRef="http://emulator/soap.asmx" '
    'xmlns="http://schemas.xmlsoap.org/disco/scl/" />\n'
    '  <soap address="http://emulator/soap.asmx" xmlns:q1="http://removethebackground.com/" '
    'binding="q1:SoapSoap" xmlns="http://schemas.xmlsoap.org/disco/soap/" />\n'
    '  <soap address="http://emulator/soap.asmx" xmlns:q2="http://removethebackground.com/" '
    'binding="q2:SoapSoap12" xmlns="http://schemas.xmlsoap.org/disco/soap/" />\n'
    "</discovery>"
)


@pytest.mark.parametrize("query", ["disco", "DISCO", "Disco"])
def test_disco_document(query: str, client: httpx.Client) -> None:
    response = client.get(f"/soap.asmx?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=0"
    assert response.text == DISCO


@pytest.mark.parametrize(
    ("enabled", "bindings"),
    [
        ("soap12,http_get", ["q1:SoapSoap12"]),
        ("soap11", ["q1:SoapSoap"]),
        ("http_get,http_post", []),
    ],
)
def test_disco_lists_the_enabled_soap_bindings(
    enabled: str, bindings: list[str], emu: Emulator, client: httpx.Client
) -> None:
    emu.config.enabled_protocols = enabled  # type: ignore[assignment]
    text = client.get("/soap.asmx?disco").text
    assert text.count("<soap ") == len(bindings)
    for binding in bindings:
        assert f'binding="{binding}"' in text
    assert "<contractRef " in text


def test_disco_addresses_follow_the_host_header(client: httpx.Client) -> None:
    text = client.get("/soap.asmx?disco", headers={"Host": 'example.com:8080"&'}).text
    assert 'ref="http://example.com:8080&quot;&amp;/soap.asmx?wsdl"' in text
    assert 'address="http://example.com:8080&quot;&amp;/soap.asmx"' in text


@pytest.mark.parametrize("query", ["", "op=GetImagesList", "op=GetImageStatus", "op=Nope"])
def test_help_pages_link_the_discovery_document(query: str, client: httpx.Client) -> None:
    page = client.get(f"/soap.asmx?{query}").text
    assert page.startswith(
        '<html>\n\n    <head><link rel="alternate" type="text/xml" href="/soap.asmx?disco" />'
        '\n\n    <style type="text/css">'
    )
    links = lxml.html.fromstring(page).xpath('//head/link[@rel="alternate"]')
    assert [(link.get("type"), link.get("href")) for link in links] == [
        ("text/xml", "/soap.asmx?disco")
    ]


def test_help_page_link_follows_the_service_path() -> None:
    app = EmulatorApp(EmulatorConfig(), RequestLog(), base_path="/api/Pixelz.asmx")
    page = app.handle("GET", "/api/Pixelz.asmx", "", {"Host": "h"}).body.decode()
    assert '<link rel="alternate" type="text/xml" href="/api/Pixelz.asmx?disco" />' in page
    disco = app.handle("GET", "/api/Pixelz.asmx", "disco", {"Host": "h"}).body.decode()
    assert 'docRef="http://h/api/Pixelz.asmx"' in disco


# -- HEAD -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["WSDL", "wsdl", "disco", "", "op=GetImagesList"])
def test_head_on_the_service_url_is_405(query: str, client: httpx.Client) -> None:
    # The documentation protocol serves GET only: ASMX's HttpException 405, with no body.
    response = client.head(f"/soap.asmx?{query}")
    assert response.status_code == 405
    assert response.content == b""
    assert response.headers["content-type"] == "text/html"
    assert response.headers["cache-control"] == "private"
    assert response.headers["x-aspnet-version"] == "4.0.30319"
    assert "connection" not in response.headers


@pytest.mark.parametrize("path", ["/soap.asmx/GetImagesList", "/soap.asmx/Nope", "/soap.asmx/"])
@pytest.mark.parametrize("errors", ["local", "remote"])
def test_head_on_an_operation_is_unrecognized(path: str, errors: str, emu: Emulator) -> None:
    # No protocol claims a HEAD with a path: "Request format is unrecognized" (500), which
    # closes the connection like every 500.
    emu.config.errors = errors  # type: ignore[assignment]
    response = emu.app.handle("HEAD", path, "contactEmail=a", {"Host": "h"})
    assert (response.status, response.body) == (500, b"")
    assert response.header("Content-Type") == "text/html"
    assert response.header("Connection") == "close"


def test_head_is_not_a_protocol_request(emu: Emulator, client: httpx.Client) -> None:
    # Knobs that stand in front of the protocols do not apply, and nothing is invoked.
    emu.config.fail_rate = 1.0
    emu.config.blocked_protocols = "http_get"  # type: ignore[assignment]
    assert client.head("/soap.asmx/GetImagesList").status_code == 500
    assert client.head("/soap.asmx?WSDL").status_code == 405
    entry = emu.log.entries[-1]
    assert (entry.method, entry.protocol, entry.operation) == ("HEAD", None, None)


def test_head_over_a_socket_says_content_length_0(pixelz_emulator: Emulator) -> None:
    with httpx.Client() as http:
        response = http.head(pixelz_emulator.base_url + "?WSDL")
    assert (response.status_code, response.headers["content-length"]) == (405, "0")
    assert response.content == b""


"""``GET {base}?disco``: the discovery document ASMX serves for a service.

Discovery clients (.NET's and Mono's ``disco.exe`` and ``wsdl.exe``) given the bare service
URL read the help page's ``<link rel="alternate" type="text/xml">``, fetch this document and
follow its ``contractRef`` to the WSDL. Byte for byte what ASMX's XmlSerializer writes (as
the Mono reference server answers): a ``contractRef`` to ``?wsdl``, then one ``soap`` element
per enabled SOAP binding, each declaring the service namespace under the next ``qN`` prefix.
"""

from __future__ import annotations

from collections.abc import Collection
from xml.sax.saxutils import escape

from pixelz._operations import NAMESPACE
from pixelz.models import Protocol

__all__ = ["build_disco"]

_BINDINGS = ((Protocol.SOAP11, "SoapSoap"), (Protocol.SOAP12, "SoapSoap12"))


def _attr(value: str) -> str:
    """A double-quoted attribute value, escaped as .NET's XmlWriter does."""
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def build_disco(location: str, enabled: Collection[Protocol]) -> bytes:
    """The discovery document of the service at ``location``."""
    address, contract = _attr(location), _attr(location + "?wsdl")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns="http://schemas.xmlsoap.org/disco/">',
        f"  <contractRef ref={contract} docRef={address} "
        'xmlns="http://schemas.xmlsoap.org/disco/scl/" />',
    ]
    bindings = [name for protocol, name in _BINDINGS if protocol in enabled]
    for n, binding in enumerate(bindings, start=1):
        lines.append(
            f'  <soap address={address} xmlns:q{n}="{NAMESPACE}" binding="q{n}:{binding}" '
            'xmlns="http://schemas.xmlsoap.org/disco/soap/" />'
        )
    lines.append("</discovery>")
    return "\n".join(lines).encode("utf-8")

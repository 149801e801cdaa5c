"""zeep's reply processing, the P1/P5 baseline; the WSDL is the local copy in bench/."""

from __future__ import annotations

import pathlib
import types
from collections.abc import Callable
from typing import Any

__all__ = ["WSDL", "ZeepReplies", "reply_processor", "zeep_count"]

WSDL = pathlib.Path(__file__).with_name("service.wsdl")
_PORTS = {"soap11": "SoapSoap", "soap12": "SoapSoap12", "http_get": "SoapHttpGet"}


class ZeepReplies:
    """zeep's ``Binding.process_reply`` for GetImagesList, as zeep runs it on the response
    of ``client.service.GetImagesList(...)``: XML parse plus deserialization against the
    WSDL's schema. The WSDL is loaded (and the schema compiled) once, here."""

    def __init__(self, shape: str) -> None:
        import zeep  # bench-only dependency

        self.client = zeep.Client(str(WSDL))  # type: ignore[no-untyped-call]
        self.binding = self.client.wsdl.services["Soap"].ports[_PORTS[shape]].binding
        self.operation = self.binding.get("GetImagesList")

    def process(self, body: bytes, content_type: str) -> Any:
        response = types.SimpleNamespace(
            status_code=200, content=body, headers={"Content-Type": content_type},
            encoding="utf-8",
        )
        return self.binding.process_reply(self.client, self.operation, response)


def reply_processor(shape: str, body: bytes, content_type: str) -> Callable[[], Any]:
    replies = ZeepReplies(shape)
    return lambda: replies.process(body, content_type)


def zeep_count(result: Any) -> int:
    """How many ImageStatus records zeep returned (SOAP unwraps to the array, GET does not)."""
    array = getattr(result, "Images", result)
    return len(array.ImageStatus)

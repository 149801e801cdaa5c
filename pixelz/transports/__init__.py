"""Pluggable protocol transports; see :class:`Transport` for the contract."""

from .._operations import Call, Operation
from ..models import Protocol
from ._base import Transport
from ._http import HttpGetTransport, HttpPostTransport
from ._soap import Soap11Transport, Soap12Transport

__all__ = [
    "Call",
    "HttpGetTransport",
    "HttpPostTransport",
    "Operation",
    "Soap11Transport",
    "Soap12Transport",
    "Transport",
    "default_transport",
]

_DEFAULTS: dict[Protocol, type[Transport]] = {
    Protocol.SOAP11: Soap11Transport,
    Protocol.SOAP12: Soap12Transport,
    Protocol.HTTP_POST: HttpPostTransport,
    Protocol.HTTP_GET: HttpGetTransport,
}


def default_transport(protocol: Protocol) -> Transport:
    """The built-in transport for one of the four protocols."""
    return _DEFAULTS[protocol]()

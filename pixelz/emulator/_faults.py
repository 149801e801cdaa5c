"""The exceptions the emulated ASMX stack raises, and how each error style renders them.

A fault is modelled as a .NET exception chain (outermost first) plus the stack frames each
level would print. ``remote`` text is the message chain joined by `` ---> `` (what custom
errors show to remote callers); ``local`` text is the ``Exception.ToString()`` a local caller
gets, with plausible Mono-style frames like the captures, so the SDK is tested against both.
"""

from __future__ import annotations

from typing import Literal

import attrs

from pixelz._operations import Operation

__all__ = [
    "INVALID_OPERATION",
    "SOAP_EXCEPTION",
    "ErrorStyle",
    "Fault",
    "framework_fault",
    "render",
    "service_fault",
]

ErrorStyle = Literal["local", "remote"]

SOAP_EXCEPTION = "System.Web.Services.Protocols.SoapException"
INVALID_OPERATION = "System.InvalidOperationException"

_HASH_APP = "72eed30f62be46ea8db81f21d151556d"
_HASH_WS = "d474ca33c8e148b29a3d810931f33fcb"
_HASH_CORLIB = "12b418a7818c4ca0893feeaaf67f1e7f"


@attrs.frozen(slots=True)
class Level:
    """One exception of a chain: its .NET type, message and stack frames."""

    type_name: str
    message: str
    frames: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class Fault:
    """An error the service path raises; ``client`` picks soap:Client/Sender vs Server/Receiver."""

    chain: tuple[Level, ...]
    client: bool


def _method_frames(operation: Operation) -> tuple[str, ...]:
    signature = ", ".join(f"System.String {name}" for name in operation.parameters)
    return (
        f"at Soap.{operation.name} ({signature}) [0x0001f] in <{_HASH_APP}>:0 ",
        "at (wrapper managed-to-native) System.Reflection.RuntimeMethodInfo.InternalInvoke"
        "(System.Reflection.RuntimeMethodInfo,object,object[],System.Exception&)",
        "at System.Reflection.RuntimeMethodInfo.Invoke (System.Object obj, System.Reflection."
        "BindingFlags invokeAttr, System.Reflection.Binder binder, System.Object[] parameters, "
        f"System.Globalization.CultureInfo culture) [0x0007c] in <{_HASH_CORLIB}>:0 ",
    )


def _framework_frames(*methods: str) -> tuple[str, ...]:
    return tuple(
        f"at System.Web.Services.Protocols.{m} [0x{0x1B0 - 0x2F * i:05x}] in <{_HASH_WS}>:0 "
        for i, m in enumerate(methods)
    )


def service_fault(operation: Operation, message: str, *, client: bool, soap: bool) -> Fault:
    """An exception thrown inside the web method.

    Client errors are ``SoapException`` (the service's own validation); anything else is an
    ``InvalidOperationException`` which the SOAP protocols wrap in "Server was unable to
    process request." while GET/POST report it as thrown.
    """
    frames = _method_frames(operation)
    if client:
        return Fault((Level(SOAP_EXCEPTION, message, frames),), client=True)
    inner = Level(INVALID_OPERATION, message, frames)
    if not soap:
        return Fault((inner,), client=False)
    outer = Level(
        SOAP_EXCEPTION,
        "Server was unable to process request.",
        _framework_frames("WebServiceHandler.Invoke ()", "WebServiceHandler.CoreProcessRequest ()"),
    )
    return Fault((outer, inner), client=False)


def framework_fault(type_name: str, message: str, *frames: str) -> Fault:
    """An exception raised by the ASMX plumbing before the web method runs (a client
    error: the request did not fit)."""
    return Fault((Level(type_name, message, _framework_frames(*frames)),), client=True)


def render(fault: Fault, style: ErrorStyle) -> str:
    """The text a caller sees for ``fault`` under the given error style."""
    if style == "remote":
        return " ---> ".join(level.message for level in fault.chain)
    head = " ---> ".join(f"{level.type_name}: {level.message}" for level in fault.chain)
    lines = [head]
    for depth, level in enumerate(reversed(fault.chain)):
        lines.extend("  " + frame for frame in level.frames)
        if depth < len(fault.chain) - 1:
            lines.append("   --- End of inner exception stack trace ---")
    return "\n".join(lines)

"""The exceptions the emulated ASMX stack raises, and how each error style renders them.

A fault is modelled as a .NET exception chain (outermost first) plus the stack frames each
level prints. ``remote`` text is the message chain joined by `` ---> `` (what custom errors
show to remote callers); ``local`` text is the ``Exception.ToString()`` a local caller gets.

Every frame below is one the Mono reference server (docs/reference-server.md, Mono 6.8.0.105)
prints for the same failure, method, IL offset and assembly id included; where no trace was
observed (an operation or a throw site the reference does not have), the level prints no
frames rather than made-up ones. ``tests/integration/test_stack_traces.py`` holds the two side
by side. The frames of the web method itself are those of the reference service
(``tests/reference_asmx/service/Soap.cs``), whose semantics the emulator implements.
"""

from __future__ import annotations

from typing import Literal

import attrs

from pixelz._operations import Operation

__all__ = [
    "ACTION_NOT_RECOGNIZED",
    "GET_HANDLER",
    "INVALID_OPERATION",
    "METHOD_NAME_CASE",
    "METHOD_NAME_INVALID",
    "NO_ACTION",
    "REQUEST_FORMAT_INVALID",
    "SOAPACTION_NOT_RECOGNIZED",
    "SOAP_EXCEPTION",
    "ErrorStyle",
    "Fault",
    "Frames",
    "framework_fault",
    "missing_array",
    "missing_parameter",
    "render",
    "request_validation",
    "service_fault",
    "unconvertible_item",
    "unreadable_request",
]

ErrorStyle = Literal["local", "remote"]
Frames = tuple[str, ...]

SOAP_EXCEPTION = "System.Web.Services.Protocols.SoapException"
INVALID_OPERATION = "System.InvalidOperationException"

# Assembly ids (MVIDs) as Mono prints them: the framework's are fixed for a Mono build; the
# service's changes with every compile of Soap.cs (this is the one of a build of it).
_WEB_SERVICES = "d474ca33c8e148b29a3d810931f33fcb"
_WEB = "104e6566bcca4c7abc3969f72e3a7c56"
_WEB_EXTENSIONS = "71325693f1fc4adb9e93a7f074549d91"
_CORLIB = "12b418a7818c4ca0893feeaaf67f1e7f"
_SERVICE = "5ac018d200b8418da106a22ab093c072"

_CONTEXT = (
    "System.Type type, System.Web.HttpContext context, System.Web.HttpRequest request, "
    "System.Web.HttpResponse response"
)


def _at(method: str, offset: int, assembly: str) -> str:
    """One frame line as Mono writes it (without the two leading spaces; note the final one)."""
    return f"at {method} [0x{offset:05x}] in <{assembly}>:0 "


def _ws(method: str, offset: int) -> str:
    return _at(f"System.Web.Services.Protocols.{method}", offset, _WEB_SERVICES)


_SET_CONTEXT = (
    _ws(f"ServerProtocol.SetContext ({_CONTEXT})", 0x22),
    _ws(f"ServerProtocolFactory.Create ({_CONTEXT}, System.Boolean& abortProcessing)", 0x14),
)
_SOAP_ROUTE = (
    _ws("SoapServerProtocol.RouteRequest (System.Web.Services.Protocols.SoapServerMessage "
        "message)", 0x0),
    _ws("SoapServerProtocol.Initialize ()", 0x302),
    *_SET_CONTEXT,
)  # fmt: skip
_PROCESS = (_ws("WebServiceHandler.CoreProcessRequest ()", 0x14D),)
_READ_PARAMETERS = (_ws("HttpServerProtocol.ReadParameters ()", 0xA6), *_PROCESS)

# SOAP routing. The helper that throws is the version ASMX guesses before reading the body
# (SOAP 1.2 when there is no SOAPAction header), whatever version the fault is written in.
SOAPACTION_NOT_RECOGNIZED: Frames = (
    _ws("Soap11ServerProtocolHelper.RouteRequest ()", 0x1B0),
    *_SOAP_ROUTE,
)
NO_ACTION: Frames = (_ws("Soap12ServerProtocolHelper.RouteRequest ()", 0x196), *_SOAP_ROUTE)
ACTION_NOT_RECOGNIZED: Frames = (
    _ws("Soap12ServerProtocolHelper.RouteRequest ()", 0x205),
    *_SOAP_ROUTE,
)

# HTTP GET / POST.
METHOD_NAME_INVALID: Frames = (_ws("HttpServerProtocol.Initialize ()", 0x1CE), *_SET_CONTEXT)
METHOD_NAME_CASE: Frames = (_ws("HttpServerProtocol.Initialize ()", 0x17A), *_SET_CONTEXT)
REQUEST_FORMAT_INVALID: Frames = (_ws("HttpServerProtocol.ReadParameters ()", 0x104), *_PROCESS)

# No protocol claims the request: thrown while ASP.NET looks for the handler.
GET_HANDLER: Frames = (
    _ws(f"WebServiceHandlerFactory.CoreGetHandler ({_CONTEXT})", 0x116),
    _ws("WebServiceHandlerFactory.GetHandler (System.Web.HttpContext context, System.String "
        "verb, System.String url, System.String filePath)", 0x68),
    _at("System.Web.Script.Services.ScriptHandlerFactory.GetHandler (System.Web.HttpContext "
        "context, System.String requestType, System.String url, System.String pathTranslated)",
        0xB6, _WEB_EXTENSIONS),
    _at("System.Web.HttpApplication.GetHandler (System.Web.HttpContext context, System.String "
        "url, System.Boolean ignoreContextHandler)", 0x65, _WEB),
    _at("System.Web.HttpApplication.GetHandler (System.Web.HttpContext context, System.String "
        "url)", 0x0, _WEB),
    _at("System.Web.HttpApplication+<Pipeline>c__Iterator1.MoveNext ()", 0x86B, _WEB),
)  # fmt: skip


def missing_parameter(query: bool) -> Frames:
    """``Missing parameter``: read from the query string (GET) or the form (POST)."""
    return (_ws(_VALUE_COLLECTION_READ, 0xBC), _reader(query), *_READ_PARAMETERS)


def _reader(query: bool) -> str:
    if query:
        return _ws("UrlParameterReader.Read (System.Web.HttpRequest request)", 0x07)
    return _ws("HtmlFormParameterReader.Read (System.Web.HttpRequest request)", 0x1E)


_VALUE_COLLECTION_READ = (
    "ValueCollectionParameterReader.Read (System.Collections.Specialized.NameValueCollection "
    "collection)"
)


def missing_array(query: bool) -> Fault:
    """An array parameter with no field at all on GET/POST: the parameter reader asks the
    collection for its values, gets null and dereferences it."""
    frames = (_ws(_VALUE_COLLECTION_READ, 0x48), _reader(query), *_READ_PARAMETERS)
    message = "Object reference not set to an instance of an object"
    return Fault((Level("System.NullReferenceException", message, frames),), client=True)


_FROM_STRING = "ScalarFormatter.FromString (System.String value, System.Type type)"
_PARSE_INT32 = (
    _at("System.Number.ThrowOverflowOrFormatException (System.Boolean overflow, "
        "System.String overflowResourceKey)", 0x20, _CORLIB),
    _at("System.Number.ParseInt32 (System.ReadOnlySpan`1[T] value, System.Globalization."
        "NumberStyles styles, System.Globalization.NumberFormatInfo info)", 0x1C, _CORLIB),
    _at("System.Int32.Parse (System.String s, System.Globalization.NumberStyles style, "
        "System.IFormatProvider provider)", 0x20, _CORLIB),
)  # fmt: skip


def unconvertible_item(query: bool, value: str, inner: tuple[str, str]) -> Fault:
    """A GET/POST array item that is not an Int32 (``inner``: the parse exception's type
    and message). Mono prints the message's placeholders unfilled; filled as .NET does."""
    inner_frames = (
        *_PARSE_INT32,
        _at("System.Convert.ToInt32 (System.String value, System.IFormatProvider provider)",
            0x08, _CORLIB),
        _at("System.String.System.IConvertible.ToInt32 (System.IFormatProvider provider)",
            0x00, _CORLIB),
        _at("System.Convert.ChangeType (System.Object value, System.Type conversionType, "
            "System.IFormatProvider provider)", 0x12D, _CORLIB),
        _ws(_FROM_STRING, 0x3B),
    )  # fmt: skip
    outer_frames = (
        _ws(_FROM_STRING, 0x92), _ws(_VALUE_COLLECTION_READ, 0x62), _reader(query),
        *_READ_PARAMETERS,
    )  # fmt: skip
    message = f"Cannot convert {value} to System.Int32.\nParameter name: type"
    outer = Level("System.ArgumentException", message, outer_frames)
    return Fault((outer, Level(inner[0], inner[1], inner_frames)), client=True)


def unreadable_request(line: int, column: int, inner: tuple[str, str]) -> Fault:
    """A SOAP request the XML serializer cannot read (an array item that is not an Int32):
    the position is that of the node after the failing element. The serializer's frames
    belong to an assembly generated per service, so none are printed."""
    return Fault(
        (
            Level(SOAP_EXCEPTION, "Server was unable to read request."),
            Level(INVALID_OPERATION, f"There is an error in XML document ({line}, {column})."),
            Level(*inner),
        ),
        client=True,
    )


def request_validation(query: bool) -> Frames:
    """``HttpRequestValidationException``: thrown by the first read of the collection."""
    if query:
        collection = _at("System.Web.HttpRequest.get_QueryString ()", 0x2E, _WEB)
        reader = _ws("UrlParameterReader.Read (System.Web.HttpRequest request)", 0x0)
    else:
        collection = _at("System.Web.HttpRequest.get_Form ()", 0x2E, _WEB)
        reader = _ws("HtmlFormParameterReader.Read (System.Web.HttpRequest request)", 0x17)
    return (
        _at("System.Web.HttpRequest.ThrowValidationException (System.String name, "
            "System.String key, System.String value)", 0x46, _WEB),
        _at("System.Web.HttpRequest.ValidateNameValueCollection (System.String name, "
            "System.Collections.Specialized.NameValueCollection coll, "
            "System.Web.Util.RequestValidationSource source)", 0x61, _WEB),
        collection,
        reader,
        *_READ_PARAMETERS,
    )  # fmt: skip


# -- the web methods ------------------------------------------------------------------------

_INVOKE = (
    "at (wrapper managed-to-native) System.Reflection.RuntimeMethodInfo.InternalInvoke"
    "(System.Reflection.RuntimeMethodInfo,object,object[],System.Exception&)",
    _at("System.Reflection.RuntimeMethodInfo.Invoke (System.Object obj, System.Reflection."
        "BindingFlags invokeAttr, System.Reflection.Binder binder, System.Object[] parameters, "
        "System.Globalization.CultureInfo culture)", 0x7C, _CORLIB),
)  # fmt: skip

_CHECK_CREDENTIALS = ("Soap.CheckCredentials (System.String email, System.String key)", 0x74)
_PARSE_STATUS = ("Soap.ParseStatus (System.String value, System.String error)", 0x3E)
_PARSE_DATE = ("Soap.ParseDate (System.String value, System.String error)", 0x43)
_CREDENTIALS = "Invalid contact email or API key"


@attrs.frozen
class _Site:
    """Where the reference service throws ``message``: the IL offset in the web method and,
    when a helper throws, the helper's frame. ``name`` tells apart the places that throw the
    same message (the ``site`` of :class:`pixelz.emulator._service.ServiceError`)."""

    operation: str
    message: str
    offset: int
    helper: tuple[str, int] | None = None
    name: str = ""


_SITES = (
    _Site("GetImagesList", _CREDENTIALS, 0x0, _CHECK_CREDENTIALS),
    _Site("GetImagesList", "Invalid imageStatus", 0x07, _PARSE_STATUS),
    _Site("GetImagesList", "Invalid excludeImageStatus", 0x13, _PARSE_STATUS),
    _Site("GetImagesList", "Invalid fromDate", 0x20, _PARSE_DATE),
    _Site("GetImagesList", "Invalid toDate", 0x2D, _PARSE_DATE),
    _Site("GetImagesList", "Invalid page", 0x80),
    _Site("GetImagesList", "Invalid imagesPerPage", 0xB0, name="digits"),
    _Site("GetImagesList", "Invalid imagesPerPage", 0xD2, name="zero"),
    _Site("GetImagesList", "Invalid sortBy", 0x157),
    _Site("GetImagesList", "Invalid isDescending", 0x1B0),
    _Site("GetImagesList", "Simulated server failure", 0x1C2),
    _Site("GetImageStatus", _CREDENTIALS, 0x0, _CHECK_CREDENTIALS),
    _Site("GetImageStatus", "Invalid imageTicket", 0x2C),
    _Site("GetImageStatus", "Image not found", 0xA6, name="imageTicket"),
    _Site("GetImageStatus", "Image not found", 0x14C, name="customerImageId"),
    _Site("GetImageStatus", "imageTicket or customerImageId is required", 0x157),
)


def _method_frames(operation: Operation, message: str, site: str | None) -> Frames:
    """The frames of the web method throwing ``message``: none unless exactly one observed
    place matches (an unknown site, or a message thrown at several places with no ``site``)."""
    found = [
        s
        for s in _SITES
        if s.operation == operation.name
        and s.message == message
        and (site is None or s.name in ("", site))
    ]
    if len(found) != 1:
        return ()
    spot = found[0]
    signature = ", ".join(f"System.String {name}" for name in operation.parameters)
    frames = [_at(f"Soap.{operation.name} ({signature})", spot.offset, _SERVICE), *_INVOKE]
    if spot.helper is not None:
        frames.insert(0, _at(spot.helper[0], spot.helper[1], _SERVICE))
    return tuple(frames)


@attrs.frozen(slots=True)
class Level:
    """One exception of a chain: its .NET type, message and stack frames."""

    type_name: str
    message: str
    frames: Frames = ()


@attrs.frozen(slots=True)
class Fault:
    """An error the service path raises; ``client`` picks soap:Client/Sender vs Server/Receiver."""

    chain: tuple[Level, ...]
    client: bool


def service_fault(
    operation: Operation, message: str, *, client: bool, soap: bool, site: str | None = None
) -> Fault:
    """An exception thrown inside the web method.

    Client errors are ``SoapException`` (the service's own validation); anything else is an
    ``InvalidOperationException`` which the SOAP protocols wrap in "Server was unable to
    process request." (a wrapper with no frames of its own) while GET/POST report it as
    thrown. ``site`` names the throw site when one message has several.
    """
    frames = _method_frames(operation, message, site)
    if client:
        return Fault((Level(SOAP_EXCEPTION, message, frames),), client=True)
    inner = Level(INVALID_OPERATION, message, frames)
    if not soap:
        return Fault((inner,), client=False)
    outer = Level(SOAP_EXCEPTION, "Server was unable to process request.")
    return Fault((outer, inner), client=False)


def framework_fault(type_name: str, message: str, frames: Frames = ()) -> Fault:
    """An exception raised by the ASMX plumbing before the web method runs (a client
    error: the request did not fit); ``frames`` from the constants above."""
    return Fault((Level(type_name, message, frames),), client=True)


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

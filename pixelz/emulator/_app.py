"""The emulator core: one request in, one response out, no I/O.

Routing follows ASMX: ``POST {base}`` is SOAP (the Content-Type picks 1.1 or 1.2, the SOAPAction
header or ``action=`` parameter picks the operation, else the body element does), ``{base}/{Op}``
is HTTP GET or HTTP POST, ``GET {base}?WSDL`` is the service description, ``GET {base}?disco``
the discovery document and ``GET {base}`` the help page. Infrastructure knobs are applied in
front of the service, in this order: latency (by the adapters, which may sleep), transient 503,
WAF block, disabled protocol. Corruption is applied last, to successful operation responses
only.

Where the Mono reference server (docs/reference-server.md) was observed, this matches it:
GET/POST errors are ``text/plain`` text ending in a newline (request validation and unknown
operation names included), 400/415/500 close the connection, a non-SOAP Content-Type or a
SOAP 1.1 envelope sent as ``application/soap+xml`` is 415 (a SOAP 1.2 envelope sent as
``text/xml`` is answered as SOAP 1.2), ``&#x1;`` in a request is malformed (400), HEAD is
refused as every ASMX protocol refuses it (405 on the service URL, 500 on ``{base}/{Op}``, no
body). Arrays: over GET/POST one field per item; as ASMX's parameter reader (Mono's and
.NET's alike) does, an array with no field at all is a NullReferenceException and an item
that is not an Int32 (an empty one too) an ArgumentException, both 500 ``text/plain``; over
SOAP an unconvertible ``int`` item is "Server was unable to read request" located at the
node after it; a method with a complex parameter (``AddImageToQueue``) is not on GET/POST.
The tests/integration/test_parity.py test checks this request for request. Deliberate
differences: framework messages have their placeholders filled in as .NET does
(``Missing parameter: contactAPIkey.``, ``Cannot convert x to System.Int32.``, where Mono
prints ``{0}``); a verb other than
GET/HEAD/POST is IIS's 405, ``application/json`` is 415 (Mono: 500 HTML), a disabled SOAP
protocol answers like a disabled GET/POST (500 ``text/html`` error page, "Request format is
invalid: <content type>."; Mono: 405, "Request format is unrecognized."). Choices where the
real stack is unobserved: a non-envelope SOAP body is 400 like malformed XML; HTTP POST reads
``application/x-www-form-urlencoded`` only; operation names in the URL are case-sensitive
(another case is Mono's ArgumentException), parameter names case-insensitive (duplicates
joined by ",").

Outside the service, ``{origin}/files/{ticket}/{name}`` serves the thumbnails and finals of
images the emulator delivered (:mod:`pixelz.emulator._files`): GET and HEAD, one byte range
(206, or 416 when unsatisfiable; several ranges get the whole file), ``If-Range`` against the
ETag; the body streams in pieces (:attr:`Response.stream`). Before each request the
lifecycle steps due by then are applied (:meth:`EmulatorApp.settle`), so an answer never
lags the emulator's clock; afterwards :attr:`EmulatorApp.notify` tells the worker thread
when there is work for it.
"""

from __future__ import annotations

import http
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from xml.parsers import expat

import attrs
from lxml import etree

from pixelz._envelope import SOAP11_NS, SOAP12_NS, XSI_NS
from pixelz._operations import NAMESPACE, OPERATIONS, Operation, WireType
from pixelz.emulator import _faults, _help, _pages, _service, _xml
from pixelz.emulator._disco import build_disco
from pixelz.emulator._files import final_file, parse_range, thumbnail_file
from pixelz.emulator._lifecycle import FILES_PATH
from pixelz.emulator._validation import is_dangerous
from pixelz.emulator._wsdl import build_wsdl
from pixelz.emulator.config import EmulatorConfig, LogEntry, RequestLog, Settings
from pixelz.models import Protocol

__all__ = ["BASE_PATH", "IN_PROCESS_ORIGIN", "EmulatorApp", "Response"]

BASE_PATH = "/soap.asmx"
IN_PROCESS_ORIGIN = "http://pixelz-emulator"

Headers = tuple[tuple[str, str], ...]

_ASPNET = (("X-AspNet-Version", "4.0.30319"),)
_SOAP_TYPES = {"text/xml": Protocol.SOAP11, "application/soap+xml": Protocol.SOAP12}
_SOAP_NS = {Protocol.SOAP11: SOAP11_NS, Protocol.SOAP12: SOAP12_NS}
_XML_TYPE = {
    Protocol.SOAP11: "text/xml; charset=utf-8",
    Protocol.SOAP12: "application/soap+xml; charset=utf-8",
    Protocol.HTTP_GET: "text/xml; charset=utf-8",
    Protocol.HTTP_POST: "text/xml; charset=utf-8",
}
_FORM_TYPE = "application/x-www-form-urlencoded"
_CLOSES = frozenset({400, 415, 500})  # Mono's listener closes the connection after these


def _by_action(action: str) -> Operation | None:
    return next((op for op in OPERATIONS.values() if op.soap_action == action), None)


def _child(parent: Any, name: str) -> Any:
    return parent.find(f"{{{NAMESPACE}}}{name}")


_WHITE = "\t\n\v\f\r "
_INT32 = re.compile(r"[\t\n\v\f\r ]*[+-]?[0-9]+[\t\n\v\f\r ]*")
_NOT_AN_INT = ("System.FormatException", "Input string was not in a correct format.")
_TOO_BIG = ("System.OverflowException", "Value was either too large or too small for an Int32.")


def int_error(text: str) -> tuple[str, str] | None:
    """Why ``Int32.Parse`` (white space around, a sign, ASCII digits) refuses ``text``:
    the exception's type and message; None when it parses."""
    if not _INT32.fullmatch(text):
        return _NOT_AN_INT
    return None if -(2**31) <= int(text.strip(_WHITE)) < 2**31 else _TOO_BIG


class _Unreadable(Exception):
    """An array item the XML serializer cannot convert: the element and why."""

    def __init__(self, element: Any, reason: tuple[str, str]) -> None:
        super().__init__(reason[1])
        self.element = element
        self.reason = reason


def _read_value(element: Any, type_: WireType, in_array: bool = False) -> Any:
    """A SOAP parameter as the service method sees it: text for a scalar ("" when absent
    or nil: ASMX passes null, which the service reads as empty), a list for an array, a
    dict of members for a complex value. The service's own parameters are strings; inside
    an array, the serializer converts an ``int`` (a nil or empty one fails too), raising
    :class:`_Unreadable`."""
    absent = element is None or element.get(f"{{{XSI_NS}}}nil") == "true"
    if type_.item is not None:
        if absent:
            return []
        tag = f"{{{NAMESPACE}}}{type_.item_element}"
        return [_read_value(child, type_.item, True) for child in element if child.tag == tag]
    if type_.members:
        return {} if absent else {m.wire: _read_value(_child(element, m.wire), m.type, in_array)
                                  for m in type_.members}
    text = "" if absent else "".join(str(t) for t in element.itertext())
    if in_array and element is not None and type_.name == "int":
        reason = int_error(text)
        if reason is not None:
            raise _Unreadable(element, reason)
    return text


def _position_after(body: bytes, root: Any, element: Any) -> tuple[int, int]:
    """Line and column (1-based, in characters) of the node after ``element`` ends, as
    .NET's XmlReader reports it: the name of a tag, the start of text."""
    target = next(i for i, e in enumerate(root.iter(etree.Element)) if e is element)
    events: list[tuple[str, int]] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    starts = 0
    closing: list[int] = []
    done: list[bool] = [False]

    def start(*_: Any) -> None:
        nonlocal starts
        if done[0] and not events:
            events.append(("tag", parser.CurrentByteIndex + 1))
        closing.append(starts)
        starts += 1

    def end(*_: Any) -> None:
        if done[0] and not events:
            events.append(("tag", parser.CurrentByteIndex + 2))
        if closing.pop() == target:
            done[0] = True

    def text(*_: Any) -> None:
        if done[0] and not events:
            events.append(("text", parser.CurrentByteIndex))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(body, True)
    offset = events[0][1] if events else len(body)
    before = body[:offset].decode("utf-8", "replace")
    lines = re.split("\r\n|\r|\n", before)
    column = len(lines[-1].encode("utf-16-le")) // 2 + 1
    return len(lines), column


def _empty_type(media: str, headers: Mapping[str, str]) -> str:
    """Content-Type of the empty 400 and 415 SOAP answers: ASMX's first guess of the version
    (SoapServerProtocol.GuessVersion): SOAP 1.2 without a SOAPAction header or with an
    ``application/soap+xml`` body (``media``), else SOAP 1.1."""
    if "soapaction" not in headers or media == "application/soap+xml":
        return _XML_TYPE[Protocol.SOAP12]
    return _XML_TYPE[Protocol.SOAP11]


@attrs.frozen(slots=True)
class Response:
    """What the emulator answers: status, headers in order, body bytes.

    A large answer (a final image) comes as ``stream``, pieces to write after ``body``,
    and then its headers carry the Content-Length; otherwise servers count ``body``."""

    status: int
    headers: Headers
    body: bytes = b""
    stream: Iterable[bytes] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def reason(self) -> str:
        try:
            return http.HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or ``None``."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def framed_headers(self) -> list[tuple[str, str]]:
        """The headers to send: a Content-Length of the body added when none is set (a
        streamed response sets its own)."""
        if self.header("Content-Length") is not None:
            return list(self.headers)
        return [*self.headers, ("Content-Length", str(len(self.body)))]

    @property
    def content_length(self) -> int:
        """The Content-Length header if set, else the body's length."""
        given = self.header("Content-Length")
        return len(self.body) if given is None else int(given)

    def chunks(self) -> Iterable[bytes]:
        """Everything to write after the headers: ``body``, then ``stream``."""
        if self.body:
            yield self.body
        if self.stream is not None:
            yield from self.stream


def _response(
    status: int, content_type: str | None, body: bytes | str, *extra: tuple[str, str]
) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    headers: list[tuple[str, str]] = list(_ASPNET)
    headers.append(("Cache-Control", "private, max-age=0" if status == 200 else "private"))
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    headers.extend(extra)
    if status in _CLOSES:
        headers.append(("Connection", "close"))
    return Response(status, tuple(headers), data)


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """Media type (lower case) and parameters (names lower case, quotes removed)."""
    media, *rest = value.split(";")
    params = {}
    for item in rest:
        name, sep, val = item.partition("=")
        if sep:
            params[name.strip().lower()] = val.strip().strip('"')
    return media.strip().lower(), params


def _html_encode(text: str) -> str:
    """``HttpUtility.HtmlEncode``: quotes become ``&quot;``, apostrophes stay."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@attrs.define
class _Context:
    settings: Settings
    protocol: Protocol | None = None
    operation: Operation | None = None


class EmulatorApp:
    """Turns requests into responses per the current knobs, and logs each request."""

    def __init__(self, config: EmulatorConfig, log: RequestLog, base_path: str = BASE_PATH) -> None:
        self.config = config
        self.log = log
        self.base_path = base_path
        #: ``scheme://host:port`` of the delivered files' URLs (the server's, once started).
        self.origin = IN_PROCESS_ORIGIN
        #: Called after a request that left lifecycle or callback work to do.
        self.notify: Callable[[], None] = lambda: None

    def settle(self) -> int:
        """Apply the lifecycle steps due by the emulator's clock now."""
        s = self.config.settings
        return s.state.settle(s.speed, self.origin, s.final_size)

    def has_work(self) -> bool:
        """True while callbacks are pending, or images move on a real-time clock (on a
        manual one they move only when a request or ``advance`` settles them)."""
        s = self.config.settings
        moving = s.speed is not None and not s.state.clock.manual and s.state.moving() > 0
        return moving or s.state.outbox.pending() > 0

    def poke(self) -> None:
        """Wake the worker thread (:attr:`notify`) if there is work for it."""
        if self.has_work():
            self.notify()

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> Response:
        """Answer one request; ``path`` is decoded, ``query`` raw (still percent-encoded)."""
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        lowered: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            lowered[key] = f"{lowered[key]}, {value}" if key in lowered else value
        self.settle()
        ctx = _Context(self.config.settings)
        response = self._route(ctx, method.upper(), path, query, lowered, body)
        if method.upper() == "HEAD":
            response = attrs.evolve(response, body=b"", stream=None)
        self.log.append(
            LogEntry(
                method=method.upper(),
                path=path,
                protocol=ctx.protocol,
                operation=ctx.operation.name if ctx.operation else None,
                status=response.status,
            )
        )
        self.poke()
        return response

    # -- routing -------------------------------------------------------------------------

    def _route(
        self,
        ctx: _Context,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
    ) -> Response:
        if path.startswith(FILES_PATH):
            return self._file(ctx, method, path, headers)
        base = self.base_path
        if not path.lower().startswith(base.lower()) or path[len(base) :][:1] not in ("", "/"):
            return _response(404, "text/html; charset=utf-8", _pages.not_found_page(path))
        rest = path[len(base) :]
        if method == "HEAD":
            return self._head(ctx, rest)
        if method not in ("GET", "POST"):
            return _response(
                405,
                "text/html; charset=utf-8",
                _pages.method_not_allowed_page(),
                ("Allow", "GET, HEAD, POST"),
            )
        content_type = headers.get("content-type", "")
        media, params = parse_content_type(content_type)
        if not rest:
            if method == "GET":
                return self._describe(ctx, query, headers)
            if media not in _SOAP_TYPES:
                return _response(415, _empty_type(media, headers), b"")
            ctx.protocol = _SOAP_TYPES[media]
        else:
            ctx.protocol = Protocol.HTTP_GET if method == "GET" else Protocol.HTTP_POST
        gated = self._gate(ctx, rest or content_type)
        if gated is not None:
            return gated
        if ctx.protocol in _SOAP_NS:
            response = self._soap(ctx, ctx.protocol, headers, media, params, body)
        else:
            get_query = query if method == "GET" else None
            response = self._http(ctx, rest, get_query, content_type, media, body)
        if response.status == 200 and ctx.operation is not None:
            response = self._corrupt(response)
        return response

    def _describe(self, ctx: _Context, query: str, headers: dict[str, str]) -> Response:
        """``?WSDL``, ``?disco`` (any case) or the help page, as the Documentation protocol
        serves them; addresses follow the Host header."""
        location = f"http://{headers.get('host', 'localhost')}{self.base_path}"
        parts = {part.lower() for part in query.split("&")}
        if "wsdl" in parts:
            wsdl = build_wsdl(location, ctx.settings.enabled_protocols)
            return _response(200, "text/xml; charset=utf-8", wsdl)
        if "disco" in parts:
            disco = build_disco(location, ctx.settings.enabled_protocols)
            return _response(200, "text/xml; charset=utf-8", disco)
        page = _help.help_page(location, query, ctx.settings.enabled_protocols)
        return _response(200, "text/html; charset=utf-8", page)

    def _head(self, ctx: _Context, rest: str) -> Response:
        """HEAD, which no ASMX protocol serves (:meth:`handle` drops the body).

        ASMX asks each protocol factory in turn and keeps the last answer: on the service URL
        (help page, ``?WSDL``, ``?disco``) that is the documentation factory's refusal of any
        verb but GET, an HttpException 405; on ``{base}/{Op}`` it is nothing, so "Request
        format is unrecognized" (500), as for a disabled GET/POST.
        """
        if rest:
            return self._unrecognized(ctx, rest)
        return _response(405, "text/html", b"")

    def _file(self, ctx: _Context, method: str, path: str, headers: dict[str, str]) -> Response:
        """A delivered image's thumbnail or final (see the module docstring)."""
        served = ctx.settings.state.file(path)
        if served is None:
            return Response(404, (("Content-Type", "text/plain; charset=utf-8"),),
                            b"no such file\n")
        if method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),
                                  ("Content-Type", "text/plain; charset=utf-8")),
                            b"GET or HEAD only\n")
        ticket = str(served.ticket)
        file = (thumbnail_file(ticket, served.name) if served.size is None
                else final_file(ticket, served.name, served.size))
        size = file.size
        common = (("Content-Type", "image/png"), ("Accept-Ranges", "bytes"),
                  ("ETag", file.etag))
        wanted: tuple[int, int] | bool = True
        if "range" in headers and headers.get("if-range", file.etag) == file.etag:
            wanted = parse_range(headers["range"], size)
        if wanted is False:
            return Response(416, (*common, ("Content-Range", f"bytes */{size}"),
                                  ("Content-Length", "0")))
        start, stop = (0, size) if wanted is True else wanted
        extra: tuple[tuple[str, str], ...] = ()
        if wanted is not True:
            extra = (("Content-Range", f"bytes {start}-{stop - 1}/{size}"),)
        stream = file.chunks(start, stop) if method == "GET" else None
        return Response(206 if extra else 200,
                        (*common, *extra, ("Content-Length", str(stop - start))),
                        stream=stream)

    def _gate(self, ctx: _Context, ending: str) -> Response | None:
        """The answer of a failing, blocked or disabled protocol; None to go on."""
        s = ctx.settings
        assert ctx.protocol is not None
        if self.config.draw(s.fail_rate):
            return _response(
                503,
                "text/html; charset=utf-8",
                _pages.unavailable_page(),
                ("Retry-After", s.retry_after),
            )
        if ctx.protocol in s.blocked_protocols:
            page = _pages.waf_block_page(self.config.token())
            return _response(403, "text/html; charset=utf-8", page)
        if ctx.protocol not in s.enabled_protocols:
            if ctx.protocol in _SOAP_NS:
                # The emulator's own message (Mono: 405 HttpException), so no frames.
                return self._error_page(ctx, f"Request format is invalid: {ending}.")
            return self._unrecognized(ctx, ending)
        return None

    def _unrecognized(self, ctx: _Context, ending: str) -> Response:
        """No protocol handler claims the URL (a disabled GET/POST, an unknown path)."""
        message = f"Request format is unrecognized for URL unexpectedly ending in '{ending}'."
        return self._error_page(ctx, message, _faults.GET_HANDLER)

    def _error_page(self, ctx: _Context, message: str, frames: _faults.Frames = ()) -> Response:
        """ASP.NET's HTML error page for an InvalidOperationException (no handler)."""
        type_name = _faults.INVALID_OPERATION
        fault = _faults.framework_fault(type_name, message, frames)
        detail = _faults.render(fault, "local")
        page = _pages.aspnet_error_page(
            type_name, message, detail, remote=ctx.settings.errors == "remote"
        )
        return _response(500, "text/html", page)

    def _corrupt(self, response: Response) -> Response:
        mode = self.config.take_corruption()
        if mode == "truncate":
            return attrs.evolve(response, body=response.body[: len(response.body) // 2])
        if mode == "garbage":
            return attrs.evolve(response, body=b"\x1f\x8b\x08\x00\xff\xfe not xml at all \x00" * 4)
        if mode == "html":
            page = "<html><head><title>Sign in</title></head><body>Please sign in.</body></html>"
            return _response(200, "text/html; charset=utf-8", page)
        return response

    # -- the service -----------------------------------------------------------------------

    def _invoke(
        self, ctx: _Context, operation: Operation, values: dict[str, Any], soap: bool
    ) -> Any:
        handler = _service.HANDLERS[operation.name]
        try:
            return handler(values, ctx.settings)
        except _service.ServiceError as exc:
            return _faults.service_fault(operation, exc.message, client=exc.client, soap=soap,
                                         site=exc.site)

    # -- SOAP ------------------------------------------------------------------------------

    def _soap_fault(self, ctx: _Context, protocol: Protocol, fault: _faults.Fault) -> Response:
        if protocol is Protocol.SOAP11:
            code = "Client" if fault.client else "Server"
        else:
            code = "Sender" if fault.client else "Receiver"
        text = _faults.render(fault, ctx.settings.errors)
        return _response(500, _XML_TYPE[protocol], _xml.soap_fault(_SOAP_NS[protocol], code, text))

    def _soap(
        self,
        ctx: _Context,
        protocol: Protocol,
        headers: dict[str, str],
        media: str,
        params: dict[str, str],
        body: bytes,
    ) -> Response:
        if protocol is Protocol.SOAP11:
            action = urllib.parse.unquote(headers.get("soapaction", "").strip().strip('"'))
        else:
            action = urllib.parse.unquote(params.get("action", ""))
        operation = _by_action(action) if action else None
        if protocol is Protocol.SOAP11 and "soapaction" in headers and operation is None:
            message = f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
            frames = _faults.SOAPACTION_NOT_RECOGNIZED
            fault = _faults.framework_fault(_faults.SOAP_EXCEPTION, message, frames)
            return self._soap_fault(ctx, protocol, fault)

        root = _xml.parse_request_xml(body)
        if root is None or etree.QName(root).localname != "Envelope":
            return _response(400, _empty_type(media, headers), b"")
        if protocol is Protocol.SOAP11 and root.tag == f"{{{SOAP12_NS}}}Envelope":
            # ASMX settles the version by the envelope: a SOAP 1.2 envelope sent as text/xml
            # is answered as SOAP 1.2 (the other way round is 415, below).
            protocol = ctx.protocol = Protocol.SOAP12
        soap_ns = _SOAP_NS[protocol]
        if root.tag != f"{{{soap_ns}}}Envelope":  # a SOAP 1.1 envelope as application/soap+xml
            return _response(415, _XML_TYPE[Protocol.SOAP11], b"")  # the envelope's version
        soap_body = root.find(f"{{{soap_ns}}}Body")
        if soap_body is None:
            return _response(400, _empty_type(media, headers), b"")
        request_el = next(iter(soap_body.iterchildren("{*}*")), None)
        element_op = None
        if request_el is not None and etree.QName(request_el).namespace == NAMESPACE:
            element_op = OPERATIONS.get(etree.QName(request_el).localname)
        if operation is None:
            operation = element_op
        if operation is None:
            if action:
                message = f"Unable to handle request. The action '{action}' was not recognized."
                frames = _faults.ACTION_NOT_RECOGNIZED
            else:
                message = (
                    "Unable to handle request without a valid action parameter. "
                    "Please supply a valid soap action."
                )
                frames = _faults.NO_ACTION
            fault = _faults.framework_fault(_faults.SOAP_EXCEPTION, message, frames)
            return self._soap_fault(ctx, protocol, fault)
        ctx.operation = operation
        if element_op is not operation:
            # Routed by SOAPAction to another operation than the body names (or no element):
            # ASMX's parameter reader skips the unknown element, so every parameter is absent.
            request_el = None
        try:
            values = {
                p.wire: _read_value(None if request_el is None else _child(request_el, p.wire),
                                    p.type)
                for p in operation.params
            }
        except _Unreadable as exc:
            line, column = _position_after(body, root, exc.element)
            return self._soap_fault(ctx, protocol,
                                    _faults.unreadable_request(line, column, exc.reason))
        result = self._invoke(ctx, operation, values, soap=True)
        if isinstance(result, _faults.Fault):
            return self._soap_fault(ctx, protocol, result)
        s = ctx.settings
        envelope = _xml.soap_envelope(soap_ns, operation, result, s.nil_style, s.escape_cr)
        return _response(200, _XML_TYPE[protocol], envelope)

    # -- HTTP GET / POST ---------------------------------------------------------------

    def _http(
        self,
        ctx: _Context,
        rest: str,
        query: str | None,
        content_type: str,
        media: str,
        body: bytes,
    ) -> Response:
        if len(rest) < 2:  # "/soap.asmx/": no protocol claims the request
            return self._unrecognized(ctx, rest)
        operation = OPERATIONS.get(rest[1:])
        if operation is not None and ctx.protocol not in operation.protocols:
            operation = None  # ASMX leaves methods with complex parameters off GET/POST
        if operation is None:
            similar = next(
                (
                    name
                    for name, other in OPERATIONS.items()
                    if name.lower() == rest[1:].lower() and ctx.protocol in other.protocols
                ),
                None,
            )
            if similar is not None:
                # Mono's resource text, HTML entities and spacing included, values filled.
                fault = _faults.framework_fault(
                    "System.ArgumentException",
                    f"Invalid method name &#39;{rest[1:]}&#39;,  method names are case "
                    f"sensitive.   The method name &#39;{similar}&#39; with the same name but "
                    "different casing was found.\nParameter name: methodName",
                    _faults.METHOD_NAME_CASE,
                )
            else:
                fault = _faults.framework_fault(
                    _faults.INVALID_OPERATION,
                    f"{rest[1:]} Web Service method name is not valid.",
                    _faults.METHOD_NAME_INVALID,
                )
            return self._text_error(ctx, fault)
        ctx.operation = operation
        if query is None and media != _FORM_TYPE:
            fault = _faults.framework_fault(
                _faults.INVALID_OPERATION,
                f"Request format is invalid: {content_type}.",
                _faults.REQUEST_FORMAT_INVALID,
            )
            return self._text_error(ctx, fault)
        source = query if query is not None else body.decode("utf-8", "replace")
        pairs = urllib.parse.parse_qsl(source, keep_blank_values=True)
        collection = "QueryString" if query is not None else "Form"
        for name, value in pairs:
            if is_dangerous(value):
                shown = f'"{value}"'
                if len(shown) > 20:  # Mono shortens the value this way
                    shown = shown[:16] + '..."'
                message = (
                    f"A potentially dangerous Request.{collection} value was detected from the "
                    f"client ({_html_encode(f'{name}={shown}')})."
                )
                fault = _faults.framework_fault(
                    "System.Web.HttpRequestValidationException",
                    message,
                    _faults.request_validation(query is not None),
                )
                return self._text_error(ctx, fault)
        found: dict[str, list[str]] = {}
        for name, value in pairs:
            found.setdefault(name.lower(), []).append(value)
        values: dict[str, Any] = {}
        on_query = query is not None
        for param in operation.params:  # ASMX's parameter reader, parameter by parameter
            given = found.get(param.wire.lower())
            if param.type.item is not None:
                # An array takes one item per field, each converted to the item type; no
                # field at all is a null the reader dereferences (Mono and .NET alike).
                if given is None:
                    return self._text_error(ctx, _faults.missing_array(on_query))
                if param.type.item.name == "int":
                    for item in given:
                        reason = int_error(item)
                        if reason is not None:
                            fault = _faults.unconvertible_item(on_query, item, reason)
                            return self._text_error(ctx, fault)
                values[param.wire] = given
            elif given is None:
                fault = _faults.framework_fault(
                    _faults.INVALID_OPERATION,
                    f"Missing parameter: {param.wire}.",
                    _faults.missing_parameter(on_query),
                )
                return self._text_error(ctx, fault)
            else:  # a scalar given twice is the values joined by "," (NameValueCollection)
                values[param.wire] = ",".join(given)
        result = self._invoke(ctx, operation, values, soap=False)
        if isinstance(result, _faults.Fault):
            return self._text_error(ctx, result)
        s = ctx.settings
        document = _xml.result_document(operation, result, s.nil_style, s.escape_cr)
        assert ctx.protocol is not None
        return _response(200, _XML_TYPE[ctx.protocol], document)

    def _text_error(self, ctx: _Context, fault: _faults.Fault) -> Response:
        """GET/POST errors: the exception text and a newline, as plain text."""
        text = _faults.render(fault, ctx.settings.errors) + "\n"
        return _response(500, "text/plain; charset=utf-8", text)

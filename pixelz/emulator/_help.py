"""The service's own documentation: ``GET /soap.asmx`` and ``GET /soap.asmx?op={Op}``.

Modelled on the pages ASP.NET's ``DefaultWsdlHelpGenerator.aspx`` writes for a real ``.asmx``
(the Documentation protocol): the operation list with links to ``soap.asmx?op={Op}``, and per
operation a "Test" section (a form that posts every parameter to the HTTP POST endpoint, with
an Invoke button; for a method with an array or complex parameter only the sentence that the
test form needs primitive parameters) followed by a sample request and response for each
enabled protocol that can carry the method, in the order SOAP 1.1, SOAP 1.2, HTTP GET, HTTP
POST, with ``<font class=value>`` placeholders.

The samples are generated from the operation specs in :mod:`pixelz._operations`, the same
specs the SDK's envelope builder and parser read, so the documentation cannot drift from what
the SDK sends and parses (``tests/emulator/test_emu_help.py`` holds them side by side).
Placeholders are the XSD type names (``string``, ``guid``, ``int``, ``boolean``); an array of
nillable records shows a full first item and an ``xsi:nil="true"`` second one, as .NET does.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Collection, Iterable

from pixelz._envelope import SOAP11_NS, SOAP12_NS, XSD_NS, XSI_NS
from pixelz._operations import NAMESPACE, OPERATIONS, Operation, Record, WireType
from pixelz.emulator._xml import DECLARATION, NIL, Element
from pixelz.models import Protocol

__all__ = [
    "SERVICE_NAME",
    "TEST_FORM_PRIMITIVES_ONLY",
    "TEST_FORM_UNAVAILABLE",
    "Node",
    "help_page",
    "operation_page",
    "render",
    "request_sample",
    "response_sample",
    "service_page",
]

SERVICE_NAME = "Soap"  # the .NET class behind soap.asmx, as the WSDL's <wsdl:service> names it
TEST_FORM_UNAVAILABLE = "The test form is only available for requests from the local machine."
TEST_FORM_PRIMITIVES_ONLY = (
    "The test form is only available for methods with primitive types as parameters."
)

_SOAP = {Protocol.SOAP11: ("soap", SOAP11_NS), Protocol.SOAP12: ("soap12", SOAP12_NS)}
_SOAP_TYPE = {Protocol.SOAP11: "text/xml", Protocol.SOAP12: "application/soap+xml"}
_TITLES = {
    Protocol.SOAP11: "SOAP 1.1",
    Protocol.SOAP12: "SOAP 1.2",
    Protocol.HTTP_GET: "HTTP GET",
    Protocol.HTTP_POST: "HTTP POST",
}
_ORDER = (Protocol.SOAP11, Protocol.SOAP12, Protocol.HTTP_GET, Protocol.HTTP_POST)


# -- the sample documents ---------------------------------------------------------------------


# A sample is an ``_xml.Element`` tree whose leaf text is the placeholder: the XSD type
# name shown where a value goes.
Node = Element


def _sample(name: str, type_: WireType) -> Node:
    """A value's sample: the type name as placeholder; an array shows two items, a complex
    type its members."""
    if type_.item is not None:
        item = _sample(type_.item_element, type_.item)
        return Node(name, children=(item, item))
    if type_.members:
        return Node(name, children=tuple(_sample(m.wire, m.type) for m in type_.members))
    return Node(name, text=type_.name)


def _record(record: Record) -> Node:
    """A record's sample; a value with an XML attribute shows it with its type
    (``<Price Currency="string">decimal</Price>``)."""
    children: list[Node] = []
    for field in record.fields:
        if field.xml_attribute is None:
            children.append(_sample(field.wire, field.type))
        elif children and children[-1].name == field.wire:
            extra = ((field.xml_attribute, "string"),)
            children[-1] = Node(field.wire, children[-1].attributes + extra,
                                text=children[-1].text)
    return Node(record.element, children=tuple(children))


def _result_content(operation: Operation) -> tuple[Node, ...]:
    result = operation.result
    if result is None:
        return ()
    status = tuple(Node(name, text="string") for name in result.status_members)
    if result.record is None:
        return status
    if result.inline:
        return _record(result.record).children + status
    if result.many:  # an array of nillable records: a full item and a nil one
        nodes: tuple[Node, ...] = (_record(result.record), Node(result.record.element, NIL))
    else:
        nodes = (_record(result.record),)
    for name in reversed(result.path):
        nodes = (Node(name, children=nodes),)
    return nodes


def _request_element(operation: Operation) -> Node:
    params = tuple(_sample(p.wire, p.type) for p in operation.params)
    return Node(operation.name, (("xmlns", NAMESPACE),), params)


def _response_element(operation: Operation) -> Node:
    inner: tuple[Node, ...] = ()
    if operation.result is not None:
        inner = (Node(operation.result_element, children=_result_content(operation)),)
    return Node(operation.response_element, (("xmlns", NAMESPACE),), inner)


def _envelope(protocol: Protocol, body: Node) -> Node:
    prefix, namespace = _SOAP[protocol]
    declarations = (("xmlns:xsi", XSI_NS), ("xmlns:xsd", XSD_NS), (f"xmlns:{prefix}", namespace))
    return Node(f"{prefix}:Envelope", declarations, (Node(f"{prefix}:Body", children=(body,)),))


def request_sample(operation: Operation, protocol: Protocol) -> Node:
    """The SOAP request envelope shown for ``protocol`` (SOAP 1.1 or 1.2)."""
    return _envelope(protocol, _request_element(operation))


def response_sample(operation: Operation, protocol: Protocol) -> Node | None:
    """The answer shown for ``protocol``: a SOAP envelope, or the bare GET/POST document
    (None: a method without a result answers GET/POST with an empty body)."""
    if protocol in _SOAP:
        return _envelope(protocol, _response_element(operation))
    result = operation.result
    if result is None:
        return None
    # Only a list result holds a nil item (see _result_content), which needs xsi declared.
    declarations = (("xmlns:xsi", XSI_NS), ("xmlns:xsd", XSD_NS)) if result.many else ()
    return Node(result.root, (*declarations, ("xmlns", NAMESPACE)), _result_content(operation))


def _value(text: str) -> str:
    return f"<font class=value>{text}</font>"


def render(node: Node, *, markup: bool = True) -> str:
    """The sample as shown in a ``<pre>``: HTML-escaped with marked-up placeholders, or
    (``markup=False``) as the plain XML text, with the XML declaration."""

    def esc(text: str) -> str:
        return html.escape(text, quote=False) if markup else text

    lines = [esc(DECLARATION)]

    def walk(n: Node, depth: int) -> None:
        pad = "  " * depth
        attributes = "".join(f' {k}="{v}"' for k, v in n.attributes)
        if n.text is not None:
            text = _value(n.text) if markup else n.text
            lines.append(f"{pad}{esc(f'<{n.name}{attributes}>')}{text}{esc(f'</{n.name}>')}")
        elif not n.children:
            lines.append(pad + esc(f"<{n.name}{attributes} />"))
        else:
            lines.append(pad + esc(f"<{n.name}{attributes}>"))
            for child in n.children:
                walk(child, depth + 1)
            lines.append(pad + esc(f"</{n.name}>"))

    walk(node, 0)
    return "\n".join(lines)


# -- the pages ---------------------------------------------------------------------------------

_STYLE = """\
\t\tBODY { color: #000000; background-color: white; font-family: Verdana; margin-left: 0px; \
margin-top: 0px; }
\t\t#content { margin-left: 30px; font-size: .70em; padding-bottom: 2em; }
\t\tA:link { color: #336699; font-weight: bold; text-decoration: underline; }
\t\tA:visited { color: #6699cc; font-weight: bold; text-decoration: underline; }
\t\tA:active { color: #336699; font-weight: bold; text-decoration: underline; }
\t\tA:hover { color: cc3300; font-weight: bold; text-decoration: underline; }
\t\tP { color: #000000; margin-top: 0px; margin-bottom: 12px; font-family: Verdana; }
\t\tpre { background-color: #e5e5cc; padding: 5px; font-family: Courier New; font-size: x-small; \
margin-top: -5px; border: 1px #f0f0e0 solid; }
\t\ttd { color: #000000; font-family: Verdana; font-size: .7em; }
\t\th2 { font-size: 1.5em; font-weight: bold; margin-top: 25px; margin-bottom: 10px; \
border-top: 1px solid #003366; margin-left: -15px; color: #003366; }
\t\th3 { font-size: 1.1em; color: #000000; margin-left: -15px; margin-top: 10px; \
margin-bottom: 10px; }
\t\tul { margin-top: 10px; margin-left: 20px; }
\t\tol { margin-top: 10px; margin-left: 20px; }
\t\tli { margin-top: 10px; color: #000000; }
\t\tfont.value { color: darkblue; font: bold; }
\t\tfont.key { color: darkgreen; font: bold; }
\t\tfont.error { color: darkred; font: bold; }
\t\t.heading1 { color: #ffffff; font-family: Tahoma; font-size: 26px; font-weight: normal; \
background-color: #003366; margin-top: 0px; margin-bottom: 0px; margin-left: -30px; \
padding-top: 10px; padding-bottom: 3px; padding-left: 15px; width: 105%; }
\t\t.button { background-color: #dcdcdc; font-family: Verdana; font-size: 1em; \
border-top: #cccccc 1px solid; border-bottom: #666666 1px solid; border-left: #cccccc 1px solid; \
border-right: #666666 1px solid; }
\t\t.frmheader { color: #000000; background: #dcdcdc; font-family: Verdana; font-size: .7em; \
font-weight: normal; border-bottom: 1px solid #dcdcdc; padding-top: 2px; padding-bottom: 2px; }
\t\t.frmtext { font-family: Verdana; font-size: .7em; margin-top: 8px; margin-bottom: 0px; \
margin-left: 32px; }
\t\t.frmInput { font-family: Verdana; font-size: 1em; }
\t\t.intro { margin-left: -15px; }
"""


def _page(body: str, path: str) -> str:
    """The page around ``body``; its head links the discovery document (``{path}?disco``),
    which is how discovery clients given the bare service URL find the WSDL."""
    disco = html.escape(f"{path}?disco")
    return (
        f'<html>\n\n    <head><link rel="alternate" type="text/xml" href="{disco}" />\n\n'
        '    <style type="text/css">\n    \n'
        f"{_STYLE}           \n    </style>\n\n"
        f"    <title>\n\t{SERVICE_NAME} Web Service\n</title></head>\n\n  <body>\n\n"
        f'    <div id="content">\n\n      <p class="heading1">{SERVICE_NAME}</p><br>\n\n'
        f"{body}\n\n    </div>\n\n  </body>\n</html>\n"
    )


def _split(base_url: str) -> tuple[str, str, str]:
    """(host[:port], path, last path segment) of the service URL."""
    parts = urllib.parse.urlsplit(base_url)
    return parts.netloc, parts.path, parts.path.rsplit("/", 1)[-1]


def service_page(base_url: str) -> str:
    """``GET /soap.asmx``: the operations, each linking to its page, and the WSDL link."""
    _, path, page = _split(base_url)
    page = html.escape(page)
    items = "".join(
        f'\n            <li>\n              <a href="{page}?op={name}">{name}</a>\n'
        "              <span>\n              </span>\n            </li>\n"
        for name in OPERATIONS
    )
    body = (
        "      <span>\n"
        '          <p class="intro">The following operations are supported.  For a formal '
        f'definition, please review the <a href="{page}?WSDL">Service Description</a>. </p>\n'
        f"          <ul>\n{items}          </ul>\n"
        "      </span>"
    )
    return _page(body, path)


def _test_form(operation: Operation, base_url: str, enabled: Collection[Protocol]) -> str:
    head = "          <h3>Test</h3>\n\n"
    # The form has one text box per parameter: an array (a repeated field) or a complex
    # value does not fit, though GET/POST carry arrays of primitives.
    if Protocol.HTTP_POST not in operation.protocols or any(
        p.type.is_array or p.type.is_complex for p in operation.params
    ):
        return f"{head}          {TEST_FORM_PRIMITIVES_ONLY}\n"
    if Protocol.HTTP_POST not in enabled:
        return f"{head}          {TEST_FORM_UNAVAILABLE}\n"
    rows = "".join(
        "\n                          <tr>\n"
        '                            <td class="frmText" style="color: #000000; '
        f'font-weight: normal;">{p}:</td>\n'
        f'                            <td><input class="frmInput" type="text" size="50" '
        f'name="{p}"></td>\n'
        "                          </tr>\n"
        for p in operation.parameters
    )
    action = html.escape(f"{base_url}/{operation.name}")
    return (
        f"{head}          To test the operation using the HTTP POST protocol, click the "
        "'Invoke' button.\n\n"
        f'                      <form target="_blank" action=\'{action}\' method="POST">\n'
        '                          <table cellspacing="0" cellpadding="4" frame="box" '
        'bordercolor="#dcdcdc" rules="none" style="border-collapse: collapse;">\n'
        '                          <tr>\n\t<td class="frmHeader" background="#dcdcdc" '
        'style="border-right: 2px solid white;">Parameter</td>\n'
        '\t<td class="frmHeader" background="#dcdcdc">Value</td>\n</tr>\n'
        f"{rows}\n"
        "                        <tr>\n                          <td></td>\n"
        '                          <td align="right"> <input type="submit" value="Invoke" '
        'class="button"></td>\n                        </tr>\n'
        "                        </table>\n\n                    </form>\n"
    )


def _http_headers(lines: Iterable[str]) -> str:
    return "\n".join(lines)


def _protocol_section(
    operation: Operation, protocol: Protocol, host: str, path: str
) -> tuple[str, str]:
    """The request and response ``<pre>`` texts for one protocol."""
    length = f"Content-Length: {_value('length')}"
    if protocol in _SOAP:
        headers = [f"POST {path} HTTP/1.1", f"Host: {host}"]
        headers.append(f"Content-Type: {_SOAP_TYPE[protocol]}; charset=utf-8")
        headers.append(length)
        if protocol is Protocol.SOAP11:
            headers.append(f'SOAPAction: "{operation.soap_action}"')
        request = _http_headers(headers) + "\n\n" + render(request_sample(operation, protocol))
        content_type = _SOAP_TYPE[protocol]
    else:
        # An array goes as one field per item: two are shown, as in the XML samples.
        form = "&amp;".join(
            f"<font class=key>{p.wire}</font>={_value((p.type.item or p.type).name)}"
            for p in operation.params
            for _ in range(2 if p.type.item else 1)
        )
        if protocol is Protocol.HTTP_GET:
            request = f"GET {path}/{operation.name}?{form} HTTP/1.1\nHost: {host}\n"
        else:
            request = _http_headers(
                [
                    f"POST {path}/{operation.name} HTTP/1.1",
                    f"Host: {host}",
                    "Content-Type: application/x-www-form-urlencoded",
                    length,
                    "",
                    form,
                ]
            )
        content_type = "text/xml"
    response = _http_headers(
        ["HTTP/1.1 200 OK", f"Content-Type: {content_type}; charset=utf-8", length, ""]
    )
    sample = response_sample(operation, protocol)
    response += "\n" + (render(sample) if sample is not None else "")
    return request, response


def operation_page(operation: Operation, base_url: str, enabled: Collection[Protocol]) -> str:
    """``GET /soap.asmx?op={Op}``: the test form and the samples of every enabled protocol."""
    host, raw_path, page = _split(base_url)
    host = html.escape(host)
    path = html.escape(raw_path)
    sections = []
    for protocol in _ORDER:
        if protocol not in enabled or protocol not in operation.protocols:
            continue
        request, response = _protocol_section(operation, protocol, host, path)
        title = _TITLES[protocol]
        sections.append(
            "          <span>\n"
            f"              <h3>{title}</h3>\n"
            f"              <p>The following is a sample {title} request and response.  The "
            "<font class=value>placeholders</font> shown need to be replaced with actual "
            "values.</p>\n\n"
            f"              <pre>{request}</pre>\n\n"
            f"              <pre>{response}</pre>\n"
            "          </span>\n"
        )
    body = (
        "      <span>\n"
        f'          <p class="intro">Click <a href="{html.escape(page)}">here</a> for a complete '
        "list of operations.</p>\n"
        f"          <h2>{operation.name}</h2>\n"
        '          <p class="intro"></p>\n\n'
        f"{_test_form(operation, base_url, enabled)}"
        f"{''.join(sections)}\n"
        "      </span>"
    )
    return _page(body, raw_path)


def help_page(base_url: str, query: str = "", enabled: Collection[Protocol] = _ORDER) -> str:
    """The page for a ``GET {base}?{query}``: an operation's page for ``op={Op}`` naming a
    known operation (case-sensitive, as the web method names are), else the service page."""
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name.lower() == "op" and value in OPERATIONS:
            return operation_page(OPERATIONS[value], base_url, enabled)
    return service_page(base_url)

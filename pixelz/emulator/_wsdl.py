"""``?WSDL``: the service description, generated from the operation specs.

Modelled line for line on the captured ``service.wsdl`` and extended to every operation in
``OPERATIONS`` the way Mono's ASMX writes them (docs/reference-server.md): only the bindings,
port types and messages of enabled protocols are listed, as ASMX does when configuration
removes a protocol; an operation with a complex parameter is left off the HTTP GET/POST
bindings; an array parameter of a GET/POST message is an ``s2:StringArray`` (one field per
item), declared in the ``AbstractTypes`` schema; a record's XML type is its model's name
(``TemplateSpec``, written as the element ``Template``); a value with an XML attribute (a
decimal with its ``Currency``) is a ``simpleContent`` type.
"""

from __future__ import annotations

from collections.abc import Collection

from pixelz._operations import (
    NAMESPACE,
    OPERATIONS,
    Field,
    Operation,
    Param,
    Record,
    WireType,
    array_of,
    complex_type,
)
from pixelz.models import Protocol

__all__ = ["build_wsdl"]

_ABSTRACT_NS = NAMESPACE + "AbstractTypes"
_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<wsdl:definitions {abstract}xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" '
    'xmlns:s1="http://microsoft.com/wsdl/types/" '
    'xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" '
    f'xmlns:tns="{NAMESPACE}" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" '
    'xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/" '
    'xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
    f'targetNamespace="{NAMESPACE}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">'
)
_ABSTRACT_TYPES = (
    f'    <s:schema targetNamespace="{_ABSTRACT_NS}">\n'
    '      <s:import namespace="http://schemas.xmlsoap.org/soap/encoding/" />\n'
    '      <s:complexType name="StringArray">\n'
    '        <s:complexContent mixed="false">\n'
    '          <s:restriction base="soapenc:Array">\n'
    "            <s:sequence>\n"
    '              <s:element minOccurs="0" maxOccurs="unbounded" name="String" '
    'type="s:string" />\n'
    "            </s:sequence>\n"
    "          </s:restriction>\n"
    "        </s:complexContent>\n"
    "      </s:complexType>\n"
    "    </s:schema>"
)
# The .NET class of a value written with XML attributes (``[XmlText]`` value plus
# ``[XmlAttribute]`` members), by the value's XSD type and the attribute names.
_ATTRIBUTED: dict[tuple[str, tuple[str, ...]], str] = {("decimal", ("Currency",)): "Money"}

_PRIMITIVES = {
    "guid": "s1:guid",
    "int": "s:int",
    "boolean": "s:boolean",
    "string": "s:string",
    "decimal": "s:decimal",
    "dateTime": "s:dateTime",
}
_VALUE_TYPES = frozenset({"guid", "int", "boolean", "decimal", "dateTime"})  # never null
_HTTP = {Protocol.HTTP_GET: ("HttpGet", "GET"), Protocol.HTTP_POST: ("HttpPost", "POST")}


def _ref(type_: WireType) -> str:
    return _PRIMITIVES.get(type_.name, "tns:" + type_.name)


def _elem(name: str, type_: str, *, required: bool = False) -> str:
    occurs = "1" if required else "0"
    return f'<s:element minOccurs="{occurs}" maxOccurs="1" name="{name}" type="{type_}" />'


def _member(name: str, type_: WireType) -> str:
    return _elem(name, _ref(type_), required=type_.name in _VALUE_TYPES)


def _simple_content(name: str) -> list[str] | None:
    """The declaration of a value-with-attributes type (``Money``), or None."""
    for (base, attributes), type_name in _ATTRIBUTED.items():
        if type_name == name:
            declared = "".join(
                f'            <s:attribute name="{a}" type="s:string" />\n' for a in attributes
            )
            return [
                f'      <s:complexType name="{name}">\n        <s:simpleContent>\n'
                f'          <s:extension base="{_PRIMITIVES[base]}">\n{declared}'
                "          </s:extension>\n        </s:simpleContent>\n      </s:complexType>"
            ]
    return None


def _complex_types(type_: WireType, written: set[str]) -> list[str]:
    """The declarations of ``type_`` and of the types it uses, each once per document, in
    the order .NET writes them (a type right after its first use)."""
    if type_.name in _PRIMITIVES or type_.name in written:
        return []
    written.add(type_.name)
    simple = _simple_content(type_.name)
    if simple is not None:
        return simple
    lines = [f'      <s:complexType name="{type_.name}">\n        <s:sequence>']
    if type_.item is not None:
        item = type_.item
        # Items are optional even of a value type (ArrayOfInt); only those can be nil.
        nillable = "" if item.name in _VALUE_TYPES else ' nillable="true"'
        lines.append(
            '          <s:element minOccurs="0" maxOccurs="unbounded" '
            f'name="{type_.item_element}"{nillable} type="{_ref(item)}" />'
        )
        lines.append("        </s:sequence>\n      </s:complexType>")
        return lines + _complex_types(item, written)
    lines.extend(f"          {_member(m.wire, m.type)}" for m in type_.members)
    lines.append("        </s:sequence>\n      </s:complexType>")
    for member in type_.members:
        lines += _complex_types(member.type, written)
    return lines


def _members(fields: tuple[Field, ...]) -> tuple[Param, ...]:
    """A record's fields as members of its type: a field followed by ``xml_attribute``
    fields of the same element is one member of the value-with-attributes type."""
    members: list[Param] = []
    for index, field in enumerate(fields):
        if field.xml_attribute is not None:
            continue
        attributes = []
        for later in fields[index + 1 :]:
            if later.wire != field.wire or later.xml_attribute is None:
                break
            attributes.append(later.xml_attribute)
        type_ = field.type
        if attributes:
            type_ = WireType(_ATTRIBUTED[(field.type.name, tuple(attributes))])
        members.append(Param(field.wire, type_))
    return tuple(members)


def _record_type(record: Record) -> WireType:
    """The record's XML type: named after its model (the element name may differ: the
    ``Template`` element of GetTemplateSpec is a ``TemplateSpec``, since GetTemplates'
    ``Template`` owns that type name)."""
    return complex_type(record.model.__name__, *_members(record.fields))


def _result_type(op: Operation) -> WireType | None:
    """The .NET return type as a complex type: the record, or an array of records under
    the path element, as the one member of the root type."""
    result = op.result
    if result is None:
        return None
    status = tuple(Param(name) for name in result.status_members)
    if result.record is None:
        return complex_type(result.root, *status)
    record = _record_type(result.record)
    if result.inline:
        return complex_type(result.root, *record.members, *status)
    assert len(result.path) <= 1, "a result path of one element at most"
    inner = array_of(record) if result.many else record
    element = result.path[0] if result.path else result.record.element
    return complex_type(result.root, Param(element, inner))


def _on_http(op: Operation) -> bool:
    return Protocol.HTTP_GET in op.protocols


def _http_operations() -> list[Operation]:
    return [op for op in OPERATIONS.values() if _on_http(op)]


def _uses_string_arrays(http_enabled: bool) -> bool:
    return http_enabled and any(p.type.is_array for op in _http_operations() for p in op.params)


def _schema(http_enabled: bool) -> list[str]:
    lines = [
        f'    <s:schema elementFormDefault="qualified" targetNamespace="{NAMESPACE}">',
        '      <s:import namespace="http://microsoft.com/wsdl/types/" />',
    ]
    written: set[str] = set()
    for op in OPERATIONS.values():
        lines.append(f'      <s:element name="{op.name}">')
        lines.append("        <s:complexType>\n          <s:sequence>")
        lines.extend(f"            {_member(p.wire, p.type)}" for p in op.params)
        lines.append("          </s:sequence>\n        </s:complexType>\n      </s:element>")
        for param in op.params:
            lines += _complex_types(param.type, written)
        lines.append(f'      <s:element name="{op.response_element}">')
        result_type = _result_type(op)
        if result_type is None:
            lines.append("        <s:complexType />\n      </s:element>")
            continue
        lines.append("        <s:complexType>\n          <s:sequence>")
        lines.append(f"            {_elem(op.result_element, 'tns:' + result_type.name)}")
        lines.append("          </s:sequence>\n        </s:complexType>\n      </s:element>")
        lines += _complex_types(result_type, written)
    if http_enabled:  # the GET/POST answers' roots, each once, in order of first use
        roots = dict.fromkeys(op.result.root for op in _http_operations() if op.result)
        lines.extend(
            f'      <s:element name="{root}" nillable="true" type="tns:{root}" />' for root in roots
        )
    lines.append("    </s:schema>")
    lines.append(
        '    <s:schema elementFormDefault="qualified" '
        'targetNamespace="http://microsoft.com/wsdl/types/">\n'
        '      <s:simpleType name="guid">\n        <s:restriction base="s:string">\n'
        '          <s:pattern value="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}'
        '-[0-9a-fA-F]{12}" />\n        </s:restriction>\n      </s:simpleType>\n    </s:schema>'
    )
    if _uses_string_arrays(http_enabled):
        lines.append(_ABSTRACT_TYPES)
    return lines


def _messages(soap: bool, http: list[str]) -> list[str]:
    """Grouped by protocol, then operation, as ASMX orders them."""
    lines = []
    for op in OPERATIONS.values() if soap else ():
        for suffix, element in (("SoapIn", op.name), ("SoapOut", op.response_element)):
            lines.append(f'  <wsdl:message name="{op.name}{suffix}">')
            lines.append(f'    <wsdl:part name="parameters" element="tns:{element}" />')
            lines.append("  </wsdl:message>")
    for kind in http:
        for op in _http_operations():
            lines.append(f'  <wsdl:message name="{op.name}{kind}In">')
            lines.extend(
                f'    <wsdl:part name="{p.wire}" '
                f'type="{"s2:StringArray" if p.type.is_array else "s:string"}" />'
                for p in op.params
            )
            lines.append("  </wsdl:message>")
            lines.append(f'  <wsdl:message name="{op.name}{kind}Out">')
            if op.result is not None:
                lines.append(f'    <wsdl:part name="Body" element="tns:{op.result.root}" />')
            lines.append("  </wsdl:message>")
    return lines


def _port_types(soap: bool, http: list[str]) -> list[str]:
    lines = []
    for kind, msg in ([("Soap", "Soap")] if soap else []) + [(k, k) for k in http]:
        lines.append(f'  <wsdl:portType name="Soap{kind}">')
        for op in OPERATIONS.values() if kind == "Soap" else _http_operations():
            lines.append(f'    <wsdl:operation name="{op.name}">')
            lines.append(f'      <wsdl:input message="tns:{op.name}{msg}In" />')
            lines.append(f'      <wsdl:output message="tns:{op.name}{msg}Out" />')
            lines.append("    </wsdl:operation>")
        lines.append("  </wsdl:portType>")
    return lines


def _soap_binding(prefix: str, name: str) -> list[str]:
    lines = [
        f'  <wsdl:binding name="{name}" type="tns:SoapSoap">',
        f'    <{prefix}:binding transport="http://schemas.xmlsoap.org/soap/http" />',
    ]
    for op in OPERATIONS.values():
        lines += [
            f'    <wsdl:operation name="{op.name}">',
            f'      <{prefix}:operation soapAction="{op.soap_action}" style="document" />',
            f'      <wsdl:input>\n        <{prefix}:body use="literal" />\n      </wsdl:input>',
            f'      <wsdl:output>\n        <{prefix}:body use="literal" />\n      </wsdl:output>',
            "    </wsdl:operation>",
        ]
    lines.append("  </wsdl:binding>")
    return lines


def _http_binding(kind: str, verb: str) -> list[str]:
    lines = [
        f'  <wsdl:binding name="Soap{kind}" type="tns:Soap{kind}">',
        f'    <http:binding verb="{verb}" />',
    ]
    encoding = (
        "<http:urlEncoded />"
        if verb == "GET"
        else '<mime:content type="application/x-www-form-urlencoded" />'
    )
    for op in _http_operations():
        lines += [
            f'    <wsdl:operation name="{op.name}">',
            f'      <http:operation location="/{op.name}" />',
            f"      <wsdl:input>\n        {encoding}\n      </wsdl:input>",
            '      <wsdl:output>\n        <mime:mimeXml part="Body" />\n      </wsdl:output>',
            "    </wsdl:operation>",
        ]
    lines.append("  </wsdl:binding>")
    return lines


def build_wsdl(location: str, enabled: Collection[Protocol]) -> bytes:
    """The WSDL for the protocols in ``enabled``, with ports at ``location``."""
    soap = Protocol.SOAP11 in enabled or Protocol.SOAP12 in enabled
    http = [_HTTP[p][0] for p in (Protocol.HTTP_GET, Protocol.HTTP_POST) if p in enabled]
    abstract = f'xmlns:s2="{_ABSTRACT_NS}" ' if _uses_string_arrays(bool(http)) else ""
    head = _HEAD.replace("{abstract}", abstract)
    lines = [head, "  <wsdl:types>", *_schema(bool(http)), "  </wsdl:types>"]
    lines += _messages(soap, http)
    lines += _port_types(soap, http)
    ports = []
    if Protocol.SOAP11 in enabled:
        lines += _soap_binding("soap", "SoapSoap")
        ports.append(("SoapSoap", "soap"))
    if Protocol.SOAP12 in enabled:
        lines += _soap_binding("soap12", "SoapSoap12")
        ports.append(("SoapSoap12", "soap12"))
    for protocol in (Protocol.HTTP_GET, Protocol.HTTP_POST):
        if protocol in enabled:
            kind, verb = _HTTP[protocol]
            lines += _http_binding(kind, verb)
            ports.append((f"Soap{kind}", "http"))
    lines.append('  <wsdl:service name="Soap">')
    for name, prefix in ports:
        lines.append(f'    <wsdl:port name="{name}" binding="tns:{name}">')
        lines.append(f'      <{prefix}:address location="{location}" />')
        lines.append("    </wsdl:port>")
    lines.append("  </wsdl:service>\n</wsdl:definitions>")
    return "\n".join(lines).encode("utf-8")

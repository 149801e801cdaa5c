"""The one response parser: every protocol's answer becomes records or a typed error.

Both success shapes are read by the same code: a SOAP envelope (1.1 or 1.2) wrapping
``{Op}Response/{Op}Result`` and the bare document of HTTP GET/POST whose root is the
result itself. Below the result, the operation's result spec (pixelz/_operations.py)
says where the records are (``Images/ImageStatus*`` for a list, ``ImageStatus`` for one
record) and which model each becomes. lxml reads everything: a whole tree for the usual
answer, incrementally (records freed once converted) above a size limit.

Classification of a response, in order (see docs/protocols.md):

* 500 ``text/plain``: ASMX error text of a GET/POST call -> :class:`APIError`.
* HTML (by content type or content) or a non-XML body where XML was due ->
  :class:`ProtocolBlockedError`: a proxy, a firewall or a disabled protocol answered.
* XML with a SOAP ``Fault`` -> :class:`APIError`, the same message on every protocol.
* a status other than 200/500 -> :class:`ProtocolBlockedError`.
* XML that is malformed, hostile (DTD, entities) or of an unexpected shape ->
  :class:`ResponseParseError`.

ASMX writes control characters as ``&#xN;`` references, which XML 1.0 forbids. They are
decoded to the character itself (``"\\x01"``) rather than failing the response.
"""

from __future__ import annotations

import decimal
import functools
import io
import re
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx
from lxml import etree

from ._envelope import SOAP11_NS, SOAP12_NS, XSI_NS
from ._operations import NAMESPACE, Call, Field, Record
from .errors import APIError, PixelzError, ProtocolBlockedError, ResponseParseError
from .models import Extra, Protocol

__all__ = ["clean_message", "parse_response", "redact"]

_T = "{" + NAMESPACE + "}"
_NIL = "{" + XSI_NS + "}nil"
_ERROR_CODE, _MESSAGE = _T + "ErrorCode", _T + "Message"
_NO_ERROR = frozenset({"", "NoError", "0"})
_TRUE = ("true", "1")  # xsi:nil values that mean nil
# Envelope tag -> (SOAP namespace, Body tag, Fault tag)
_ENVELOPES = {
    f"{{{ns}}}Envelope": (ns, f"{{{ns}}}Body", f"{{{ns}}}Fault") for ns in (SOAP11_NS, SOAP12_NS)
}
_XML_TYPES = ("text/xml", "application/xml", "application/soap+xml")
_SNIPPET = 160
_STREAM_ABOVE = 1 << 20  # bytes: larger responses are parsed incrementally
_FREE_EVERY = 1000  # records read between two frees of a streamed page's tree
_OPTIONS: dict[str, Any] = {  # hardened: no DTD, no entity expansion, no network
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

# A character reference, hexadecimal or decimal (XML has no ``&#X``: libxml2 refuses it).
_CHAR_REF = re.compile(rb"&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));")
_PRIVATE_BASES = range(0xE000, 0xF8E0, 0x20)  # 32-character blocks of the private-use area


def parse_response(call: Call, response: httpx.Response, protocol: Protocol | str) -> Any:
    """The result of a response: a tuple of records for a list operation, one record for
    a single-record operation, None for one without a result; or raise the matching
    :class:`PixelzError`."""
    reader = _Reader(call, response, protocol)
    try:
        return reader.read()
    except PixelzError:
        raise
    except (etree.LxmlError, ValueError, TypeError, AttributeError, LookupError) as exc:
        error = reader.unreadable(f"malformed response ({type(exc).__name__}: {exc})")
    except RecursionError:
        error = reader.unreadable("response nested too deeply")
    raise error  # outside the except block: the lxml error is not chained


class _Reader:
    """The state of reading one response; methods raise, never return errors."""

    def __init__(self, call: Call, response: httpx.Response, protocol: Protocol | str) -> None:
        self.call = call
        self.protocol = protocol
        self.status = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.mime = self.content_type.split(";", 1)[0].strip().lower()
        self.body = response.content
        self.restore: Callable[[str], str] | None = None

    # -- errors ----------------------------------------------------------------------

    def _where(self) -> dict[str, Any]:
        return {"operation": self.call.operation.name, "protocol": self.protocol}

    def unreadable(self, reason: str) -> ResponseParseError:
        # The reason may quote the body (lxml names the tags it choked on): redact it too.
        reason = redact(reason, self.call)
        return ResponseParseError(
            f"{reason} (HTTP {self.status}, {self.content_type or 'no content type'})",
            status_code=self.status,
            content_type=self.content_type or None,
            snippet=_snippet(self.body, self.call),
            **self._where(),
        )

    def _blocked(self, reason: str, *, maybe_processed: bool = False) -> ProtocolBlockedError:
        return ProtocolBlockedError(
            f"{reason} (HTTP {self.status}, {self.content_type or 'no content type'}); "
            "the protocol looks blocked by a proxy or firewall or disabled on the server",
            status_code=self.status,
            maybe_processed=maybe_processed,
            **self._where(),
        )

    def _api_error(self, text: str, code: str | None) -> APIError:
        message = redact(clean_message(text), self.call) or "the service reported an error"
        return APIError(message, code=code, status_code=self.status, **self._where())

    # -- classification ----------------------------------------------------------------

    def read(self) -> Any:
        # Markup checks run on a UTF-8 view, so a UTF-16 document is still seen as XML
        # (and its DTD still refused); the parser itself reads the original bytes.
        probe, transcoded = _utf8_view(self.body)
        head = probe[:512].lstrip(b" \t\r\n").lower()
        if self.status == 500 and self.mime == "text/plain":
            raise self._api_error(self.body.decode("utf-8", "replace"), None)
        if self.mime in ("text/html", "application/xhtml+xml") or _looks_like_html(head):
            raise self._blocked("an HTML page instead of XML")
        if self.status not in (200, 500):
            raise self._blocked(f"unexpected HTTP status {self.status}")
        spec = self.call.operation.result
        if (spec is None or spec.record is None) and self.status == 200 and not head:
            return None  # nothing to read: a void method's GET/POST answer is empty
        if not head.startswith(b"<") or (self.mime and self.mime not in _XML_TYPES):
            # Not proof that the service never saw the request (a 200 of garbage, say).
            raise self._blocked("a non-XML body where XML was due",
                                maybe_processed=self.status == 200)
        # (A one-byte search is a memchr, ten times faster than one for a longer needle.)
        if b"!" in probe and (b"<!DOCTYPE" in probe or b"<!ENTITY" in probe):
            raise self.unreadable("response carries a DTD, refused")
        # A transcoded document is parsed as UTF-8 whatever its declaration says (libxml2's
        # incremental parser does not detect UTF-32 on its own).
        return self._parse_xml(probe if transcoded else self.body, transcoded)

    # -- XML ------------------------------------------------------------------------------

    def _parse_xml(self, document: bytes, transcoded: bool) -> Any:
        """The result value. A usual answer (one record, a page of 100) is parsed as one
        tree, which is fastest, and checked for errors before any record is converted; a
        list above ``_STREAM_ABOVE`` is read incrementally (see :meth:`_stream`)."""
        spec = self.call.operation.result
        body, self.restore = _neutralize_control_refs(document)
        encoding = "utf-8" if transcoded else None
        record = None if spec is None else spec.record
        if spec is not None and record is not None and spec.many and len(body) > _STREAM_ABOVE:
            return tuple(self._stream(body, encoding, record))
        root = etree.fromstring(body, _parser(encoding))
        if spec is None or record is None:
            self._result(root)  # faults and result-level errors only
            return None
        convert = _converter(record)
        if spec.inline:
            result = self._result(root)
            if result is None or _is_nil(result):
                raise self.unreadable(f"an empty {self.call.operation.result_element}")
            return convert.one(result, self.restore)
        container = self._container(root)
        records = [] if container is None else convert.all(container, self.restore)
        if spec.many:
            return tuple(records)
        if len(records) != 1:
            raise self.unreadable(f"expected one {record.element}, found {len(records)}")
        return records[0]

    def _stream(self, body: bytes, encoding: str | None, record: Record) -> list[Any]:
        """The records of a large page, read incrementally and freed once converted, so
        memory stays flat (see docs/performance.md). Errors are found at the end, once the
        whole document is known."""
        record_tag = _T + record.element
        convert, restore = _converter(record).one, self.restore
        records: list[Any] = []
        parents: list[tuple[Any, int]] = []  # (container element, first record index)
        events = etree.iterparse(
            io.BytesIO(body), events=("end",), tag=record_tag, encoding=encoding, **_OPTIONS
        )
        for count, (_, element) in enumerate(events, 1):
            parent = element.getparent()
            if not parents or parents[-1][0] is not parent:
                parents.append((parent, len(records)))
            if not _is_nil(element):
                records.append(convert(element, restore))
            if count % _FREE_EVERY == 0:
                # Free the records read so far, in one batch: one by one costs as much
                # as the parse itself. Only up to this one: the parser runs ahead, and
                # the next record may still be in progress.
                del parent[: parent.index(element) + 1]
        container = self._container(events.root)
        # Keep only records read directly under the expected container: a record element
        # elsewhere (inside an unknown element, say) is not part of the result.
        kept: list[Any] = []
        for index, (parent, start) in enumerate(parents):
            if container is not None and parent is container:
                end = parents[index + 1][1] if index + 1 < len(parents) else len(records)
                kept.extend(records[start:end])
        return kept

    def _container(self, root: Any) -> Any:
        """The element whose record children are the result, or None if empty."""
        result = self._result(root)
        spec = self.call.operation.result
        if result is None or _is_nil(result) or spec is None:
            return None
        for name in spec.path:
            result = _child(result, _T + name)
            if result is None:
                return None
        return result

    def _result(self, root: Any) -> Any:
        """``{Op}Result`` of a SOAP envelope or the root of a GET/POST document (None when
        the envelope has none); raises for a fault, an error status or an ErrorCode."""
        envelope = _ENVELOPES.get(root.tag)
        if envelope is not None:
            soap_ns, body_tag, fault_tag = envelope
            body = _child(root, body_tag)
            if body is None:
                raise self.unreadable("SOAP envelope without a Body")
            response = _first_element(body)
            if response is None:
                raise self.unreadable("empty SOAP Body")
            if response.tag == fault_tag:
                raise self._fault(response, soap_ns)
            operation = self.call.operation
            if response.tag != _T + operation.response_element:
                raise self.unreadable(f"unexpected element {response.tag} in the SOAP Body")
            result = _first_element(response)
            if result is not None and result.tag != _T + operation.result_element:
                raise self.unreadable(f"unexpected element {result.tag} in {response.tag}")
        elif _in_service_ns(root.tag):
            # The GET/POST root is named after the .NET return type. GetImagesList's is
            # known from real captures and checked, so that another document is never read
            # as an empty page; the others are not pinned down (any root in the namespace).
            spec = self.call.operation.result
            if spec is not None and spec.many and root.tag != _T + spec.root:
                raise self.unreadable(f"unexpected document root {root.tag}")
            result = root
        elif isinstance(root.tag, str) and root.tag.rpartition("}")[2].lower() == "html":
            raise self._blocked("an HTML page instead of XML")
        else:
            raise self.unreadable(f"unexpected document root {root.tag}")
        if self.status != 200:
            raise self.unreadable("an error status without a SOAP fault")
        if result is not None:
            code = _child(result, _ERROR_CODE)
            if code is not None and (code.text or "").strip() not in _NO_ERROR:
                message = _child(result, _MESSAGE)
                text = "" if message is None else "".join(message.itertext())
                raise self._api_error(self._restored(text), (code.text or "").strip())
        return result

    def _restored(self, text: str) -> str:
        return self.restore(text) if self.restore is not None else text

    def _fault(self, fault: Any, soap_ns: str) -> APIError:
        if soap_ns == SOAP11_NS:
            code = fault.findtext("faultcode")
            text = fault.findtext("faultstring")
        else:
            code = fault.findtext(f"{{{soap_ns}}}Code/{{{soap_ns}}}Value")
            texts = fault.findall(f"{{{soap_ns}}}Reason/{{{soap_ns}}}Text")
            english = [t for t in texts if t.get("{http://www.w3.org/XML/1998/namespace}lang")
                       in ("en", None)]
            chosen = (english or texts or [None])[0]
            text = chosen.text if chosen is not None else None
        code = code.strip().rpartition(":")[2] if code and code.strip() else None
        return self._api_error(self._restored(text or ""), code)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _utf8_view(body: bytes) -> tuple[bytes, bool]:
    """``body`` without a byte order mark, transcoded to UTF-8 if it is UTF-16/32 (by BOM,
    or by a leading ``<`` padded with NULs); the flag says whether it was transcoded."""
    if body[:1] not in b"\xef\xff\xfe\x00" and body[1:2] != b"\x00":
        return body, False  # the usual case, in one test: no BOM, not UTF-16/32
    for bom, codec in _BOMS:
        if body.startswith(bom):
            rest = body[len(bom):]
            if codec == "utf-8":
                return rest, False
            return rest.decode(codec, "replace").encode("utf-8"), True
    for start, codec in ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                         (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if body.startswith(start):
            return body.decode(codec, "replace").encode("utf-8"), True
    return body, False


def _looks_like_html(head: bytes) -> bool:
    return head.startswith((b"<!doctype html", b"<html")) or (
        head.startswith(b"<?xml") and b"<!doctype html" in head
    )


_PARSERS = threading.local()


def _parser(encoding: str | None) -> etree.XMLParser:
    """This thread's hardened parser for ``encoding``: building one costs as much as parsing
    a small answer, and lxml lets one thread at a time use a parser, so threads that
    shared one would queue behind each other."""
    cache: dict[str | None, etree.XMLParser] = _PARSERS.__dict__.setdefault("cache", {})
    parser = cache.get(encoding)
    if parser is None:
        parser = cache[encoding] = etree.XMLParser(encoding=encoding, **_OPTIONS)
    return parser


def _child(parent: Any, tag: str) -> Any:
    """The first child element named ``tag``, or None: ``find()`` without path parsing."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _first_element(parent: Any) -> Any:
    for child in parent:
        if isinstance(child.tag, str):
            return child
    return None


def _in_service_ns(tag: object) -> bool:
    return isinstance(tag, str) and tag.startswith(_T)


def _is_nil(element: Any) -> bool:
    return element.get(_NIL) in _TRUE


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _boolean(text: str) -> bool:
    return _BOOLEANS[text.strip()]


@functools.lru_cache(maxsize=256)  # a page holds few distinct status ids
def _integer(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.lstrip("+-").isdigit()):
        raise ValueError
    return int(text)


def _guid(text: str) -> uuid.UUID:
    return uuid.UUID(text.strip())


_SCALARS: dict[str, Callable[[str], Any]] = {
    "boolean": _boolean,
    "int": _integer,
    "guid": _guid,
    "decimal": decimal.Decimal,
}
# What the generated converters try first; they fall back to ``_value`` (which strips,
# reads an empty optional value as absent, and words the error) only when it refuses the
# text. Booleans and GUIDs skip the stripping here, one call cheaper.
_STRICT: dict[str, Callable[[str], Any]] = {
    **_SCALARS, "boolean": _BOOLEANS.__getitem__, "guid": uuid.UUID,
}
_STRING_LIKE = frozenset({"string", "dateTime"})

Restore = Callable[[str], str] | None


class Converter(NamedTuple):
    """The generated functions of one record type: ``one(element, restore)`` converts a
    record element, ``all(container, restore)`` every non-nil record child, in order."""

    one: Callable[[Any, Restore], Any]
    all: Callable[[Any, Restore], list[Any]]



@functools.lru_cache(maxsize=64)
def _converter(spec: Record) -> Converter:
    """The functions that turn record elements into ``spec.model`` (see :class:`Converter`).

    A string element that is absent or nil is None, an empty one ""; an array is its
    items (nil items dropped), () when absent, nil or empty. A model with ``extra`` gets
    every other child element, wire name -> text. Values are never quoted in errors: a
    server could echo the key there.

    This is the hot loop of every page, so the code is generated once per record type,
    as attrs generates ``__init__``. ASMX writes a record's elements in schema order, so
    the code first reads them in that order, one tag test each; whatever is left
    (elements out of order, repeated or unknown) goes through a loop that tests every
    tag. Either way each child is read once, in document order, by the same code, so the
    result is the same. The source holds only variable names and indices; every value
    (tags, converters, messages) is passed in the namespace.
    """
    names: dict[str, Any] = {
        "NIL": _NIL, "TRUE": _TRUE, "value": _value, "items": _items, "Extra": Extra,
        "model": spec.model, "unknown": _unknown_child,
    }
    branches: list[tuple[str, list[str]]] = []  # (tag variable, statements reading child)
    done: set[str] = set()
    for i, field in enumerate(spec.fields):
        tag = _T + field.wire
        if tag in done:
            continue
        done.add(tag)
        names[f"T{i}"] = tag
        same = [(j, f) for j, f in enumerate(spec.fields) if _T + f.wire == tag]
        wire_type = field.type
        if len(same) > 1 or field.xml_attribute is not None:
            statements = []
            for j, each in same:  # several values from one element, or a rare shape
                names[f"F{j}"] = each
                statements.append(f"v{j} = value(child, F{j}, restore)")
        elif wire_type.item is not None:
            names[f"W{i}"] = wire_type
            statements = [f"v{i} = () if child.get(NIL) in TRUE else "
                          f"items(child, W{i}, restore)"]
        elif wire_type.name in _STRING_LIKE:
            statements = [
                "text = child.text",
                "if text is None:",
                f"    v{i} = None if child.get(NIL) in TRUE else ''",
                "else:",
                f"    v{i} = text if restore is None else restore(text)",
            ]
        else:
            names[f"S{i}"] = _STRICT[wire_type.name]
            names[f"F{i}"] = field
            statements = [
                "text = child.text",
                "if text:",
                "    try:",
                f"        v{i} = S{i}(text)",
                "    except (ValueError, KeyError, ArithmeticError):",
                f"        v{i} = value(child, F{i}, restore)  # strips, or says what is wrong",
                "else:  # nil, or empty: absent (an error when required)",
                f"    v{i} = value(child, F{i}, restore)",
            ]
        branches.append((f"T{i}", statements))

    body = [f"v{i} = {'()' if f.type.is_array else 'None'}" for i, f in enumerate(spec.fields)]
    if spec.extra:
        body.append("extra = []")
    body += ["children = element[:]", "count = len(children)", "k = 0"]
    for tag, statements in branches:  # schema order
        body += [
            "if k < count:",
            "    child = children[k]",
            f"    if child.tag == {tag}:",
            *("        " + s for s in statements),
            "        k += 1",
        ]
    body += ["for child in children[k:] if k < count else ():", "    tag = child.tag"]
    for n, (tag, statements) in enumerate(branches):
        body.append(f"    {'if' if n == 0 else 'elif'} tag == {tag}:")
        body += ["        " + s for s in statements]
    if spec.extra:
        body += ["    else:", "        unknown(child, restore, extra)"]
    required = [(i, f.wire) for i, f in enumerate(spec.fields) if f.required]
    if required:
        names["REQUIRED"] = tuple(w for _, w in required)
        names["ELEMENT"] = spec.element
        values = ", ".join(f"v{i}" for i, _ in required)
        absent = " or ".join(f"v{i} is None" for i, _ in required)  # no __eq__ on values
        body += [
            f"if {absent}:",
            f"    missing = [w for w, v in zip(REQUIRED, ({values},)) if v is None]",
            "    raise ValueError(ELEMENT + ' without ' + ', '.join(missing))",
        ]
    arguments = ", ".join(f"v{i}" for i in range(len(spec.fields)))
    if spec.extra:
        arguments += ", extra=Extra(extra)"
    # One record, and every record of a container (the loop inlined: a call per record
    # costs a tenth of converting it).
    names["RECORD"] = _T + spec.element
    lines = [
        "def convert(element, restore):",
        *("    " + s for s in body),
        f"    return model({arguments})",
        "def convert_all(container, restore):",
        "    records = []",
        "    for element in container.iterchildren(RECORD):",
        "        if element.get(NIL) in TRUE:",
        "            continue",
        *("        " + s for s in body),
        f"        records.append(model({arguments}))",
        "    return records",
    ]
    code = compile("\n".join(lines), f"<pixelz converter for {spec.element}>", "exec")
    exec(code, names)  # noqa: S102 - generated from the table, as attrs does
    return Converter(names["convert"], names["convert_all"])


def _unknown_child(child: Any, restore: Callable[[str], str] | None, extra: list[Any]) -> None:
    """Keep an element the record type does not name, for its model's ``extra``."""
    if isinstance(child.tag, str):  # not a comment or processing instruction
        text = None if _is_nil(child) else "".join(child.itertext())
        if text is not None and restore is not None:
            text = restore(text)
        extra.append((child.tag.rpartition("}")[2], text))


def _value(child: Any, field: Field, restore: Callable[[str], str] | None) -> Any:
    wire_type = field.type
    if field.xml_attribute is not None:
        return child.get(field.xml_attribute)
    if wire_type.item is not None:
        return () if _is_nil(child) else _items(child, wire_type, restore)
    text = child.text
    if text is None:
        if _is_nil(child):
            return None
        text = ""
    name = wire_type.name
    if name in _STRING_LIKE:
        return restore(text) if restore is not None else text
    if not text.strip() and not field.required:
        return None  # an empty optional number or boolean reads as absent
    try:
        return _SCALARS[name](text)
    except (ValueError, KeyError, ArithmeticError):
        raise ValueError(f"{field.wire} is not an xsd:{name}") from None


def _items(
    element: Any, wire_type: Any, restore: Callable[[str], str] | None
) -> tuple[Any, ...]:
    """The items of an array element: nil ones dropped, empty strings ""."""
    item_type = wire_type.item.name  # the item element is named after its type
    texts: list[str] = []
    for item in element.iterchildren(_T + item_type):
        text = item.text
        if text is None:
            if item.get(_NIL) in _TRUE:
                continue
            text = ""
        texts.append(text)
    if item_type in _STRING_LIKE:
        return tuple(texts) if restore is None else tuple(map(restore, texts))
    try:
        return tuple(_SCALARS[item_type](text) for text in texts)
    except (ValueError, KeyError, ArithmeticError):
        raise ValueError(f"an item of {wire_type.name} is not an xsd:{item_type}") from None


def _neutralize_control_refs(body: bytes) -> tuple[bytes, Callable[[str], str] | None]:
    """Swap references to control characters for private-use stand-ins, to restore later.

    XML 1.0 forbids ``&#x1;`` and friends, so libxml2 rejects them; ASMX writes them
    anyway. The stand-ins come from a block of the private-use area that the document
    does not use, so restoring them cannot touch genuine text.
    """
    if b"#" not in body or b"&#" not in body:  # the first test is a quick memchr
        return body, None
    refs = [(m, int(m.group(1), 16) if m.group(1) else int(m.group(2)))
            for m in _CHAR_REF.finditer(body)]
    if not any(code < 0x20 and code not in (0x9, 0xA, 0xD) for _, code in refs):
        return body, None
    used = {code for _, code in refs}
    text = body.decode("utf-8", "replace")
    for base in _PRIVATE_BASES:
        block = {chr(c) for c in range(base, base + 0x20)}
        if not block & set(text) and not used & set(range(base, base + 0x20)):
            break
    else:  # pragma: no cover - every block in use: leave it to the strict parser
        return body, None

    def swap(match: re.Match[bytes]) -> bytes:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if code < 0x20 and code not in (0x9, 0xA, 0xD):
            return b"&#x%X;" % (base + code)
        return match.group(0)

    back = {base + c: chr(c) for c in range(0x20)}
    return _CHAR_REF.sub(swap, body), lambda s: s.translate(back)


def clean_message(text: str) -> str:
    """The human message of ASMX error text: no .NET type names, no stack trace.

    Local callers see ``Type: message`` plus a stack trace; remote callers see the
    message chain joined by `` ---> ``. Both reduce to the innermost message, so the same
    failure reads the same on every protocol.
    """
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _STACK_LINE.match(line):
            break
        kept.append(line)
    segments = [_TYPE_PREFIX.sub("", part.strip()) for part in "\n".join(kept).split(" ---> ")]
    segments = [part.strip() for part in segments if part.strip()]
    return segments[-1] if segments else ""


_STACK_LINE = re.compile(r"\s+at \S|\s*--- End of inner exception stack trace ---")
_TYPE_PREFIX = re.compile(r"^(?:[A-Za-z_][\w`]*\.)*[A-Za-z_][\w`]*(?:Exception|Fault)\w*:\s*")


def redact(text: str, call: Call) -> str:
    """Remove the call's secrets (the API keys; plain, URL-encoded or XML-escaped) from
    text built out of a response."""
    for key in call.secrets:
        # As xml.sax.saxutils.escape writes it (not imported: it costs import time).
        escaped = key.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        forms = {
            key,
            urllib.parse.quote_plus(key),
            urllib.parse.quote(key, safe=""),
            escaped,
            escaped.replace('"', "&quot;").replace("'", "&apos;"),
        }
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    return text


def _snippet(body: bytes, call: Call) -> str:
    """The start of ``body``, redacted before it is cut so no part of the key survives."""
    size = _SNIPPET * 4 + 12 * sum(len(key) for key in call.secrets)
    window = _utf8_view(body[: size * 4])[0][:size].decode("utf-8", "replace")
    return redact(window, call)[:_SNIPPET]

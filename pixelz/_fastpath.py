"""Records in ASMX's own serialization, read without building an XML tree.

ASMX writes every record the same way: unprefixed elements in schema order, no
attributes but ``xsi:nil="true"``, text without comments or CDATA. A page written like
that is read here by one regular expression per record, which is several times faster
than touching each field element through lxml (docs/performance.md, P1).

This is only a fast path. :func:`split` accepts the run of records only when all of it
is in that exact form, and hands back the document *without* the records, with an empty
``<ImageStatus/>`` in their place: the parser reads that skeleton with lxml and uses
these records only if the stand-in turns out to be the sole child of the expected
container, in the expected namespace, in a UTF-8 XML 1.0 document. Anything else
(comments, CDATA, prefixes, unknown fields, other attributes, other orders, characters
XML forbids) returns None and the document goes to the general reader, so both readers
give the same records for the same bytes (tests/unit/test_fastpath.py).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable

from ._operations import RECORD_ELEMENT, RECORD_FIELDS
from .models import ImageStatus

__all__ = ["CHAR_REF", "FIELD_TYPES", "STAND_IN", "split"]

STAND_IN = b"<" + RECORD_ELEMENT.encode() + b"/>"
# A character reference, hexadecimal or decimal, as both readers accept it (XML has no
# ``&#X``: libxml2 refuses it, and so do both readers).
CHAR_REF = r"&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));"

_OPEN = STAND_IN[:-2]  # b"<ImageStatus"
_CLOSE = b"</" + RECORD_ELEMENT.encode() + b">"
_WS = "[ \t\r\n]*"  # XML white space between elements (Windows servers indent with CRLF)
# Text of a simple element: no markup. ``[^<]`` is matched much faster than any larger
# character class, so the characters XML forbids are looked for once per page instead.
_CHARS = "[^<]*"
_TEXT = f"({_CHARS})"
_NIL = 'xsi:nil="true"'
# C0 controls but tab, LF and CR: XML forbids them, libxml2 rejects the page, and so the
# general reader must see it. (ASMX writes them as references, which are decoded.)
_CONTROLS = tuple(bytes([c]) for c in range(0x20) if c not in (0x9, 0xA, 0xD))
# libxml2 refuses a text node longer than this without XML_PARSE_HUGE; no text of a
# smaller run of records can be longer, a larger run is left to the general reader.
_MAX_TEXT = 10_000_000


def _record_pattern(ws: str) -> re.Pattern[str]:
    """The record pattern, with ``ws`` wherever XML allows white space between tags."""
    space = ws.replace("*", "+") if ws else " "  # before an attribute
    end = f"{ws or ' ?'}/>"  # the end of an empty-element tag
    nil = f"{space}{_NIL}{end}"
    fields = {
        "guid": lambda name: (f"<{name}>([0-9a-fA-F]{{8}}(?:-[0-9a-fA-F]{{4}}){{3}}"
                              f"-[0-9a-fA-F]{{12}})</{name}>{ws}"),
        # <X>text</X> -> text; <X /> -> "" (the empty group takes part); nil or absent ->
        # neither group takes part -> None.
        "string": lambda name: f"(?:<{name}(?:>{_TEXT}</{name}>|{end}()|{nil}))?{ws}",
        "int": lambda name: f"<{name}>(-?[0-9]+)</{name}>{ws}",
        # The group takes part (as "", which costs no allocation) only for false.
        "boolean": lambda name: f"<{name}>(?:true|1|(?:false|0)())</{name}>{ws}",
        "ArrayOfString": lambda name: (
            f"(?:<{name}(?:>((?:{ws}<string(?:>{_CHARS}</string>|{end}|{nil}))*){ws}</{name}>"
            f"|{end}|{nil}))?{ws}"
        ),
    }
    return re.compile(
        f"<{RECORD_ELEMENT}>{ws}"
        + "".join(fields[f.xsd_type](f.wire_name) for f in RECORD_FIELDS)
        + f"</{RECORD_ELEMENT}>{ws}"
    )


# _records() unpacks the groups in this order (a unit test holds the spec to it).
FIELD_TYPES = ("guid", "string", "string", "string", "int", "boolean", "string", "ArrayOfString")


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The record patterns and the final-URL item pattern, compiled on first use
    (compiling them costs as much as importing the rest of pixelz: P4).

    SOAP answers are written on one line: the pattern without white space matches them
    faster; the other takes the indented GET/POST documents and anything in between.
    Nil items do not match the item pattern, so they drop out of ``findall``.
    """
    return (
        _record_pattern(""),
        _record_pattern(_WS),
        re.compile(f"<string>{_TEXT}</string>|<string{_WS}/>"),
    )


_ENTITY = r"&(amp|lt|gt|quot|apos);|" + CHAR_REF  # compiled by re's cache when first met
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _NotCanonical(Exception):
    """A value the fast path does not decode exactly as libxml2 would."""


def _character(match: re.Match[str]) -> str:
    name, hexadecimal, decimal = match.groups()
    if name is not None:
        return _NAMED[name]
    code = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        raise _NotCanonical  # libxml2 rejects these: let the general reader say so
    return chr(code)


def _decode(text: str) -> str:
    """Character data as XML reads it: line ends normalized to LF, then references
    replaced (so ``&#xD;`` stays a CR)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    if text.count("&") != len(re.findall(_ENTITY, text)):
        raise _NotCanonical  # a bare "&": not well-formed
    return re.sub(_ENTITY, _character, text)


def _uuid_builder() -> Callable[[str], uuid.UUID]:
    """``uuid.UUID(text)`` for texts the record pattern has checked, in less than half the
    time: it fills the two slots ``UUID.__init__`` fills, through their descriptors,
    without trying the other input forms first. Falls back to the constructor on a
    Python whose ``UUID`` is built differently."""
    try:
        set_int = vars(uuid.UUID)["int"].__set__
        set_safe = vars(uuid.UUID)["is_safe"].__set__
    except (KeyError, AttributeError):  # pragma: no cover - another Python
        return uuid.UUID
    new, unknown = object.__new__, uuid.SafeUUID.unknown

    def build(text: str) -> uuid.UUID:
        value = new(uuid.UUID)
        set_int(value, int(text.replace("-", ""), 16))
        set_safe(value, unknown)
        return value

    probe = "0123abcd-4567-89ef-0123-456789abcdef"
    return build if build(probe) == uuid.UUID(probe) else uuid.UUID


_uuid = _uuid_builder()


def split(document: bytes) -> tuple[bytes, list[ImageStatus]] | None:
    """The document with its records replaced by :data:`STAND_IN`, and the records; or
    None when the records are not all in ASMX's exact form (or there are none)."""
    start = document.find(_OPEN)
    end = document.rfind(_CLOSE)
    if start < 0 or end < start:
        return None
    end += len(_CLOSE)
    # The records are searched in place and decoded from a view: a copy of them would
    # add their size to the peak memory (P5). One memchr per control character is faster
    # than any single pass over the bytes.
    if end - start > _MAX_TEXT or any(document.find(c, start, end) >= 0 for c in _CONTROLS):
        return None
    try:
        text = str(memoryview(document)[start:end], "utf-8")
    except UnicodeDecodeError:
        return None
    if not text.isascii() and ("\ufffe" in text or "\uffff" in text):
        return None
    if "]" in text and "]]>" in text:  # forbidden in text; the first test is quicker
        return None
    try:
        records = _records(text, "&" in text or "\r" in text)
    except (ValueError, _NotCanonical):  # ValueError: a StatusId that int() refuses
        return None
    if records is None:
        return None
    return document[:start] + STAND_IN + document[end:], records


def _records(text: str, coded: bool) -> list[ImageStatus] | None:
    """Every record of ``text``, which must hold nothing else; ``coded`` says whether any
    value may hold a reference or a CR (and so needs :func:`_decode`)."""
    compact, tolerant, item = _patterns()
    match = compact.match if compact.match(text) else tolerant.match  # as the first record
    retry, items = tolerant.match, item.findall
    records: list[ImageStatus] = []
    append = records.append
    position, end = 0, len(text)
    while position < end:
        found = match(text, position) or retry(text, position)
        if found is None:
            return None
        position = found.end()
        (ticket, customer, customer_empty, product, product_empty, name, name_empty,
         status_id, unpaid, thumbnail, thumbnail_empty, finals) = found.groups()
        customer = customer_empty if customer is None else customer
        product = product_empty if product is None else product
        name = name_empty if name is None else name
        thumbnail = thumbnail_empty if thumbnail is None else thumbnail
        urls = tuple(items(finals)) if finals else ()
        if coded:
            customer, product, name, thumbnail = (
                None if value is None else _decode(value)
                for value in (customer, product, name, thumbnail)
            )
            urls = tuple(_decode(url) for url in urls)
        append(ImageStatus(
            _uuid(ticket), customer, product, name, int(status_id), unpaid is None,
            thumbnail, urls,
        ))
    return records

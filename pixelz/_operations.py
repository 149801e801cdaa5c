"""The operation table: every web method of the service described as data.

One :class:`Operation` per web method holds its wire name, its parameters in wire order
(each with its wire type, its Python keyword and the converter that validates a Python
value into wire form), the shape and model of its result, whether it changes anything,
and which protocols can carry it. The envelope builder, the GET/POST encoders, the
parser, the emulator's dispatcher, its WSDL and its help pages all read this table, so
adding an operation is one entry here (plus a model when its result is new, and an
emulator handler): see docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Union

import attrs

from . import _arguments as args
from .errors import InvalidArgumentError
from .models import ImageStatus, Protocol

__all__ = [
    "BOOLEAN",
    "DATE",
    "GET_IMAGES_LIST",
    "GET_IMAGE_STATUS",
    "GUID",
    "IMAGE_STATUS",
    "INT",
    "NAMESPACE",
    "OPERATIONS",
    "STRING",
    "Call",
    "Field",
    "Operation",
    "Param",
    "Record",
    "Result",
    "WireType",
    "WireValue",
    "array_of",
    "complex_type",
]

NAMESPACE = "http://removethebackground.com/"

# A parameter value in wire form: text for a scalar, a tuple of item values for an array,
# a tuple of member values (in member order) for a complex type; None is unset.
WireValue = Union[str, tuple["WireValue", ...], None]  # noqa: UP007 (a runtime alias)


@attrs.frozen(slots=True)
class WireType:
    """An XML Schema type as ASMX declares it: a primitive (``string``, ``int``...), an
    array (``ArrayOfInt``, items named after the item type), or a complex type with
    members in order."""

    name: str
    item: WireType | None = None
    members: tuple[Param, ...] = ()

    @property
    def is_array(self) -> bool:
        return self.item is not None

    @property
    def is_complex(self) -> bool:
        return bool(self.members)

    @property
    def item_element(self) -> str:
        """The element name of one array item (``string``, ``int``, a complex type's name)."""
        assert self.item is not None
        return self.item.name


STRING = WireType("string")
INT = WireType("int")
BOOLEAN = WireType("boolean")
GUID = WireType("guid")  # results only: the service sends Guids lowercase
DATE = WireType("dateTime")
DECIMAL = WireType("decimal")


def array_of(item: WireType) -> WireType:
    """``ArrayOfString``, ``ArrayOfInt``, ``ArrayOfColorChangeRequest``..."""
    return WireType("ArrayOf" + item.name[:1].upper() + item.name[1:], item=item)


def complex_type(name: str, *members: Param) -> WireType:
    return WireType(name, members=members)


Converter = Callable[[str, Any], WireValue]


def _default_converter(type_: WireType) -> Converter:
    if type_.is_array:
        item = _default_converter(type_.item)  # type: ignore[arg-type]
        return lambda name, value: args.sequence(name, value, item)
    return {
        "string": args.text,
        "int": args.wire_int,
        "boolean": args.wire_bool,
    }.get(type_.name, args.text)


@attrs.frozen(slots=True)
class Param:
    """One parameter in wire order. ``python`` is the keyword the public method takes
    (None for the credentials, which the client fills in); ``convert`` validates a Python
    value into wire form, raising :class:`InvalidArgumentError`; None stays unset unless
    the parameter is ``required``."""

    wire: str
    type: WireType = STRING
    python: str | None = None
    convert: Converter | None = None
    secret: bool = False
    required: bool = False

    def to_wire(self, value: object) -> WireValue:
        if value is None and not self.required:
            return None
        convert = self.convert or _default_converter(self.type)
        return convert(self.python or self.wire, value)


@attrs.frozen(slots=True)
class Field:
    """One child element of a result record: wire name, model attribute, wire type."""

    wire: str
    attribute: str
    type: WireType = STRING
    required: bool = False


@attrs.frozen(slots=True)
class Record:
    """A result record type: its element name, its model and the fields in wire order.

    The parser builds ``model(*values)`` with one value per field, in field order."""

    element: str
    model: type
    fields: tuple[Field, ...]

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(f.attribute for f in self.fields)


@attrs.frozen(slots=True)
class Result:
    """Where the result sits inside ``{Op}Result`` (SOAP) or the bare root (GET/POST):
    ``path`` leads to the container, whose ``record`` children are the value, a tuple when
    ``many`` else exactly one. ``root`` is the .NET return type, the GET/POST root name."""

    root: str
    record: Record
    path: tuple[str, ...] = ()
    many: bool = False


CREDENTIALS = (Param("contactEmail"), Param("contactAPIkey", secret=True))


@attrs.frozen(slots=True)
class Operation:
    """An ASMX web method and everything needed to call it on any protocol."""

    name: str
    params: tuple[Param, ...]
    result: Result | None
    changes_state: bool = False
    check: Callable[[Mapping[str, object]], None] | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """Wire names of the parameters, in order."""
        return tuple(p.wire for p in self.params)

    @property
    def protocols(self) -> frozenset[Protocol]:
        """The protocols whose binding can carry this operation: the HTTP GET/POST bindings
        carry primitives and arrays of primitives, never complex types."""
        if any(p.type.is_complex or (p.type.item and p.type.item.is_complex)
               for p in self.params):
            return frozenset({Protocol.SOAP11, Protocol.SOAP12})
        return frozenset(Protocol)

    @property
    def soap_action(self) -> str:
        return NAMESPACE + self.name

    @property
    def response_element(self) -> str:
        return self.name + "Response"

    @property
    def result_element(self) -> str:
        return self.name + "Result"

    def bind(self, email: str, api_key: str, /, **values: object) -> Call:
        """A :class:`Call` with every parameter converted to wire form; unknown keywords
        are a programming error, invalid values an :class:`InvalidArgumentError`."""
        if self.check is not None:
            self.check(values)
        wire: list[WireValue] = [email, api_key]
        for param in self.params[2:]:
            wire.append(param.to_wire(values.pop(param.python or param.wire, None)))
        if values:
            raise TypeError(f"{self.name} got unexpected arguments {sorted(values)}")
        return Call(self, tuple(wire))


@attrs.frozen(slots=True, repr=False)
class Call:
    """One invocation: the operation and every parameter value in wire form.

    ``values`` lines up with ``operation.params``; unset parameters are None. The repr
    hides secret parameters (the API keys), which travel in ``values``.
    """

    operation: Operation
    values: tuple[WireValue, ...]

    def __attrs_post_init__(self) -> None:
        if len(self.values) != len(self.operation.params):
            count = len(self.operation.params)
            raise ValueError(f"{self.operation.name} takes {count} values")

    @property
    def items(self) -> tuple[tuple[str, WireValue], ...]:
        """``(wire name, value)`` pairs in wire order."""
        return tuple(zip(self.operation.parameters, self.values, strict=True))

    @property
    def arguments(self) -> tuple[tuple[Param, WireValue], ...]:
        """``(parameter spec, value)`` pairs in wire order."""
        return tuple(zip(self.operation.params, self.values, strict=True))

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never be shown (API keys), longest first."""
        found = [v for p, v in self.arguments if p.secret and isinstance(v, str) and v]
        return tuple(sorted(found, key=len, reverse=True))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{p.wire}={'***' if p.secret else repr(v)}" for p, v in self.arguments
        )
        return f"Call({self.operation.name}, {shown})"


# -- the service's operations -----------------------------------------------------------

IMAGE_STATUS = Record(
    "ImageStatus",
    ImageStatus,
    (
        Field("ImageTicket", "image_ticket", GUID, required=True),
        Field("CustomerImageId", "customer_image_id"),
        Field("ProductId", "product_id"),
        Field("StatusName", "status_name"),
        Field("StatusId", "status_id", INT, required=True),
        Field("IsPaid", "is_paid", BOOLEAN, required=True),
        Field("ThumbnailImageURL", "thumbnail_image_url"),
        Field("FinalImagesURL", "final_image_urls", array_of(STRING)),
    ),
)


def _check_dates(values: Mapping[str, object]) -> None:
    start = args.parse_date("from_date", values.get("from_date"))
    end = args.parse_date("to_date", values.get("to_date"))
    if start and end and start > end:
        raise InvalidArgumentError(
            f"invalid date range: from_date {start.isoformat()} is after to_date "
            f"{end.isoformat()} (the range is inclusive: from_date <= to_date)"
        )


def _check_one_image(values: Mapping[str, object]) -> None:
    if (values.get("image_ticket") is None) == (values.get("customer_image_id") is None):
        raise InvalidArgumentError(
            "get_image_status needs exactly one of image_ticket or customer_image_id"
        )


# Every GetImagesList parameter is an xsd:string on the wire; the converters write the
# values the service parses (numeric status ids, ISO dates, true/false).
GET_IMAGES_LIST = Operation(
    "GetImagesList",
    (
        *CREDENTIALS,
        Param("imageStatus", python="status", convert=args.status_filter),
        Param("excludeImageStatus", python="exclude_status", convert=args.status_filter),
        Param("productId", python="product_id"),
        Param("fromDate", python="from_date", convert=args.wire_date),
        Param("toDate", python="to_date", convert=args.wire_date),
        Param("page", python="page", convert=args.wire_page, required=True),
        Param("imagesPerPage", python="per_page", convert=args.wire_per_page),
        Param("sortBy", python="sort_by", convert=args.wire_sort_by),
        Param("isDescending", python="descending", convert=args.wire_bool),
    ),
    Result("ImagesListResponse", IMAGE_STATUS, path=("Images",), many=True),
    check=_check_dates,
)

GET_IMAGE_STATUS = Operation(
    "GetImageStatus",
    (
        *CREDENTIALS,
        Param("imageTicket", python="image_ticket", convert=args.wire_ticket),
        Param("customerImageId", python="customer_image_id", convert=args.non_empty_text),
    ),
    Result("ImageStatusResponse", IMAGE_STATUS),
    check=_check_one_image,
)

OPERATIONS: dict[str, Operation] = {op.name: op for op in (GET_IMAGES_LIST, GET_IMAGE_STATUS)}

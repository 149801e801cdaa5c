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

import functools
from collections.abc import Callable, Mapping
from typing import Any, Union

import attrs

from . import _arguments as args
from .errors import InvalidArgumentError
from .models import (
    AddedTemplate,
    Contact,
    ImageStatus,
    Invoice,
    ProductIdStatistic,
    Protocol,
    SubmittedImage,
    Template,
    TemplateSpec,
)

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
    def is_structured(self) -> bool:
        """A complex type, or an array of one: what the HTTP GET/POST bindings cannot
        carry (they take primitives and arrays of primitives)."""
        return bool(self.members) or (self.item is not None and self.item.is_structured)

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
    """The converter of a parameter that names none: by its wire type."""
    if type_.is_array:
        assert type_.item is not None
        item = _default_converter(type_.item)
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
    index: int | None = None  # takes item ``index`` of a sequence keyword (imageURL2..5)

    @property
    def keyword(self) -> str:
        """The name ``bind`` reads this parameter's value under."""
        return self.python or self.wire

    @property
    def converter(self) -> Converter:
        return self.convert or _default_converter(self.type)


@attrs.frozen(slots=True)
class Field:
    """One child element of a result record: wire name, model attribute, wire type.

    With ``xml_attribute`` the value is that XML attribute of the element instead of its
    text (``<Price Currency="USD">`` gives the currency)."""

    wire: str
    attribute: str
    type: WireType = STRING
    required: bool = False
    xml_attribute: str | None = None


@attrs.frozen(slots=True, cache_hash=True)  # a cache key of every parse
class Record:
    """A result record type: its element name, its model and the fields in wire order.

    The parser builds ``model(*values)`` with one value per field, in field order."""

    element: str
    model: type
    fields: tuple[Field, ...]
    extra: bool = False  # the model's ``extra`` keeps every other child element

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(f.attribute for f in self.fields)


@attrs.frozen(slots=True)
class Result:
    """Where the result sits inside ``{Op}Result`` (SOAP) or the bare root (GET/POST).

    ``path`` leads to the container, whose ``record`` children are the value: a tuple when
    ``many``, else exactly one. With ``inline`` the result element itself is the record.
    Without a ``record`` the result only reports success (the value is None). ``root`` is
    the .NET return type, the GET/POST root name. Any result may carry ``ErrorCode`` and
    ``Message``: an ErrorCode other than ``NoError``/``0`` is an APIError."""

    root: str
    record: Record | None = None
    path: tuple[str, ...] = ()
    many: bool = False
    inline: bool = False

    @property
    def status_members(self) -> tuple[str, ...]:
        """The status elements this result type declares after its own members: the
        service's write results (inline or record-less) report ErrorCode and Message."""
        return STATUS_MEMBERS if self.inline or self.record is None else ()


STATUS_MEMBERS = ("ErrorCode", "Message")


CREDENTIALS = (Param("contactEmail"), Param("contactAPIkey", secret=True))


@attrs.frozen(slots=True, cache_hash=True)  # a cache key of every call
class Operation:
    """An ASMX web method and everything needed to call it on any protocol."""

    name: str
    params: tuple[Param, ...]
    result: Result | None
    changes_state: bool = False
    check: Callable[[Mapping[str, object]], None] | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """Wire names of the parameters, in order (cached per operation)."""
        return _parameters(self)

    @property
    def keywords(self) -> frozenset[str]:
        """The Python keywords ``bind`` takes (cached per operation)."""
        return _keywords(self)

    @property
    def protocols(self) -> frozenset[Protocol]:
        """The protocols whose binding can carry this operation: the HTTP GET/POST bindings
        carry primitives and arrays of primitives, never complex types (cached)."""
        return _protocols(self)

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
        sequences: dict[str, WireValue] = {}  # a keyword spread over several parameters
        for key, param, convert in _keyed(self):
            value = values.get(key)
            if value is None and not param.required:
                wire.append(None)  # most parameters of a call are unset
            elif param.index is None:
                wire.append(convert(key, value))
            else:  # converted once, however many parameters take an item of it
                items = sequences[key] if key in sequences else convert(key, value)
                sequences[key] = items
                assert isinstance(items, tuple)
                wire.append(items[param.index] if param.index < len(items) else None)
        unknown = values.keys() - self.keywords
        if unknown:
            raise TypeError(f"{self.name} got unexpected arguments {sorted(unknown)}")
        return Call(self, tuple(wire))


@functools.cache
def _parameters(operation: Operation) -> tuple[str, ...]:
    return tuple(p.wire for p in operation.params)


@functools.cache
def _positions(operation: Operation) -> dict[str, int]:
    return {p.wire: i for i, p in enumerate(operation.params)}


@functools.cache
def _keywords(operation: Operation) -> frozenset[str]:
    return frozenset(p.keyword for p in operation.params)


@functools.cache
def _protocols(operation: Operation) -> frozenset[Protocol]:
    if any(p.type.is_structured for p in operation.params):
        return frozenset({Protocol.SOAP11, Protocol.SOAP12})
    return frozenset(Protocol)


@functools.cache
def _keyed(operation: Operation) -> tuple[tuple[str, Param, Converter], ...]:
    """``(keyword, parameter, converter)`` for every parameter after the credentials."""
    return tuple((p.keyword, p, p.converter) for p in operation.params[2:])


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

    def value_of(self, wire: str) -> WireValue:
        """The wire-form value of parameter ``wire``."""
        return self.values[_positions(self.operation)[wire]]

    def with_value(self, wire: str, value: WireValue) -> Call:
        """This call with parameter ``wire`` set to ``value`` (already in wire form)."""
        values = list(self.values)
        values[_positions(self.operation)[wire]] = value
        return attrs.evolve(self, values=tuple(values))

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


def _one_image(values: Mapping[str, object]) -> None:
    """The check of every operation that names an image by ticket or by your own id."""
    if (values.get("image_ticket") is None) == (values.get("customer_image_id") is None):
        raise InvalidArgumentError("give exactly one of image_ticket or customer_image_id")


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
    check=_one_image,
)

OPERATIONS: dict[str, Operation] = {op.name: op for op in (GET_IMAGES_LIST, GET_IMAGE_STATUS)}


# -- the rest of the service ----------------------------------------------------------------
# Result shapes from the service's help pages; where a page was cut off, the record is read
# tolerantly by element name and everything else lands in the model's ``extra`` (the
# inferred shapes are listed in docs/api.md).


def _fields(*specs: tuple[str, str] | Field) -> tuple[Field, ...]:
    return tuple(s if isinstance(s, Field) else Field(*s) for s in specs)


def _p(wire: str, python: str, convert: Converter | None = None, **more: Any) -> Param:
    return Param(wire, python=python, convert=convert, **more)


PRODUCT_ID_STATISTIC = Record("ProductIdStatistic", ProductIdStatistic, _fields(
    ("ProductId", "product_id"),
    Field("DoneCount", "done_count", INT, required=True),
    Field("TodoCount", "todo_count", INT, required=True),
))
CONTACT = Record("Contact", Contact, _fields(
    ("ContactPerson", "person"),
    ("ContactCompany", "company"),
    ("ContactEmail", "email"),
    Field("ContactDaysOfCredit", "days_of_credit", INT),
    Field("ContactAccountBalance", "account_balance", DECIMAL),
    Field("ContactAccountBalance", "currency", xml_attribute="Currency"),
    Field("NumberOfTrialImages", "trial_images", INT),
))
INVOICE = Record("Invoice", Invoice, _fields(
    ("InvoiceId", "invoice_id"),
    ("CreatedDate", "created_date"),
    ("AmountDue", "amount_due"),
    Field("IsPaid", "is_paid", BOOLEAN, required=True),
    ("PaymentUrl", "payment_url"),
    ("InvoiceUrl", "invoice_url"),
))
TEMPLATE = Record("Template", Template, _fields(
    Field("TemplateId", "template_id", INT, required=True),
    Field("ContactId", "contact_id", INT),
    ("TemplateName", "name"),
    ("Prices", "prices"),
    Field("IsCombinedImages", "is_combined_images", BOOLEAN),
    Field("TemplateLabelId", "template_label_id", INT),
    Field("IsRecreateDetail", "is_recreate_detail", BOOLEAN),
    Field("ColorAdjustment", "color_adjustment", BOOLEAN),
    ("ColorAdjustmentSetting", "color_adjustment_setting"),
    ("ColorAdjustmentComment", "color_adjustment_comment"),
    Field("ColorMatching", "color_matching", BOOLEAN),
    ("ColorMatchingSetting", "color_matching_setting"),
), extra=True)
TEMPLATE_SPEC = Record("Template", TemplateSpec, _fields(
    Field("Id", "template_id", INT, required=True),
    ("Name", "name"),
    Field("Price", "price", DECIMAL),
    Field("Price", "currency", xml_attribute="Currency"),
    ("CreatedDate", "created_date"),
    ("ModifiedDate", "modified_date"),
    Field("IsDeleted", "is_deleted", BOOLEAN),
    ("OutputFormat", "output_format"),
    Field("DeliveryTimeInHours", "delivery_time_hours", INT),
    Field("BackgroundType", "background_type", INT),
    ("BackgroundColor", "background_color"),
    ("BackgroundVerticalGradientColor", "background_vertical_gradient_color"),
    Field("ResizeType", "resize_type", INT),
    Field("ResizeUnit", "resize_unit", INT),
    Field("ResizeWidth", "resize_width", INT),
    Field("ResizeHeight", "resize_height", INT),
    Field("ResizeMaxSize", "resize_max_size", INT),
    Field("ResizeMinSize", "resize_min_size", INT),
    Field("MarginType", "margin_type", INT),
    Field("MarginTop", "margin_top", INT),
    Field("MarginBottom", "margin_bottom", INT),
    Field("MarginLeft", "margin_left", INT),
    Field("MarginRight", "margin_right", INT),
), extra=True)
SUBMITTED_IMAGE = Record("SubmittedImage", SubmittedImage, _fields(
    Field("ImageTicket", "image_ticket", GUID, required=True),
    ("CustomerImageId", "customer_image_id"),
    Field("IsTrial", "is_trial", BOOLEAN),
), extra=True)
ADDED_TEMPLATE = Record("AddedTemplate", AddedTemplate, _fields(
    Field("TemplateId", "template_id", INT),
), extra=True)

MARKER_INFO = complex_type("MarkerInfo", Param("X", INT), Param("Y", INT))
COLOR_CHANGE_REQUEST = complex_type(
    "ColorChangeRequest",
    Param("colorChangeRequestMarkers", array_of(MARKER_INFO)),
    Param("customerImageColorID"),
    Param("outputFileName"),
)

_QUEUE_RESULT = Result("ImageQueueResponse", SUBMITTED_IMAGE, inline=True)
_STATUS_RESULT = Result("ServiceResponse")


def _image_urls() -> tuple[Param, ...]:
    return (
        _p("imageURL", "image_url", args.non_empty_text, required=True),
        *(_p(f"imageURL{n}", "extra_image_urls", args.extra_urls, index=n - 2)
          for n in range(2, 6)),
    )


_DEVELOPER_KEY = Param("developerAPIkey", python="developer_api_key", secret=True)
_TEMPLATE_ID = _p("templateId", "template_id", args.int_text, required=True)
_DELIVERY = _p("imageRequestedDeliveryTimeInHours", "requested_delivery_hours", args.int_text)
_TAIL = (
    _p("imageCallbackURL", "callback_url"),
    _p("customerImageId", "customer_image_id", args.non_empty_text),
    _p("productId", "product_id"),
    _p("customerFolder", "customer_folder"),
)
_DEADLINE = _p("imageDeadlineDateTimeUTC", "deadline", args.wire_deadline)
_COLORWAYS = Param("colorwayIds", array_of(INT), python="colorway_ids")
_RESOURCE_URLS = Param("additionalResourceFileURLs", array_of(STRING),
                       python="additional_resource_file_urls")

DELETE_IMAGE_FROM_QUEUE = Operation(
    "DeleteImageFromQueue",
    (*CREDENTIALS, _p("imageTicket", "image_ticket", args.wire_ticket),
     _p("customerImageId", "customer_image_id", args.non_empty_text)),
    _STATUS_RESULT, changes_state=True, check=_one_image,
)
REJECT_PROCESSED_IMAGE = Operation(
    "RejectProcessedImage",
    (*CREDENTIALS, _p("imageTicket", "image_ticket", args.wire_ticket),
     _p("comment", "comment", args.non_empty_text, required=True),
     _p("customerImageId", "customer_image_id", args.non_empty_text),
     _p("markupImageUrl", "markup_image_url")),
    _STATUS_RESULT, changes_state=True, check=_one_image,
)
GET_PRODUCT_IDS_LIST = Operation(
    "GetProductIdsList",
    (*CREDENTIALS, _p("page", "page", args.wire_page, required=True),
     _p("productIdsPerPage", "per_page", args.wire_per_page)),
    Result("ProductIdsListResponse", PRODUCT_ID_STATISTIC, path=("ProductIds",), many=True),
)
GET_CONTACT_DETAILED = Operation(
    "GetContactDetailed", CREDENTIALS, Result("ContactDetailedResponse", CONTACT),
)
_CONTACT_FIELDS = (
    ("contactName", "name"), ("contactCompany", "company"), ("contactAddress1", "address1"),
    ("contactAddress2", "address2"), ("contactZipCode", "zip_code"), ("contactCity", "city"),
    ("contactState", "state"), ("contactPhone", "phone"),
)
_BILLING_FIELDS = (
    ("billingEmail", "billing_email"), ("billingAddress1", "billing_address1"),
    ("billingAddress2", "billing_address2"), ("billingZipCode", "billing_zip_code"),
    ("billingCity", "billing_city"), ("billingState", "billing_state"),
    ("euVatNumber", "eu_vat_number"),
)
EDIT_CONTACT = Operation(
    "EditContact",
    (*CREDENTIALS, *(_p(w, n) for w, n in _CONTACT_FIELDS),
     _p("timezoneIndex", "timezone_index", args.int_text),
     *(_p(w, n) for w, n in _BILLING_FIELDS),
     _p("isReceivedNewslater", "receive_newsletter", args.wire_bool)),
    _STATUS_RESULT, changes_state=True,
)
GET_INVOICE_LIST = Operation(
    "GetInvoiceList",
    (*CREDENTIALS, _p("fromDate", "from_date", args.wire_date),
     _p("toDate", "to_date", args.wire_date),
     _p("page", "page", args.wire_page, required=True), _p("returnUrl", "return_url")),
    Result("InvoiceListResponse", INVOICE, path=("Invoices",), many=True),
    check=_check_dates,
)
GET_TEMPLATES = Operation(
    "GetTemplates", CREDENTIALS,
    Result("TemplatesResponse", TEMPLATE, path=("Templates",), many=True),
)
GET_TEMPLATE_SPEC = Operation(
    "GetTemplateSpec", (*CREDENTIALS, _TEMPLATE_ID), Result("TemplateSpecResponse", TEMPLATE_SPEC),
)
_TEMPLATE_PARAMS = (
    ("templateName", "name", args.non_empty_text, True),
    ("templateOutputFormat", "output_format", args.non_empty_text, True),
    ("deliveryTimeInHour", "delivery_time_hours", args.int_text, True),
    ("backgroundType", "background_type", args.int_text, False),
    ("backgroundColor", "background_color", None, False),
    ("backgroundVerticalGradientColor", "background_vertical_gradient_color", None, False),
    ("resizeType", "resize_type", args.int_text, False),
    ("resizeUnit", "resize_unit", args.int_text, False),
    ("resizeHeight", "resize_height", args.int_text, False),
    ("resizeWidth", "resize_width", args.int_text, False),
    ("resizeMinSize", "resize_min_size", args.int_text, False),
    ("resizeMaxSize", "resize_max_size", args.int_text, False),
    ("marginType", "margin_type", args.int_text, False),
    ("marginTop", "margin_top", args.int_text, False),
    ("marginBottom", "margin_bottom", args.int_text, False),
    ("marginLeft", "margin_left", args.int_text, False),
    ("marginRight", "margin_right", args.int_text, False),
    ("marginVerticalAlignment", "margin_vertical_alignment", None, False),
    ("shadowType", "shadow_type", args.int_text, False),
    ("isCombinedImages", "is_combined_images", args.wire_bool, False),
    ("callbackUrl", "callback_url", None, False),
    ("comment", "comment", None, False),
    ("isKeptMannequin", "is_kept_mannequin", args.wire_bool, False),
    ("isKeptModel", "is_kept_model", args.wire_bool, False),
)
ADD_TEMPLATE = Operation(
    "AddTemplate",
    (*CREDENTIALS, *(_p(w, n, c, required=r) for w, n, c, r in _TEMPLATE_PARAMS)),
    Result("AddedTemplateResponse", ADDED_TEMPLATE, inline=True), changes_state=True,
)
WHITE_GLOVE_SERVICE = Operation(
    "WhiteGloveService",
    (*CREDENTIALS, _DEVELOPER_KEY, *_image_urls(),
     _p("colorReferenceFileURL", "color_reference_file_url"), *_TAIL),
    _QUEUE_RESULT, changes_state=True,
)
ADD_PARTNER_IMAGE_TO_QUEUE = Operation(
    "AddPartnerImageToQueue",
    (*CREDENTIALS, _p("applicationCode", "application_code", args.non_empty_text, required=True),
     _TEMPLATE_ID, *_image_urls(),
     _p("additionalResourceFileURL", "additional_resource_file_url"), _DELIVERY, *_TAIL,
     _DEADLINE),
    _QUEUE_RESULT, changes_state=True,
)
ADD_IMAGE_TO_QUEUE = Operation(
    "AddImageToQueue",
    (*CREDENTIALS, _DEVELOPER_KEY, _TEMPLATE_ID, *_image_urls(),
     _p("colorReferenceFileURL", "color_reference_file_url"),
     _p("additionalResourceFileURL", "additional_resource_file_url"), _RESOURCE_URLS,
     _DELIVERY, *_TAIL, _DEADLINE, _p("instruction", "instruction"), _COLORWAYS,
     Param("colorChangeRequests", array_of(COLOR_CHANGE_REQUEST), python="color_change_requests",
           convert=args.color_change_requests)),
    _QUEUE_RESULT, changes_state=True,
)
ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE = Operation(
    "AddImageWithInstructionToQueue",
    (*CREDENTIALS, _DEVELOPER_KEY, _TEMPLATE_ID, *_image_urls(),
     _p("additionalResourceFileURL", "additional_resource_file_url"),
     # additionalResourceFileURL2..5 are sent empty: every further resource URL goes in
     # the additionalResourceFileURLs array (docs/api.md).
     *(Param(f"additionalResourceFileURL{n}") for n in range(2, 6)),
     _DELIVERY, *_TAIL, _DEADLINE,
     _p("instruction", "instruction", args.text, required=True), _COLORWAYS,
     _RESOURCE_URLS),
    _QUEUE_RESULT, changes_state=True,
)
ADD_STACK_IMAGE_TO_QUEUE = Operation(
    "AddStackImageToQueue",
    (*CREDENTIALS, _DEVELOPER_KEY, _TEMPLATE_ID, *_image_urls(),
     _p("colorReferenceFileURL", "color_reference_file_url"),
     _p("additionalResourceFileURL", "additional_resource_file_url"), _DELIVERY, *_TAIL,
     _DEADLINE, _p("instruction", "instruction"), _COLORWAYS),
    _QUEUE_RESULT, changes_state=True,
)

OPERATIONS.update((op.name, op) for op in (
    DELETE_IMAGE_FROM_QUEUE, REJECT_PROCESSED_IMAGE, GET_PRODUCT_IDS_LIST, GET_CONTACT_DETAILED,
    EDIT_CONTACT, GET_INVOICE_LIST, GET_TEMPLATES, GET_TEMPLATE_SPEC, ADD_TEMPLATE,
    WHITE_GLOVE_SERVICE, ADD_PARTNER_IMAGE_TO_QUEUE, ADD_IMAGE_TO_QUEUE,
    ADD_IMAGE_WITH_INSTRUCTION_TO_QUEUE, ADD_STACK_IMAGE_TO_QUEUE,
))

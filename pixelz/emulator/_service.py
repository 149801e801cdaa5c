"""The web methods' semantics, free of any wire concern.

This is the contract the Mono reference server implements too (see the module docstrings of
``pixelz.emulator``), so checks run in a fixed order and every parse rule is spelled out:
integers are ASCII digits only that fit an Int32 (``imagesPerPage`` and ``productIdsPerPage``
of any length above 100 are 100), dates are exactly ``yyyy-MM-dd`` and valid, a deadline is
exactly ``yyyy-MM-dd HH:mm:ss``, booleans ``true``/``false`` in any case, tickets hyphenated
Guids (any case, no braces or spaces). Every parameter arrives as a string, a missing one as
``""``, which means "not given"; arrays arrive as lists and are not looked at. The Mono
reference server (``tests/reference_asmx/service/Soap.cs``) implements the same list.

Every method checks the credentials first. The rules of each, in order:

- GetProductIdsList: page (default 1), productIdsPerPage (default 50, at most 100); one
  statistic per distinct non-null ProductId, DoneCount = images with status 80, TodoCount =
  the others, ordered by ProductId (ordinal, UTF-16 code units, as .NET compares).
- GetContactDetailed: the account's contact; ContactEmail is the accepted contact email.
- EditContact: timezoneIndex an int, isReceivedNewslater a boolean; contactName and
  contactCompany replace ContactPerson and ContactCompany when not empty; every other
  non-empty value is stored, never shown.
- GetInvoiceList: fromDate, toDate (inclusive, on CreatedDate), page; pages of 10 ordered
  by CreatedDate then InvoiceId; PaymentUrl ``https://pay.example.com/{id}?return=`` and the
  returnUrl escaped as ``Uri.EscapeDataString`` does, InvoiceUrl
  ``https://invoices.example.com/{id}.pdf``.
- GetTemplates, GetTemplateSpec: templateId an int ("Invalid templateId"), then an existing
  one ("Template not found").
- AddTemplate: templateName required; templateOutputFormat JPG, PNG, TIF or PSD in any case,
  else the result (not a fault) carries ErrorCode ``InvalidOutputFormat``; then every int and
  boolean parameter in wire order. The new template gets the next id, ContactId 7, the output
  format upper-cased, today's date, no price.
- The five submissions: developerAPIkey (AddPartnerImageToQueue: applicationCode) required;
  templateId an existing template (not WhiteGloveService); imageURL required;
  imageRequestedDeliveryTimeInHours an int; imageDeadlineDateTimeUTC a deadline; a
  customerImageId another image has is refused. The new image: the next Id, ticket
  :func:`~pixelz.emulator._state.new_ticket`, status 10 "New", dated the data set's latest
  day, empty customerImageId and productId stored as null. Answer: ticket, customer image id,
  IsTrial false. The image then moves on by itself when the emulator's ``speed`` knob is
  set (:mod:`pixelz.emulator._lifecycle`; the Mono reference service has no lifecycle).
- DeleteImageFromQueue: the image as GetImageStatus finds it; only status 10 (New).
- RejectProcessedImage: the image as GetImageStatus finds it, comment required, only status 80
  (Delivered); it goes back to 60 "In Production" without final images (and moves on
  again, as a submitted image does).
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from pixelz.emulator._lifecycle import submission_from
from pixelz.emulator._state import ServiceState
from pixelz.emulator.dataset import Record, TemplateRecord, template_record

if TYPE_CHECKING:
    from pixelz.emulator.config import Settings

__all__ = [
    "BOOM_PRODUCT_ID",
    "HANDLERS",
    "INT32_MAX",
    "INVOICES_PER_PAGE",
    "MAX_PER_PAGE",
    "OUTPUT_FORMATS",
    "Handler",
    "ServiceError",
    "check_credentials",
    "get_image_status",
    "get_images_list",
]

# The server's own limits, kept apart from the SDK's argument checks on purpose: a wrong
# limit in the SDK must meet the server's real one in tests, not a copy of itself.
INT32_MAX = 2**31 - 1  # integers are parsed as .NET Int32
MAX_PER_PAGE = 100  # a larger imagesPerPage is served as 100
BOOM_PRODUCT_ID = "__boom__"
DEFAULT_PER_PAGE = 50
INVOICES_PER_PAGE = 10
OUTPUT_FORMATS = ("JPG", "PNG", "TIF", "PSD")

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DEADLINE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_HEX = "[0-9a-fA-F]"
_GUID = re.compile(rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")


class ServiceError(Exception):
    """Raised by a web method: ``client`` errors are the service's SoapExceptions, the rest
    are unexpected server failures. ``site`` tells apart the places that raise the same
    message (the stack trace of a local caller shows which)."""

    def __init__(self, message: str, *, client: bool = True, site: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.client = client
        self.site = site


def _int32(text: str) -> int | None:
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= INT32_MAX else None


def _date(text: str, name: str) -> datetime.date | None:
    if not text:
        return None
    if _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise ServiceError(f"Invalid {name}")


def _fold(text: str) -> str:
    """Ordinal ignore-case as .NET does it: simple per-character upper-casing."""
    return "".join(c if len(u := c.upper()) != 1 else u for c in text)


def check_credentials(values: Mapping[str, str], email: str, api_key: str) -> None:
    given_email = values.get("contactEmail", "")
    given_key = values.get("contactAPIkey", "")
    if _fold(given_email) != _fold(email) or given_key != api_key:
        raise ServiceError("Invalid contact email or API key")


def _optional_int(text: str, name: str) -> int | None:
    """"" is unset; else ASCII digits fitting an Int32, or ``Invalid {name}``."""
    if not text:
        return None
    value = _int32(text)
    if value is None:
        raise ServiceError(f"Invalid {name}")
    return value


def _optional_bool(text: str, name: str) -> bool | None:
    if not text:
        return None
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise ServiceError(f"Invalid {name}")
    return lowered == "true"


def _required(values: Mapping[str, str], name: str) -> str:
    value = values.get(name, "")
    if not value:
        raise ServiceError(f"{name} is required")
    return value


def _page(text: str) -> int:
    page = _int32(text) if text else 1
    if page is None or page < 1:
        raise ServiceError("Invalid page")
    return page


def _per_page(text: str, name: str) -> int:
    """Default 50; digits only, at least 1; above 100 (any number of digits) is 100."""
    if not text:
        return DEFAULT_PER_PAGE
    if not _DIGITS.fullmatch(text):  # any number of digits: no int() of a huge string
        raise ServiceError(f"Invalid {name}", site="digits")
    digits = text.lstrip("0")
    if not digits:
        raise ServiceError(f"Invalid {name}", site="zero")
    return MAX_PER_PAGE if len(digits) > 3 else min(int(digits), MAX_PER_PAGE)


def _ordinal(text: str) -> bytes:
    """Sort key of .NET's ordinal string order (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


def _unset(text: str) -> str | None:
    return text or None


def get_images_list(
    values: Mapping[str, str], records: Sequence[Record], email: str, api_key: str
) -> list[Record]:
    """GetImagesList: credentials, then each parameter in WSDL order, then filter/sort/page."""
    check_credentials(values, email, api_key)
    status = _optional_int(values.get("imageStatus", ""), "imageStatus")
    exclude = _optional_int(values.get("excludeImageStatus", ""), "excludeImageStatus")
    product = values.get("productId", "")
    from_date = _date(values.get("fromDate", ""), "fromDate")
    to_date = _date(values.get("toDate", ""), "toDate")
    page = _page(values.get("page", ""))
    per_page = _per_page(values.get("imagesPerPage", ""), "imagesPerPage")

    sort_by = values.get("sortBy", "").lower()
    if sort_by not in ("", "id", "date", "status"):
        raise ServiceError("Invalid sortBy")
    descending = _optional_bool(values.get("isDescending", ""), "isDescending") or False

    if product == BOOM_PRODUCT_ID:
        raise ServiceError("Simulated server failure", client=False)

    selected = [
        r
        for r in records
        if (status is None or r.StatusId == status)
        and (exclude is None or r.StatusId != exclude)
        and (not product or r.ProductId == product)
        and (from_date is None or r.CreatedDate >= from_date)
        and (to_date is None or r.CreatedDate <= to_date)
    ]
    if sort_by == "date":
        selected.sort(key=lambda r: (r.CreatedDate, r.Id), reverse=descending)
    elif sort_by == "status":
        selected.sort(key=lambda r: (r.StatusId, r.Id), reverse=descending)
    else:
        selected.sort(key=lambda r: r.Id, reverse=descending)
    start = (page - 1) * per_page
    return selected[start : start + per_page]


def parse_guid(text: str) -> uuid.UUID | None:
    """The hyphenated ``D`` form only, any case, nothing around it."""
    return uuid.UUID(text) if _GUID.fullmatch(text) else None


def _find(values: Mapping[str, str], records: Sequence[Record]) -> Record:
    """The image GetImageStatus finds: by ticket if given, else by customer image id
    (lowest Id wins)."""
    ticket_text = values.get("imageTicket", "")
    customer_id = values.get("customerImageId", "")
    if ticket_text:
        ticket = parse_guid(ticket_text)
        if ticket is None:
            raise ServiceError("Invalid imageTicket")
        found = [r for r in records if r.ImageTicket == ticket]
        site = "imageTicket"
    elif customer_id:
        found = [r for r in records if r.CustomerImageId == customer_id]
        site = "customerImageId"
    else:
        raise ServiceError("imageTicket or customerImageId is required")
    if not found:
        raise ServiceError("Image not found", site=site)
    return min(found, key=lambda r: r.Id)


def get_image_status(
    values: Mapping[str, str], records: Sequence[Record], email: str, api_key: str
) -> Record:
    """GetImageStatus: by ticket if given, else by customer image id (lowest Id wins)."""
    check_credentials(values, email, api_key)
    return _find(values, records)


# -- the account's other operations -------------------------------------------------------


def get_product_ids_list(values: Mapping[str, str], s: Settings) -> list[dict[str, Any]]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    page = _page(values.get("page", ""))
    per_page = _per_page(values.get("productIdsPerPage", ""), "productIdsPerPage")
    counts: dict[str, list[int]] = {}
    for image in s.state.images():
        if image.ProductId is not None:
            done_todo = counts.setdefault(image.ProductId, [0, 0])
            done_todo[0 if image.StatusId == 80 else 1] += 1
    ordered = sorted(counts, key=_ordinal)
    start = (page - 1) * per_page
    return [
        {"ProductId": product, "DoneCount": counts[product][0], "TodoCount": counts[product][1]}
        for product in ordered[start : start + per_page]
    ]


def _decimal_text(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def get_contact_detailed(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    contact = s.state.contact()
    balance = _decimal_text(contact.ContactAccountBalance)
    return {
        "ContactPerson": contact.ContactPerson,
        "ContactCompany": contact.ContactCompany,
        "ContactEmail": s.contact_email,
        "ContactDaysOfCredit": contact.ContactDaysOfCredit,
        "ContactAccountBalance": balance,
        "ContactAccountBalance@Currency": None if balance is None else contact.Currency,
        "NumberOfTrialImages": contact.NumberOfTrialImages,
    }


_STORED_CONTACT_FIELDS = (
    "contactAddress1", "contactAddress2", "contactZipCode", "contactCity", "contactState",
    "contactPhone", "billingEmail", "billingAddress1", "billingAddress2", "billingZipCode",
    "billingCity", "billingState", "euVatNumber",
)  # fmt: skip


def edit_contact(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    timezone = _optional_int(values.get("timezoneIndex", ""), "timezoneIndex")
    newsletter = _optional_bool(values.get("isReceivedNewslater", ""), "isReceivedNewslater")
    stored = {name: values[name] for name in _STORED_CONTACT_FIELDS if values.get(name)}
    if timezone is not None:
        stored["timezoneIndex"] = str(timezone)
    if newsletter is not None:
        stored["isReceivedNewslater"] = "true" if newsletter else "false"
    s.state.edit_contact(values.get("contactName") or None,
                         values.get("contactCompany") or None, stored)
    return {}


def get_invoice_list(values: Mapping[str, str], s: Settings) -> list[dict[str, Any]]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    from_date = _date(values.get("fromDate", ""), "fromDate")
    to_date = _date(values.get("toDate", ""), "toDate")
    page = _page(values.get("page", ""))
    back = urllib.parse.quote(values.get("returnUrl", ""), safe="")  # Uri.EscapeDataString
    selected = sorted(
        (
            invoice
            for invoice in s.state.invoices()
            if (from_date is None or invoice.CreatedDate >= from_date)
            and (to_date is None or invoice.CreatedDate <= to_date)
        ),
        key=lambda i: (i.CreatedDate, _ordinal(i.InvoiceId)),
    )
    start = (page - 1) * INVOICES_PER_PAGE
    return [
        {
            "InvoiceId": invoice.InvoiceId,
            "CreatedDate": invoice.CreatedDate.isoformat(),
            "AmountDue": invoice.AmountDue,
            "IsPaid": invoice.IsPaid,
            "PaymentUrl": f"https://pay.example.com/{invoice.InvoiceId}?return={back}",
            "InvoiceUrl": f"https://invoices.example.com/{invoice.InvoiceId}.pdf",
        }
        for invoice in selected[start : start + INVOICES_PER_PAGE]
    ]


def get_templates(values: Mapping[str, str], s: Settings) -> tuple[TemplateRecord, ...]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    return s.state.templates()


def _template_spec(template: TemplateRecord) -> dict[str, Any]:
    spec = attrs.asdict(template)
    price = _decimal_text(template.Price)
    spec.update(
        Id=template.TemplateId,
        Name=template.TemplateName,
        Price=price,
        **{"Price@Currency": None if price is None else template.Currency},
    )
    return spec


def get_template_spec(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    template_id = _int32(values.get("templateId", ""))
    if template_id is None:
        raise ServiceError("Invalid templateId")
    for template in s.state.templates():
        if template.TemplateId == template_id:
            return _template_spec(template)
    raise ServiceError("Template not found")


# AddTemplate's int and boolean parameters in wire order, with the template field each
# sets (None: validated, not kept).
_TEMPLATE_INTS = (
    ("deliveryTimeInHour", "DeliveryTimeInHours"), ("backgroundType", "BackgroundType"),
    ("resizeType", "ResizeType"), ("resizeUnit", "ResizeUnit"),
    ("resizeHeight", "ResizeHeight"), ("resizeWidth", "ResizeWidth"),
    ("resizeMinSize", "ResizeMinSize"), ("resizeMaxSize", "ResizeMaxSize"),
    ("marginType", "MarginType"), ("marginTop", "MarginTop"),
    ("marginBottom", "MarginBottom"), ("marginLeft", "MarginLeft"),
    ("marginRight", "MarginRight"), ("shadowType", None),
)  # fmt: skip
_TEMPLATE_BOOLS = (
    ("isCombinedImages", "IsCombinedImages"), ("isKeptMannequin", None), ("isKeptModel", None),
)


def add_template(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)
    name = _required(values, "templateName")
    output_format = _fold(values.get("templateOutputFormat", ""))
    if output_format not in OUTPUT_FORMATS:  # reported in the result, not as a fault
        return {"TemplateId": 0, "ErrorCode": "InvalidOutputFormat",
                "Message": "Unsupported output format"}
    fields: dict[str, Any] = {}
    for wire, field in _TEMPLATE_INTS:
        number = _optional_int(values.get(wire, ""), wire)
        if field is not None:
            fields[field] = number or 0
    for wire, field in _TEMPLATE_BOOLS:
        flag = _optional_bool(values.get(wire, ""), wire)
        if field is not None:
            fields[field] = flag or False
    state = s.state
    today = state.today.isoformat()

    def make(template_id: int) -> TemplateRecord:
        # Everything else at the defaults of every template (ContactId 7, zeros, nulls).
        return template_record(
            TemplateId=template_id, TemplateName=name, Currency=None, CreatedDate=today,
            OutputFormat=output_format,
            BackgroundColor=_unset(values.get("backgroundColor", "")),
            BackgroundVerticalGradientColor=_unset(
                values.get("backgroundVerticalGradientColor", "")),
            **fields,
        )

    return {"TemplateId": state.add_template(make).TemplateId}


def _deadline(text: str) -> None:
    if not text:
        return
    match = _DEADLINE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ServiceError("Invalid imageDeadlineDateTimeUTC") from None


def _check_submission(values: Mapping[str, str], state: ServiceState) -> int:
    """The checks of a submission with a template; its template id."""
    template_id = _int32(values.get("templateId", ""))
    if template_id is None or all(t.TemplateId != template_id for t in state.templates()):
        raise ServiceError("Invalid templateId")
    _required(values, "imageURL")
    _optional_int(values.get("imageRequestedDeliveryTimeInHours", ""),
                  "imageRequestedDeliveryTimeInHours")
    _deadline(values.get("imageDeadlineDateTimeUTC", ""))
    return template_id


def _queue(values: Mapping[str, str], state: ServiceState,
           template_id: int | None) -> dict[str, Any]:
    image = state.add_image(
        _unset(values.get("customerImageId", "")),
        _unset(values.get("productId", "")),
        lambda: ServiceError("Duplicate customerImageId"),
        submission_from(values, template_id),
    )
    return {"ImageTicket": image.ImageTicket, "CustomerImageId": image.CustomerImageId,
            "IsTrial": False}


def _submission(first: str, *, template: bool = True) -> Handler:
    """A submission: ``first`` (the developer key or application code) is required."""

    def handler(values: Mapping[str, Any], s: Settings) -> dict[str, Any]:
        check_credentials(values, s.contact_email, s.contact_api_key)
        _required(values, first)
        template_id = None
        if template:
            template_id = _check_submission(values, s.state)
        else:
            _required(values, "imageURL")
        return _queue(values, s.state, template_id)

    return handler


def delete_image_from_queue(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)

    def delete(image: Record) -> None:
        if image.StatusId != 10:
            raise ServiceError("Image is already in production")

    s.state.change_image(lambda images: _find(values, images), delete)
    return {}


def reject_processed_image(values: Mapping[str, str], s: Settings) -> dict[str, Any]:
    check_credentials(values, s.contact_email, s.contact_api_key)

    def reject(image: Record) -> Record:
        _required(values, "comment")
        if image.StatusId != 80:
            raise ServiceError("Only delivered images can be rejected")
        return attrs.evolve(image, StatusId=60, StatusName="In Production", FinalImagesURL=None)

    s.state.change_image(lambda images: _find(values, images), reject, restart=True)
    return {}


# The emulator's dispatcher: wire name -> handler(parameter values, settings) -> the
# result value that the operation's result spec serializes (None for no result). Values
# are text for scalars, lists for arrays, dicts for complex parameters; ``settings.state``
# is the running account.
Handler = Callable[[Mapping[str, Any], "Settings"], Any]

HANDLERS: dict[str, Handler] = {
    "GetImagesList": lambda values, s: get_images_list(
        values, s.state.images(), s.contact_email, s.contact_api_key
    ),
    "GetImageStatus": lambda values, s: get_image_status(
        values, s.state.images(), s.contact_email, s.contact_api_key
    ),
    "DeleteImageFromQueue": delete_image_from_queue,
    "RejectProcessedImage": reject_processed_image,
    "GetProductIdsList": get_product_ids_list,
    "GetContactDetailed": get_contact_detailed,
    "EditContact": edit_contact,
    "GetInvoiceList": get_invoice_list,
    "GetTemplates": get_templates,
    "GetTemplateSpec": get_template_spec,
    "AddTemplate": add_template,
    "WhiteGloveService": _submission("developerAPIkey", template=False),
    "AddPartnerImageToQueue": _submission("applicationCode"),
    "AddImageToQueue": _submission("developerAPIkey"),
    "AddImageWithInstructionToQueue": _submission("developerAPIkey"),
    "AddStackImageToQueue": _submission("developerAPIkey"),
}

"""The web methods' semantics, free of any wire concern.

This is the contract the Mono reference server implements too (see the module docstrings of
``pixelz.emulator``), so checks run in a fixed order and every parse rule is spelled out:
integers are ASCII digits only that fit an Int32 (``imagesPerPage`` of any length above 100 is
100), dates are exactly ``yyyy-MM-dd`` and valid, tickets are hyphenated Guids (any case, no
braces or spaces). Every parameter arrives as a string, a missing one as ``""``. The Mono
reference server (``tests/reference_asmx/service/Soap.cs``) implements the same list.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pixelz.emulator.dataset import Record

if TYPE_CHECKING:
    from pixelz.emulator.config import Settings

__all__ = [
    "BOOM_PRODUCT_ID",
    "HANDLERS",
    "INT32_MAX",
    "MAX_PER_PAGE",
    "Handler",
    "ServiceError",
    "get_image_status",
    "get_images_list",
]

# The server's own limits, kept apart from the SDK's argument checks on purpose: a wrong
# limit in the SDK must meet the server's real one in tests, not a copy of itself.
INT32_MAX = 2**31 - 1  # integers are parsed as .NET Int32
MAX_PER_PAGE = 100  # a larger imagesPerPage is served as 100
BOOM_PRODUCT_ID = "__boom__"
DEFAULT_PER_PAGE = 50

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
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


def _status(text: str, name: str) -> int | None:
    if not text:
        return None
    value = _int32(text)
    if value is None:
        raise ServiceError(f"Invalid {name}")
    return value


def get_images_list(
    values: Mapping[str, str], records: Sequence[Record], email: str, api_key: str
) -> list[Record]:
    """GetImagesList: credentials, then each parameter in WSDL order, then filter/sort/page."""
    check_credentials(values, email, api_key)
    status = _status(values.get("imageStatus", ""), "imageStatus")
    exclude = _status(values.get("excludeImageStatus", ""), "excludeImageStatus")
    product = values.get("productId", "")
    from_date = _date(values.get("fromDate", ""), "fromDate")
    to_date = _date(values.get("toDate", ""), "toDate")

    page_text = values.get("page", "")
    page = _int32(page_text) if page_text else 1
    if page is None or page < 1:
        raise ServiceError("Invalid page")

    per_page_text = values.get("imagesPerPage", "")
    per_page = DEFAULT_PER_PAGE
    if per_page_text:  # any number of digits: no int() of a huge string
        if not _DIGITS.fullmatch(per_page_text):
            raise ServiceError("Invalid imagesPerPage", site="digits")
        digits = per_page_text.lstrip("0")
        if not digits:
            raise ServiceError("Invalid imagesPerPage", site="zero")
        per_page = MAX_PER_PAGE if len(digits) > 3 else min(int(digits), MAX_PER_PAGE)

    sort_by = values.get("sortBy", "").lower()
    if sort_by not in ("", "id", "date", "status"):
        raise ServiceError("Invalid sortBy")
    descending_text = values.get("isDescending", "").lower()
    if descending_text not in ("", "true", "false"):
        raise ServiceError("Invalid isDescending")
    descending = descending_text == "true"

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


def get_image_status(
    values: Mapping[str, str], records: Sequence[Record], email: str, api_key: str
) -> Record:
    """GetImageStatus: by ticket if given, else by customer image id (lowest Id wins)."""
    check_credentials(values, email, api_key)
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


# The emulator's dispatcher: wire name -> handler(parameter values, settings) -> the
# result value that the operation's result spec serializes (None for no result). Values
# are text for scalars, lists for arrays, dicts for complex parameters.
Handler = Callable[[Mapping[str, Any], "Settings"], Any]

HANDLERS: dict[str, Handler] = {
    "GetImagesList": lambda values, s: get_images_list(
        values, s.dataset, s.contact_email, s.contact_api_key
    ),
    "GetImageStatus": lambda values, s: get_image_status(
        values, s.dataset, s.contact_email, s.contact_api_key
    ),
}

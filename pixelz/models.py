"""Value objects returned by the client: frozen, slotted, comparable and hashable."""

from __future__ import annotations

import decimal
import enum
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import overload

import attrs

__all__ = [
    "AddedTemplate",
    "ColorChangeRequest",
    "Contact",
    "Extra",
    "ImageStatus",
    "ImagesPage",
    "Invoice",
    "InvoicesPage",
    "MarkerInfo",
    "ProductIdStatistic",
    "ProductIdsPage",
    "Protocol",
    "SortBy",
    "Status",
    "SubmittedImage",
    "Template",
    "TemplateSpec",
]


class Protocol(str, enum.Enum):
    """The four wire protocols of an ASMX service, in the default fallback order."""

    SOAP11 = "soap11"
    SOAP12 = "soap12"
    HTTP_POST = "http_post"
    HTTP_GET = "http_get"  # last by default: it puts the credentials in the URL

    def __str__(self) -> str:
        return self.value


class Status(enum.IntEnum):
    """Known image status ids; records with other ids are returned unchanged."""

    NEW = 10
    IN_PRODUCTION = 60
    PRODUCTION_FINISHED = 70
    DELIVERED = 80


class SortBy(str, enum.Enum):
    """Sort keys accepted by ``list_images``."""

    ID = "id"
    DATE = "date"
    STATUS = "status"

    def __str__(self) -> str:
        return self.value


@attrs.frozen(slots=True)
class ImageStatus:
    """One image as the service reports it, fields in wire order.

    A string field is ``None`` when the element is absent or ``xsi:nil`` and ``""`` when
    it is empty; text is kept exactly as sent. ``final_image_urls`` is ``()`` when the
    array is absent, nil or empty, and nil items are dropped from it.
    """

    image_ticket: uuid.UUID
    customer_image_id: str | None
    product_id: str | None
    status_name: str | None
    status_id: int
    is_paid: bool
    thumbnail_image_url: str | None
    final_image_urls: tuple[str, ...] = ()

    @property
    def status(self) -> Status | None:
        """The known :class:`Status` for ``status_id``, or ``None`` for an unknown id."""
        try:
            return Status(self.status_id)
        except ValueError:
            return None


@attrs.frozen(slots=True)
class ImagesPage:
    """One page of ``list_images``; iterable and sized over ``images``."""

    images: tuple[ImageStatus, ...]
    page: int
    per_page: int | None
    protocol: Protocol | str

    def __iter__(self) -> Iterator[ImageStatus]:
        return iter(self.images)

    def __len__(self) -> int:
        return len(self.images)

    @overload
    def __getitem__(self, index: int) -> ImageStatus: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ImageStatus, ...]: ...
    def __getitem__(self, index: int | slice) -> ImageStatus | tuple[ImageStatus, ...]:
        return self.images[index]

    @property
    def is_last(self) -> bool:
        """True when this page is known to be the last: short (per_page known) or empty."""
        return _is_last(len(self.images), self.per_page)


def _is_last(count: int, per_page: int | None) -> bool:
    """Whether a page of ``count`` records is known to be the last: empty, or shorter
    than its known size."""
    return count == 0 or (per_page is not None and count < per_page)


class Extra(Mapping[str, "str | None"]):
    """The result's other child elements, wire name -> text (None for nil): read-only and
    hashable, so nothing the service sends is lost and records stay value objects."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str | None]] = ()) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> str | None:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"Extra({self._items!r})"


def _extra(value: Mapping[str, str | None] | Iterable[tuple[str, str | None]]) -> Extra:
    if isinstance(value, Extra):
        return value
    return Extra(value.items() if isinstance(value, Mapping) else value)


_EXTRA = attrs.field(factory=Extra, converter=_extra, kw_only=True)


@attrs.frozen(slots=True)
class SubmittedImage:
    """An image the service accepted into its queue."""

    image_ticket: uuid.UUID
    customer_image_id: str | None = None
    is_trial: bool | None = None
    extra: Extra = _EXTRA


@attrs.frozen(slots=True)
class ProductIdStatistic:
    """How many images of one product id are done and still to do."""

    product_id: str | None
    done_count: int
    todo_count: int


@attrs.frozen(slots=True)
class ProductIdsPage:
    """One page of ``list_product_ids``; iterable and sized over ``product_ids``."""

    product_ids: tuple[ProductIdStatistic, ...]
    page: int
    per_page: int | None
    protocol: Protocol | str

    def __iter__(self) -> Iterator[ProductIdStatistic]:
        return iter(self.product_ids)

    def __len__(self) -> int:
        return len(self.product_ids)

    @property
    def is_last(self) -> bool:
        """True when this page is known to be the last: short (per_page known) or empty."""
        return _is_last(len(self.product_ids), self.per_page)


@attrs.frozen(slots=True)
class Contact:
    """Your account as GetContactDetailed reports it; ``account_balance`` is exact
    (``decimal.Decimal``) in ``currency``."""

    person: str | None
    company: str | None
    email: str | None
    days_of_credit: int | None
    account_balance: decimal.Decimal | None
    currency: str | None
    trial_images: int | None


@attrs.frozen(slots=True)
class Invoice:
    """One invoice; dates and amounts are kept as the service writes them."""

    invoice_id: str | None
    created_date: str | None
    amount_due: str | None
    is_paid: bool
    payment_url: str | None
    invoice_url: str | None


@attrs.frozen(slots=True)
class InvoicesPage:
    """One page of ``list_invoices``; iterable and sized over ``invoices``."""

    invoices: tuple[Invoice, ...]
    page: int
    protocol: Protocol | str

    def __iter__(self) -> Iterator[Invoice]:
        return iter(self.invoices)

    def __len__(self) -> int:
        return len(self.invoices)

    @property
    def is_last(self) -> bool:
        """True when the page is empty: the service does not say its page size."""
        return not self.invoices


@attrs.frozen(slots=True)
class Template:
    """A template of your account (GetTemplates); fields the SDK does not name are in
    ``extra``."""

    template_id: int
    contact_id: int | None
    name: str | None
    prices: str | None
    is_combined_images: bool | None
    template_label_id: int | None
    is_recreate_detail: bool | None
    color_adjustment: bool | None
    color_adjustment_setting: str | None
    color_adjustment_comment: str | None
    color_matching: bool | None
    color_matching_setting: str | None
    extra: Extra = _EXTRA


@attrs.frozen(slots=True)
class TemplateSpec:
    """One template in detail (GetTemplateSpec); ``price`` is exact in ``currency``;
    fields the SDK does not name are in ``extra``."""

    template_id: int
    name: str | None
    price: decimal.Decimal | None
    currency: str | None
    created_date: str | None
    modified_date: str | None
    is_deleted: bool | None
    output_format: str | None
    delivery_time_hours: int | None
    background_type: int | None
    background_color: str | None
    background_vertical_gradient_color: str | None
    resize_type: int | None
    resize_unit: int | None
    resize_width: int | None
    resize_height: int | None
    resize_max_size: int | None
    resize_min_size: int | None
    margin_type: int | None
    margin_top: int | None
    margin_bottom: int | None
    margin_left: int | None
    margin_right: int | None
    extra: Extra = _EXTRA


@attrs.frozen(slots=True)
class AddedTemplate:
    """What AddTemplate answered: the new template's id when the answer names it."""

    template_id: int | None = None
    extra: Extra = _EXTRA


@attrs.frozen(slots=True)
class MarkerInfo:
    """A point on the image, in pixels, that a color change request refers to."""

    x: int
    y: int


def _markers(value: Iterable[MarkerInfo | tuple[int, int]]) -> tuple[MarkerInfo, ...]:
    return tuple(m if isinstance(m, MarkerInfo) else MarkerInfo(*m) for m in value)


@attrs.frozen(slots=True)
class ColorChangeRequest:
    """A color change for ``submit_image``: markers on the image, your color id, and the
    output file name. Only SOAP carries it (a complex type)."""

    markers: tuple[MarkerInfo, ...] = attrs.field(default=(), converter=_markers)
    customer_image_color_id: str | None = None
    output_file_name: str | None = None


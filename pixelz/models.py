"""Value objects returned by the client: frozen, slotted, comparable and hashable."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from typing import overload

import attrs

__all__ = ["ImageStatus", "ImagesPage", "Protocol", "SortBy", "Status"]


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
        if not self.images:
            return True
        return self.per_page is not None and len(self.images) < self.per_page

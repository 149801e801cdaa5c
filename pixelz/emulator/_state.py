"""The account's state while an emulator runs: images, contact, templates, invoices.

One :class:`ServiceState` per emulator instance, built from the data set and the account
(:mod:`pixelz.emulator.dataset`) and rebuilt whenever those knobs change or the configuration
is reset, so every test starts from the same state. Readers get snapshots (tuples); each
write holds the lock for its whole check-then-change, so concurrent submissions with the
same ``customerImageId`` land once. The Mono reference service keeps its state the same way
(``tests/reference_asmx/service/Soap.cs``).
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable, Sequence

import attrs

from pixelz.emulator.dataset import (
    Account,
    ContactRecord,
    InvoiceRecord,
    Record,
    TemplateRecord,
)

__all__ = ["ServiceState", "new_ticket"]


def new_ticket(image_id: int) -> uuid.UUID:
    """The ticket of a submitted image: a name-based UUID of its Id, so a run is
    reproducible and both servers give the same ticket to the same new image."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"image:{image_id}")


class ServiceState:
    """The mutable account behind the web methods (see the module docstring)."""

    def __init__(self, images: Sequence[Record], account: Account) -> None:
        self._lock = threading.Lock()
        self._images = sorted(images, key=lambda r: r.Id)
        self._templates = sorted(account.templates, key=lambda t: t.TemplateId)
        self._invoices = tuple(account.invoices)
        self._contact = account.contact
        self._stored: dict[str, str] = {}  # what EditContact keeps but nothing shows
        # "Today" for new images: the data set's latest date (.NET's DateTime.MinValue
        # without images); Ids and template ids go on from the highest one.
        self.today = max((r.CreatedDate for r in images), default=datetime.date.min)
        self._next_id = max((r.Id + 1 for r in images), default=1)
        self._next_template_id = max((t.TemplateId + 1 for t in account.templates), default=1)

    # -- reads ---------------------------------------------------------------------------

    def images(self) -> tuple[Record, ...]:
        with self._lock:
            return tuple(self._images)

    def templates(self) -> tuple[TemplateRecord, ...]:
        with self._lock:
            return tuple(self._templates)

    def invoices(self) -> tuple[InvoiceRecord, ...]:
        return self._invoices  # never changed

    def contact(self) -> ContactRecord:
        with self._lock:
            return self._contact

    def stored_contact_fields(self) -> dict[str, str]:
        """What EditContact stored that GetContactDetailed does not show, by parameter."""
        with self._lock:
            return dict(self._stored)

    # -- writes --------------------------------------------------------------------------

    def add_image(self, customer_image_id: str | None, product_id: str | None,
                  duplicate: Callable[[], Exception]) -> Record:
        """A new image, status New (10), dated today; raises ``duplicate()`` when the
        customer image id is already taken."""
        with self._lock:
            if customer_image_id is not None and any(
                r.CustomerImageId == customer_image_id for r in self._images
            ):
                raise duplicate()
            image_id = self._next_id
            self._next_id += 1
            record = Record(
                Id=image_id,
                CreatedDate=self.today,
                ImageTicket=new_ticket(image_id),
                CustomerImageId=customer_image_id,
                ProductId=product_id,
                StatusName="New",
                StatusId=10,
                IsPaid=False,
                ThumbnailImageURL=None,
                FinalImagesURL=None,
            )
            self._images.append(record)
            return record

    def change_image(self, find: Callable[[Sequence[Record]], Record],
                     change: Callable[[Record], Record | None]) -> None:
        """Find an image and replace it by ``change(image)`` (None removes it), atomically;
        both may raise."""
        with self._lock:
            found = find(self._images)
            index = next(i for i, r in enumerate(self._images) if r is found)
            changed = change(found)
            if changed is None:
                del self._images[index]
            else:
                self._images[index] = changed

    def edit_contact(self, person: str | None, company: str | None,
                     stored: dict[str, str]) -> None:
        with self._lock:
            if person:
                self._contact = attrs.evolve(self._contact, ContactPerson=person)
            if company:
                self._contact = attrs.evolve(self._contact, ContactCompany=company)
            self._stored.update(stored)

    def add_template(self, make: Callable[[int], TemplateRecord]) -> TemplateRecord:
        """Add the template ``make(next id)`` builds; returns it."""
        with self._lock:
            template = make(self._next_template_id)
            self._next_template_id += 1
            self._templates.append(template)
            return template

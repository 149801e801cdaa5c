"""The account's state while an emulator runs: images, contact, templates, invoices.

One :class:`ServiceState` per emulator instance, built from the data set and the account
(:mod:`pixelz.emulator.dataset`) and rebuilt whenever those knobs change or the configuration
is reset, so every test starts from the same state. Readers get snapshots (tuples); each
write holds the lock for its whole check-then-change, so concurrent submissions with the
same ``customerImageId`` land once. The Mono reference service keeps its state the same way
(``tests/reference_asmx/service/Soap.cs``).

Submitted images also move on by themselves (:mod:`pixelz.emulator._lifecycle`): the state
keeps the emulator's :class:`~pixelz.emulator._clock.Clock`, when each moving image entered
its status, the files delivered images are served with, and the :class:`Outbox` of callbacks
due, so a fresh state is also a fresh clock and an empty callback queue. :meth:`settle`
applies the steps that are due; the emulator calls it before every request, from its worker
thread, and when a test advances the clock.
"""

from __future__ import annotations

import bisect
import datetime
import threading
import uuid
from collections.abc import Callable, Sequence

import attrs

from pixelz.emulator._clock import Clock
from pixelz.emulator._lifecycle import (
    DELIVERED,
    IN_PRODUCTION,
    STEPS,
    THUMBNAIL_NAME,
    Submission,
    callback_body,
    file_path,
    final_names,
    next_step,
)
from pixelz.emulator._outbox import Outbox
from pixelz.emulator.dataset import (
    EMULATOR_FILES,
    Account,
    ContactRecord,
    InvoiceRecord,
    Record,
    TemplateRecord,
)

__all__ = ["ServedFile", "ServiceState", "new_ticket"]

# A delivered image that was never submitted here (a data set image rejected, then
# delivered again) has no submission to take names from.
_NO_SUBMISSION = Submission(callback_url=None, template_id=None, final_names=final_names(()))


def new_ticket(image_id: int) -> uuid.UUID:
    """The ticket of a submitted image: a name-based UUID of its Id, so a run is
    reproducible and both servers give the same ticket to the same new image."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"image:{image_id}")


@attrs.frozen(slots=True)
class ServedFile:
    """A file the emulator serves under ``/files/``: a final (``size`` bytes, as the
    ``final_size`` knob was when it was delivered) or a thumbnail (``size`` None)."""

    image_id: int
    ticket: uuid.UUID
    name: str
    size: int | None


class ServiceState:
    """The mutable account behind the web methods (see the module docstring)."""

    def __init__(self, images: Sequence[Record], account: Account, *,
                 manual_clock: bool = False) -> None:
        self._lock = threading.Lock()
        self.clock = Clock(manual=manual_clock)
        self.outbox = Outbox()
        self._submissions: dict[int, Submission] = {}
        self._moving: dict[int, float] = {}  # image Id -> clock time it entered its status
        self._files: dict[str, ServedFile] = {}
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
        self._unplaced = any(u.startswith(EMULATOR_FILES) for r in self._images
                             for u in (r.FinalImagesURL or ()) if u)

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
                  duplicate: Callable[[], Exception],
                  submission: Submission | None = None) -> Record:
        """A new image, status New (10), dated today; raises ``duplicate()`` when the
        customer image id is already taken. With a ``submission`` it starts moving
        through the lifecycle from now."""
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
            if submission is not None:
                self._submissions[image_id] = submission
                self._moving[image_id] = self.clock.now()
            return record

    def change_image(self, find: Callable[[Sequence[Record]], Record],
                     change: Callable[[Record], Record | None], *,
                     restart: bool = False) -> None:
        """Find an image and replace it by ``change(image)`` (None removes it), atomically;
        both may raise. ``restart``: the changed image moves on again from now. Files the
        changed image no longer names are no longer served."""
        with self._lock:
            found = find(self._images)
            index = next(i for i, r in enumerate(self._images) if r is found)
            changed = change(found)
            if changed is None:
                del self._images[index]
                self._moving.pop(found.Id, None)
            else:
                self._images[index] = changed
                if restart:
                    self._moving[found.Id] = self.clock.now()
            self._prune_files(found.Id, changed)

    # -- the lifecycle -------------------------------------------------------------------

    def _prune_files(self, image_id: int, record: Record | None) -> None:
        urls = [] if record is None else [
            u for u in (record.ThumbnailImageURL, *(record.FinalImagesURL or ())) if u
        ]
        for path, served in list(self._files.items()):
            if served.image_id == image_id and not any(u.endswith(path) for u in urls):
                del self._files[path]

    def settle(self, speed: float | None, origin: str, final_size: int) -> int:
        """Apply every lifecycle step due by now at ``speed`` seconds a step (None: the
        lifecycle is off, nothing moves); files get URLs under ``origin``, finals are
        ``final_size`` bytes. Queues the callbacks of delivered images. Returns the number
        of steps taken."""
        if self._unplaced:
            self._place_files(origin, final_size)
        if speed is None or not self._moving:
            return 0
        now = self.clock.now()
        steps = 0
        with self._lock:
            for image_id, since in list(self._moving.items()):
                index = bisect.bisect_left(self._images, image_id, key=lambda r: r.Id)
                if index == len(self._images) or self._images[index].Id != image_id:
                    del self._moving[image_id]  # removed meanwhile
                    continue
                record = self._images[index]
                submission = self._submissions.get(image_id, _NO_SUBMISSION)
                while record.StatusId in STEPS and now - since >= speed:
                    record = next_step(record, origin, submission.final_names)
                    since += speed
                    steps += 1
                    self._entered(record, submission, final_size)
                self._images[index] = record
                if record.StatusId in STEPS:
                    self._moving[image_id] = since
                else:
                    del self._moving[image_id]
        return steps

    def _place_files(self, origin: str, final_size: int) -> None:
        """Serve the data set's files that wait for the emulator's origin (the demo data
        set's finals), and give them their URLs under ``origin``."""
        with self._lock:
            for index, record in enumerate(self._images):
                finals = tuple(record.FinalImagesURL or ())
                placed = []
                for url in finals:
                    if url and url.startswith(EMULATOR_FILES):
                        self._serve(record, url.rsplit("/", 1)[1], final_size)
                        url = origin + url[len(EMULATOR_FILES):]
                    placed.append(url)
                if tuple(placed) != finals:
                    self._images[index] = attrs.evolve(record, FinalImagesURL=tuple(placed))
            self._unplaced = False

    def _serve(self, record: Record, name: str, size: int | None) -> None:
        """Serve ``record``'s file ``name``: a final of ``size`` bytes, or (None) the
        thumbnail."""
        self._files[file_path(record.ImageTicket, name)] = ServedFile(
            record.Id, record.ImageTicket, name, size)

    def _entered(self, record: Record, submission: Submission, final_size: int) -> None:
        """Serve the files of the status ``record`` just entered; queue its callback."""
        if record.StatusId == IN_PRODUCTION:
            self._serve(record, THUMBNAIL_NAME, None)
        elif record.StatusId == DELIVERED:
            for name in submission.final_names:
                self._serve(record, name, final_size)
            if submission.callback_url is not None:
                self.outbox.put(record.ImageTicket, submission.callback_url,
                                callback_body(record, submission.template_id))

    def next_step_at(self, speed: float | None) -> float | None:
        """The clock time of the next step due at ``speed``, or None if nothing moves."""
        if speed is None:
            return None
        with self._lock:
            return min((since + speed for since in self._moving.values()), default=None)

    def moving(self) -> int:
        """How many images are on their way to Delivered."""
        with self._lock:
            return len(self._moving)

    def file(self, path: str) -> ServedFile | None:
        """The file served at ``path`` (``/files/{ticket}/{name}``), if any."""
        with self._lock:
            return self._files.get(path)

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

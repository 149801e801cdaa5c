"""The callbacks a running emulator owes, and what became of each.

When an image with a callback URL is delivered, one :class:`CallbackDelivery` is queued here;
the emulator's worker thread (:mod:`pixelz.emulator._courier`) takes it when due, POSTs it,
and records the attempt: delivered on a 2xx, tried again later after a 5xx, 408, 429 or a
network failure, failed for good on any other answer or when the attempts run out. Tests read
the records (:attr:`pixelz.emulator.Emulator.callbacks`) and wait for the queue to drain
(:meth:`Outbox.wait`). The secret is never stored here: the worker signs when it sends.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Literal

import attrs

__all__ = ["CallbackAttempt", "CallbackDelivery", "CallbackOutcome", "Outbox"]

CallbackOutcome = Literal["pending", "delivered", "failed"]


@attrs.frozen(slots=True)
class CallbackAttempt:
    """One POST: the receiver's HTTP status, or None and why it got no answer."""

    status: int | None
    error: str | None = None


@attrs.frozen(slots=True)
class CallbackDelivery:
    """A callback as it stands: the image, where it goes, the exact body, the headers of
    the last attempt (``()`` before the first), every attempt, and the outcome."""

    image_ticket: uuid.UUID
    url: str
    body: bytes = attrs.field(repr=False)
    headers: tuple[tuple[str, str], ...] = attrs.field(repr=False)
    attempts: tuple[CallbackAttempt, ...]
    outcome: CallbackOutcome

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"


@attrs.define
class _Entry:
    delivery: CallbackDelivery
    due: float  # time.monotonic() of the next attempt
    busy: bool = False  # taken by the worker


class Outbox:
    """Thread-safe queue and record of callbacks, in the order they were queued."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._entries: list[_Entry] = []

    def put(self, image_ticket: uuid.UUID, url: str, body: bytes) -> None:
        delivery = CallbackDelivery(image_ticket, url, body, (), (), "pending")
        with self._changed:
            self._entries.append(_Entry(delivery, time.monotonic()))
            self._changed.notify_all()

    def take(self, now: float) -> tuple[int, CallbackDelivery] | None:
        """The oldest pending callback due by ``now`` (monotonic), marked as taken."""
        with self._changed:
            for index, entry in enumerate(self._entries):
                if entry.delivery.outcome == "pending" and not entry.busy and entry.due <= now:
                    entry.busy = True
                    return index, entry.delivery
        return None

    def record(self, index: int, attempt: CallbackAttempt,
               headers: tuple[tuple[str, str], ...], outcome: CallbackOutcome,
               retry_at: float = 0.0) -> None:
        """The result of the attempt on entry ``index``; ``pending`` tries again at
        ``retry_at``."""
        with self._changed:
            entry = self._entries[index]
            entry.delivery = attrs.evolve(
                entry.delivery, headers=headers,
                attempts=(*entry.delivery.attempts, attempt), outcome=outcome,
            )
            entry.due = retry_at
            entry.busy = False
            self._changed.notify_all()

    def next_due(self) -> float | None:
        """When the next pending callback is due (monotonic), or None."""
        with self._changed:
            return min((e.due for e in self._entries
                        if e.delivery.outcome == "pending" and not e.busy), default=None)

    def pending(self) -> int:
        with self._changed:
            return sum(1 for e in self._entries if e.delivery.outcome == "pending")

    def deliveries(self) -> tuple[CallbackDelivery, ...]:
        with self._changed:
            return tuple(e.delivery for e in self._entries)

    def wait(self, timeout: float, count: int = 0) -> bool:
        """Block until at least ``count`` callbacks were queued and none is pending; False
        if ``timeout`` seconds passed first."""
        with self._changed:
            return self._changed.wait_for(
                lambda: len(self._entries) >= count
                and all(e.delivery.outcome != "pending" for e in self._entries),
                timeout,
            )

"""The emulator's clock: real time plus whatever a test added by hand.

Submitted images move through their statuses on this clock, so a test can jump ahead with
:meth:`Clock.advance` instead of sleeping. A manual clock (``manual_clock=True``) does not move
with real time at all: only :meth:`Clock.advance` moves it, so what a test sees depends on
nothing but the calls it makes.
"""

from __future__ import annotations

import math
import threading
import time

__all__ = ["Clock"]


class Clock:
    """Seconds since the clock was made (real time, unless manual) plus the seconds added."""

    def __init__(self, *, manual: bool = False) -> None:
        self._lock = threading.Lock()
        self._manual = manual
        self._offset = 0.0  # seconds added, plus real time folded in while switching modes
        self._started = time.monotonic()

    @property
    def manual(self) -> bool:
        return self._manual

    def now(self) -> float:
        with self._lock:
            return self._now()

    def _now(self) -> float:
        if self._manual:
            return self._offset
        return self._offset + (time.monotonic() - self._started)

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (0 or more); returns the new time."""
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._offset += seconds
            return self._now()

    def set_manual(self, manual: bool) -> None:
        """Stop (or start again) following real time, without jumping."""
        with self._lock:
            if manual == self._manual:
                return
            current = self._now()
            self._manual = manual
            self._started = time.monotonic()
            self._offset = current

    def __repr__(self) -> str:
        kind = "manual" if self._manual else "real time"
        return f"<Clock {self.now():.3f} s, {kind}>"

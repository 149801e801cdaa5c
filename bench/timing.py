"""Timing helpers: perf_counter, several repetitions, gc off while the clock runs."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Timing", "interleaved"]


@attrs.frozen
class Timing:
    """Seconds per call over the repetitions: the minimum (least disturbed) and median."""

    best: float
    median: float

    def ms(self) -> str:
        return f"{self.best * 1e3:.2f} ms (median {self.median * 1e3:.2f})"

    def us(self) -> str:
        return f"{self.best * 1e6:.1f} µs (median {self.median * 1e6:.1f})"


def _once(fn: Callable[[], Any], number: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        gc.enable()


def interleaved(
    fns: dict[str, Callable[[], Any]], *, repeat: int, number: int = 1, warmup: int = 1
) -> dict[str, Timing]:
    """Time several functions in alternation, so that drift in machine load (other
    processes, CPU frequency) hits each of them alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            samples[name].append(_once(fn, number))
    return {
        name: Timing(min(values), statistics.median(values))
        for name, values in samples.items()
    }

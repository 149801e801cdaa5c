"""Timing helpers: CPU time, several repetitions, gc off while the clock runs.

The timed code runs in one thread and does no I/O (the transport answers in memory), so
the CPU time this process spends is the cost of the call; unlike wall time, it does not
count the moments other processes on a shared machine hold the CPU.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs

__all__ = ["CLOCK", "Timing", "interleaved", "median_ratio", "paired_ratio"]

CLOCK = time.process_time


@attrs.frozen
class Timing:
    """CPU seconds per call over the repetitions: the minimum (least disturbed) and the
    median."""

    best: float
    median: float
    samples: tuple[float, ...] = ()  # per repetition, in the order they were taken

    def ms(self) -> str:
        return f"{self.best * 1e3:.2f} ms (median {self.median * 1e3:.2f})"

    def us(self) -> str:
        return f"{self.best * 1e6:.1f} µs (median {self.median * 1e6:.1f})"


def _once(fn: Callable[[], Any], number: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = CLOCK()
        for _ in range(number):
            fn()
        return (CLOCK() - start) / number
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
        name: Timing(min(values), statistics.median(values), tuple(values))
        for name, values in samples.items()
    }


def paired_ratio(a: Timing, b: Timing) -> float:
    """How many times ``b``'s time ``a`` takes: the median of the ratios of the samples
    taken side by side in one round, so that a change of machine load between rounds
    (on a shared machine) cancels out instead of pairing a quiet best with a busy one."""
    return median_ratio(a.samples, b.samples)


def median_ratio(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The median of ``x / y`` over samples taken side by side (see :func:`paired_ratio`)."""
    return statistics.median(x / y for x, y in zip(xs, ys, strict=True))

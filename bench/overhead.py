"""Where one in-memory ``get_image_status`` call spends its time (the P2 profile).

cProfile runs a loop of calls over the same canned answer as P2. Time spent in the
standard library and in C functions (lxml, builtins) is charged to the pixelz or httpx
function that called it, in proportion to the calls, so every share names code of
pixelz, of httpx, or the bench's canned answer. The profiler's own cost grows with the
number of Python calls, so the shares lean towards call-heavy code; they tell where to
look, the P2 ratio tells how much there is.
"""

from __future__ import annotations

import cProfile
import functools
import os
import pstats
import sys
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Profile", "Shares", "run_profile"]

Key = tuple[str, int, str]  # (file, line, function), as pstats keys its entries
CANNED = "the canned answer (bench)"
LOOP = "the timing loop (bench)"


Shares = tuple[tuple[str, float], ...]  # (what, share of a call's time), largest first


@attrs.frozen
class Profile:
    calls: int
    per_call: float  # seconds per pixelz call under the profiler
    bare_per_call: float  # seconds per call of the bare baseline under the profiler
    areas: Shares  # own time by module
    functions: Shares  # own time by pixelz function
    httpx_calls: Shares  # time in httpx by the pixelz function that called into it


def run_profile(*, calls: int) -> Profile:
    from .parse import call_setup

    pair = call_setup()
    stats = _profiled(pair.call, calls)
    bare_total = sum(_attribute(_profiled(pair.bare, calls)).values())
    pair.close()
    own = _attribute(stats)
    total = sum(own.values())
    areas: dict[str, float] = defaultdict(float)
    functions: dict[str, float] = defaultdict(float)
    for key, seconds in own.items():
        area = _area(key)
        areas[area] += seconds / total
        if area.startswith("pixelz"):
            functions[f"{area}:{_qualname(key)}"] += seconds / total
    httpx_calls: dict[str, float] = defaultdict(float)
    for key, entry in stats.items():
        if _area(key) != "httpx":
            continue
        for caller, (_, _, _, cumulative) in entry[4].items():
            area = _area(caller)
            if area.startswith("pixelz"):
                label = f"{area}:{_qualname(caller)} -> httpx {_qualname(key)}"
                httpx_calls[label] += cumulative / total
    return Profile(
        calls=calls,
        per_call=total / calls,
        bare_per_call=bare_total / calls,
        areas=_largest(areas),
        functions=_largest(functions),
        httpx_calls=_largest(httpx_calls),
    )


def _profiled(fn: Callable[[], Any], calls: int) -> dict[Key, Any]:
    for _ in range(100):  # warm caches first
        fn()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        fn()
    profiler.disable()
    return pstats.Stats(profiler).stats  # type: ignore[attr-defined, no-any-return]


def _largest(shares: dict[str, float]) -> Shares:
    return tuple(sorted(shares.items(), key=lambda item: -item[1]))


@functools.cache
def _qualname(key: Key) -> str:
    """``Class.method`` for a profiled function, found among its module's functions and
    classes by its code object; the bare function name when not found (nested ones)."""
    filename, line, name = key
    if filename.startswith("<attrs generated methods "):  # "<... pixelz.models.Model>"
        return filename.rstrip(">").rsplit(".", 1)[-1] + "." + name
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) != filename:
            continue
        for value in vars(module).values():
            members = vars(value).values() if isinstance(value, type) else (value,)
            for member in members:
                member = getattr(member, "fget", member)  # a property's getter
                code = getattr(getattr(member, "__func__", member), "__code__", None)
                if code is not None and code.co_firstlineno == line and code.co_name == name:
                    return str(getattr(code, "co_qualname", name))
    return name


def _area(key: Key) -> str:
    """Where a function belongs: its pixelz module (``pixelz/_parser.py``), ``httpx``,
    the bench (its canned answer, or the loop around the calls), or "" for anything else
    (the standard library, C functions)."""
    path = key[0].replace(os.sep, "/")
    if path.startswith("<attrs generated methods pixelz."):  # an attrs class's methods
        module = path.split()[-1].rstrip(">").rsplit(".", 1)[0]
        return module.replace(".", "/") + ".py"
    if "/pixelz/" in path:
        return "pixelz/" + path.rsplit("/pixelz/", 1)[1]
    if "/httpx/" in path:
        return "httpx"
    if "/bench/" in path:
        return CANNED if key[2] == "handler" else LOOP
    return ""


def _attribute(stats: dict[Key, Any]) -> dict[Key, float]:
    """Own time per pixelz/httpx/bench function, with the own time of everything else
    handed up to its callers in proportion to their share of its calls, round after
    round until it reaches one of them (cycles through the standard library fade out)."""
    own: dict[Key, float] = defaultdict(float)
    pending: dict[Key, float] = {key: entry[2] for key, entry in stats.items()}
    for _ in range(200):
        handed: dict[Key, float] = defaultdict(float)
        for key, seconds in pending.items():
            counts = {caller: entry[1] for caller, entry in stats[key][4].items()
                      if caller in stats}
            calls = sum(counts.values())
            if _area(key) or not calls:
                own[key] += seconds
                continue
            for caller, count in counts.items():
                handed[caller] += seconds * count / calls
        pending = {key: seconds for key, seconds in handed.items() if seconds > 1e-9}
        if not pending:
            break
    # The loop around the calls, and what nothing called (the profiler's own entry), are
    # not part of a call.
    return {key: seconds for key, seconds in own.items() if _area(key) not in ("", LOOP)}

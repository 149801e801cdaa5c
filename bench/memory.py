"""P5: growth of peak RSS while parsing the 10,000-record page (above the parser's size
limit, so pixelz reads it incrementally), each parser in a fresh process. Run as
``python -m bench.memory MODE BODY_FILE CONTENT_TYPE`` (the worker), or through
:func:`run_memory`."""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["MemoryResult", "run_memory"]

MODES = ("pixelz", "zeep", "lxml")


@attrs.frozen
class MemoryResult:
    growth: dict[str, float]  # MiB of peak RSS growth per mode

    @property
    def ratio(self) -> float:
        return self.growth["pixelz"] / self.growth["zeep"]


def run_memory(body: bytes, content_type: str, *, root: str) -> MemoryResult:
    with tempfile.NamedTemporaryFile(prefix="pixelz-bench-", suffix=".xml") as file:
        file.write(body)
        file.flush()
        env = dict(os.environ, PYTHONPATH=root)
        growth = {}
        for mode in MODES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.memory", mode, file.name, content_type],
                env=env, cwd=root, check=True, capture_output=True, text=True,
            ).stdout
            growth[mode] = int(out.split()[-1]) / 1024
    return MemoryResult(growth)


def _reset_peak() -> int:
    """Start a new peak-RSS window here; return the RSS it starts from (KiB).

    A forked child inherits its parent's peak (``ru_maxrss``), so on Linux the peak is
    reset through ``/proc/self/clear_refs``; elsewhere ``ru_maxrss`` is the fallback.
    """
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
        return _status("VmRSS")
    except OSError:
        return _peak()


def _peak() -> int:
    try:
        return _status("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _status(field: str) -> int:
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field} in /proc/self/status")


def _parser(mode: str, body: bytes, content_type: str) -> Callable[[bytes], Any]:
    """A function parsing a body, set up (imports, WSDL, client) before measuring."""
    if mode == "zeep":
        from .zeep_baseline import ZeepReplies

        replies = ZeepReplies("soap11")
        return lambda b: replies.process(b, content_type)
    if mode == "lxml":
        from lxml import etree

        return etree.fromstring
    from .parse import client_for

    bodies = [body]
    client = client_for(lambda: bodies[0], content_type, protocols="soap11")

    def parse(b: bytes) -> Any:
        bodies[0] = b
        return client.list_images()

    return parse


def main(mode: str, path: str, content_type: str) -> None:
    with open(path, "rb") as file:
        body = file.read()
    parse = _parser(mode, body, content_type)
    # Warm up every code path (imports, caches) on a small page of the same shape.
    from . import data

    parse(data.images_list_body("soap11", data.records(10)))
    gc.collect()
    before = _reset_peak()
    result = parse(body)
    after = _peak()
    del result
    print(after - before)


if __name__ == "__main__":
    main(*sys.argv[1:4])

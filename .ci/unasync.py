"""Generate the blocking client from the asyncio one: ``python .ci/unasync.py``.

pixelz/_async_client.py is the one written definition of every public client method;
pixelz/_client.py is this script's output (async/await removed, asyncio names swapped for
their blocking twins). ``--check`` exits 1 when the generated file is stale, as CI runs it.
The same idea as httpcore's scripts/unasync.py: one source, two APIs, no drift.
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "pixelz" / "_async_client.py"
TARGET = ROOT / "pixelz" / "_client.py"

# Whole-word replacements, applied in this order.
SUBS = (
    ("The asyncio client: the one written definition of every public client method.",
     "The blocking client, GENERATED from pixelz/_async_client.py: do not edit."),
    ("A Pixelz client for asyncio; safe to share between tasks.",
     "A blocking Pixelz client; safe to share between threads."),
    ("an ``httpx.AsyncClient``", "an ``httpx.Client``"),
    ("``async with``", "``with``"),
    ("as tasks", "on worker threads"),
    ("AsyncIterator", "Iterator"),
    ("AsyncClient", "Client"),
    ("_async_io", "_sync_io"),
    ("async def ", "def "),
    ("async for ", "for "),
    ("async with ", "with "),
    ("await ", ""),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aiter_bytes", "iter_bytes"),
    ("aclose", "close"),
    ("aread", "read"),
)


def unasync(text: str) -> str:
    for old, new in SUBS:
        text = re.sub(r"(?<!\w)" + re.escape(old), new, text)
    return text


def main(argv: list[str]) -> int:
    generated = unasync(SOURCE.read_text(encoding="utf-8"))
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != generated:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python .ci/unasync.py",
                  file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(generated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

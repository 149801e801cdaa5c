"""The results table, on the terminal and in docs/performance.md."""

from __future__ import annotations

import datetime
import os
import platform

import attrs

__all__ = ["Row", "machine", "render_markdown", "render_terminal"]


@attrs.frozen
class Row:
    goal: str  # "P1", "P1 (SOAP 1.2)", ...
    what: str
    measured: str
    ratio: str
    target: str
    passed: bool | None  # None: reported, no goal attached

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: "info"}[self.passed]


_HEADER = ("goal", "what", "measured", "ratio", "target", "result")


def _cells(row: Row) -> tuple[str, ...]:
    return (row.goal, row.what, row.measured, row.ratio, row.target, row.verdict)


def render_terminal(rows: list[Row]) -> str:
    table = [_HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, str]:
    import httpx
    import lxml
    from lxml import etree

    try:
        import zeep

        zeep_version = zeep.__version__
    except ImportError:  # pragma: no cover - bench extra not installed
        zeep_version = "not installed"
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "lxml": f"{lxml.__version__} (libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))})",
        "httpx": httpx.__version__,
        "zeep": zeep_version,
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def render_markdown(rows: list[Row], notes: list[str], command: str) -> str:
    today = datetime.date.today().isoformat()
    info = machine()
    table = ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    table += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
    machine_lines = [f"- {key}: {value}" for key, value in info.items()]
    return _TEMPLATE.format(
        date=today,
        command=command,
        table="\n".join(table),
        machine="\n".join(machine_lines),
        notes="\n".join(f"- {note}" for note in notes) or "- none",
    )


_TEMPLATE = """\
# Performance

<!-- This file is written by `python -m bench`; edit bench/report.py, not this file. -->

Measured on {date} with `{command}`. Every figure is a ratio against a baseline measured
in the same run, on the same bytes, so the goals (issue 7) hold on any machine; absolute
times are shown for scale only. Times are the best of several repetitions (median in
brackets), with the garbage collector off while the clock runs.

{table}

## Machine

{machine}

## Notes from this run

{notes}

## What is measured

- **P1 parse**: a deterministic 10,000-record `GetImagesList` response (`bench/data.py`:
  lowercase GUID tickets, sku-style customer ids, product ids, status names, thumbnails, one
  to three final URLs, nil, empty and absent fields) through `Client.list_images` over an
  in-memory `httpx.MockTransport`: request building, the retry/fallback policy, reading the
  body and parsing. Baselines: zeep 4's reply processing (`Binding.process_reply`: XML parse
  plus deserialization against the WSDL schema, loaded once from `bench/service.wsdl`) and a
  bare `lxml.etree.fromstring` of the same bytes. The goal is on SOAP 1.1; SOAP 1.2 and the
  bare HTTP GET document are reported too.
- **P2 call overhead**: `get_image_status` (one record, default protocol order) over an
  in-memory transport against a bare `httpx.Client.post` of the same request to the same
  canned response plus `lxml.etree.fromstring` of its body.
- **P3 pagination**: `AsyncClient.iter_images` over 20 full pages (100 records each) from the
  emulator on loopback, in a process of its own (`pixelz emulator --latency 50`, so its
  server threads do not share the client's GIL), one page at a time against
  `prefetch=4`. Records must come out in the same order; requests past the page that ended
  the walk (the first short or empty one) are counted from the request bodies.
- **P4 import**: wall time of `python -c "import pixelz"` against
  `python -c "import httpx, lxml.etree, attrs"`, medians of fresh interpreters run in
  alternation, bytecode cached in a private `PYTHONPYCACHEPREFIX`.
- **P5 memory**: growth of peak RSS (Linux `VmHWM`, reset through `/proc/self/clear_refs`
  just before the parse) while parsing the SOAP 1.1 page of P1, each parser in a fresh
  process after a warm-up on a small page of the same shape.

## Where the time goes, and what was done about it

- **Parsing strategy.** Documents up to 1 MiB (a single record, a page of 100) are parsed in
  one `etree.fromstring` call with a hardened parser cached per thread (building a parser,
  or setting up `iterparse`, costs about 20 µs, a fifth of a whole in-memory call).
  Larger ones are read with `iterparse` so that memory stays flat (P5), and their
  records are freed in batches of 1,000 (`del parent[:n]`): freeing them one by one
  (`clear()` plus `remove()`) cost as much as parsing the whole document.
- **The record loop.** One pass over a record's children keeps each one's text by tag;
  `xsi:nil` is only looked up when an element has no text; final URLs are read without a
  generator; `IsPaid` is a dictionary lookup and `StatusId` conversion is memoized (a
  page holds few distinct ids); the SOAP `Body` and `Images` are found by a child scan
  instead of `find()`, which parses its path on every call.
- **What is left.** Per record: about 1 µs for `uuid.UUID`, 0.6 µs for the frozen attrs
  `ImageStatus`, and for each of its 7 to 11 child elements an lxml proxy, its `tag`
  string and its `text` (about 0.25 µs each). lxml builds a new proxy and a new
  `{{namespace}}tag` string for every element touched from Python, so a Python-level reader
  of this record shape cannot get much below two to three times a bare
  `fromstring` of the same bytes, and `iterparse` itself (needed for flat memory) costs
  about 1.5x `fromstring`.
- **P1 is not met.** The floor of this design, measured piece by piece on the P1 page, is
  about 2x `fromstring` for incremental parsing, plus about 1.8x for touching each child
  element from Python, plus about 1x for the `UUID` and `ImageStatus` objects: roughly
  5x, where the goal asks for 3x (and 12x zeep, about the same bound). Tried and dropped:
  parsing the whole tree at once (2x faster, but its 23 MiB tree breaks P5, whose bound is
  half of zeep's 39 MiB), an XSLT flattening of the records (slower than the Python loop),
  and the standard library's ElementTree (slower). Reaching the goal needs a reader that
  does not touch one lxml element per field, for example a validated fast path over
  ASMX's fixed serialization or a compiled extension.

## How to run

```
pip install -e '.[bench]'     # zeep is a bench-only dependency
python -m bench               # every goal; prints the table and rewrites this file
python -m bench --quick       # fewer repetitions, for a smoke run
python -m bench --only P1,P5  # some goals only
python -m bench --no-write    # print the table, leave this file alone
```

Run it on an otherwise idle machine: other processes show up as noise in the absolute
times (the ratios are more robust, being measured in alternation). Benchmarks are not tests:
the test suite asserts no timings.
"""

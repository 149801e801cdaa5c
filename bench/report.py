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

- **Two readers, one answer.** A page whose records are written the way ASMX writes them
  (unprefixed elements in schema order, no attributes but `xsi:nil="true"`, no comments or
  CDATA) is read by `pixelz/_fastpath.py`: one regular expression per record over the
  decoded text, under 4 µs a record all told. The rest of the document (envelope, fault,
  `Images`) is still parsed by lxml, with an empty `<ImageStatus/>` standing where the
  records were; the records count only if that stand-in is the one child of the
  container the tree reader would use, in the service namespace, with `xsi` bound, in a
  UTF-8 XML 1.0 document. Anything else (and every single-record answer, which a tree
  reads faster) goes to the general lxml reader. `tests/unit/test_fastpath.py` runs both
  readers on the same bytes (real captures, every edge record on all four protocols, 35
  variants the fast path must decline, 300 generated pages) and requires the same records
  or the same error; the parsing suites run through both readers as well, and an
  integration test requires every page of the Mono reference service's hard-case data
  set, on all four protocols, to take the fast path and agree with the tree reader.
- **What the fast path checks once per page instead of per character.** `[^<]*` is
  matched far faster than any larger character class, so the characters XML forbids in
  text (C0 controls, U+FFFE/U+FFFF, `]]>`) are looked for with one `memchr` each over the
  records; a page holding one goes to the tree reader, which reports it. Text with `&` or
  CR is decoded as XML does (line ends to LF, then the five entities and character
  references; a reference libxml2 refuses sends the page to the tree reader). Runs of
  records over 10 MB go to the tree reader too, which applies libxml2's text-node limit.
- **Per record, what is left.** The pattern match and its groups (about 1.7 µs), the
  frozen attrs `ImageStatus` (0.7 µs), the `UUID` (0.4 µs: the checked hex digits go
  straight into the two slots `UUID.__init__` fills, through their descriptors; the
  constructor, which first tries every other input form, takes 0.9 µs), the final URLs
  (one `findall`). A one-line SOAP page is matched by a pattern without white-space
  allowances, about 10 % faster; the indented GET/POST shape takes the other.
- **Checks on the whole body.** The DTD refusal and the control-reference scan look for
  `!` and `&` first: a one-byte search is a `memchr`, ten times faster than a search for
  `<!DOCTYPE` or `&#`, and those ran over every byte of every answer (3 to 4 ms on P1).
- **The tree reader.** Documents up to 1 MiB are parsed in one `etree.fromstring` call
  with a hardened parser cached per thread (building a parser costs about 20 µs, a fifth
  of a whole in-memory call). Larger ones are read with `iterparse`, records freed in
  batches of 1,000 (`del parent[:n]`; one by one cost as much as the parse), so memory
  stays flat (P5) on pages the fast path declines. That reader runs at about 6x a bare
  `fromstring` on the P1 page: lxml builds a proxy and a `{{namespace}}tag` string for
  every element touched from Python.
- **Memory (P5).** The fast path holds the decoded text of the records and the records
  themselves, never a tree of the page: about a quarter of zeep's peak.
- **Tried and dropped.** Parsing the whole tree at once (its 23 MiB tree breaks P5), an
  XSLT flattening of the records (slower than the Python loop), the standard library's
  ElementTree (slower), a fast path for single records (slower than the tree for one
  record: it still parses the skeleton), factoring the pattern's alternatives (no gain).

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

"""``python -m bench``: measure every performance goal, print a table, write the docs."""

from __future__ import annotations

import argparse
import functools
import pathlib
import sys
from typing import TYPE_CHECKING

from . import data
from .report import Row, machine_load, render_markdown, render_terminal

if TYPE_CHECKING:
    from .downloads import DownloadsResult
    from .overhead import Profile, Shares
    from .submits import Pace

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
GOALS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9")
_SHAPE_NAMES = {"soap11": "SOAP 1.1", "soap12": "SOAP 1.2", "http_get": "HTTP GET"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", default=",".join(GOALS), help="comma-separated goals")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the docs")
    args = parser.parse_args(argv)
    only = {g.strip().upper() for g in args.only.split(",") if g.strip()}
    unknown = only - set(GOALS)
    if unknown:
        parser.error(f"unknown goals: {', '.join(sorted(unknown))}")
    load = machine_load()
    rows: list[Row] = []
    notes: list[str] = []
    steps = {"P1": _p1, "P2": _p2, "P3": _p3, "P4": _p4, "P5": _p5, "P6": _p6, "P7": _p7,
             "P8": _p8, "P9": _p9}
    for goal in GOALS:
        if goal in only:
            print(f"measuring {goal} ...", file=sys.stderr, flush=True)
            try:
                rows += steps[goal](args.quick, notes)
            except Exception as exc:  # a goal that cannot run is reported, not hidden
                rows.append(Row(goal, "could not run", f"{type(exc).__name__}: {exc}",
                                "-", "-", False))
    print(render_terminal(rows))
    print(f"\nload average when the run started: {load}", file=sys.stderr)
    command = "python -m bench" + (" --quick" if args.quick else "")
    if args.only != ",".join(GOALS):
        command += f" --only {args.only}"
    if not args.no_write:
        DOC.write_text(render_markdown(rows, notes, command, load), encoding="utf-8")
        print(f"\nwrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0 if all(r.passed is not False for r in rows) else 1


def _p1(quick: bool, notes: list[str]) -> list[Row]:
    from .parse import run_parse

    rows = []
    for shape in data.SHAPES:
        result = run_parse(shape, records=data.PAGE, repeat=5 if quick else 15, number=10)
        name = _SHAPE_NAMES[shape]
        gated = shape == "soap11"
        rows.append(Row(
            "P1" if gated else f"P1 ({name})",
            f"list_images, {data.PAGE}-record page with `&amp;` in URLs and ids, {name}, "
            f"{result.size / 1e3:.0f} kB",
            f"pixelz {result.pixelz.ms()}; zeep {result.zeep.ms()}",
            f"{result.vs_zeep:.1f}x faster than zeep", ">= 6x",
            result.vs_zeep >= 6 if gated else None,
        ))
        if gated:
            notes.append(
                f"P1: the {data.PAGE}-record {name} page holds {result.entities} entity "
                "references."
            )
            rows.append(Row(
                "P1 (fromstring)", f"the same page against bare lxml.etree.fromstring ({name})",
                f"pixelz {result.pixelz.ms()}; fromstring {result.lxml.ms()}",
                f"{result.vs_lxml:.1f}x fromstring", "none", None,
            ))
    large = run_parse("soap11", records=data.LARGE, repeat=3 if quick else 7)
    rows.append(Row(
        "P1 (10,000)",
        f"list_images, {data.LARGE:,}-record page, SOAP 1.1, {large.size / 1e6:.1f} MB "
        f"(no goal: the service returns at most {data.PAGE} records a page)",
        f"pixelz {large.pixelz.ms()}; zeep {large.zeep.ms()}; fromstring {large.lxml.ms()}",
        f"{large.vs_zeep:.1f}x faster than zeep", "none", None,
    ))
    notes.append(
        f"P1 (10,000): the page is {large.size / 2**20:.1f} MiB, "
        f"{_streamed(large.size)}."
    )
    return rows


def _streamed(size: int) -> str:
    """Whether pixelz reads a body of ``size`` bytes incrementally, as its parser says."""
    from pixelz._parser import _STREAM_ABOVE as limit

    how = "above" if size > limit else "not above"
    reader = "the incremental reader" if size > limit else "the whole-tree reader"
    return f"{how} the parser's {limit / 2**20:g} MiB limit, so {reader} reads it"


def _p2(quick: bool, notes: list[str]) -> list[Row]:
    from .overhead import run_profile
    from .parse import call_setup, run_call

    result = run_call(call_setup, repeat=7 if quick else 21, number=100 if quick else 300)
    profile = run_profile(calls=1000 if quick else 3000)
    notes.append(_profile_note(profile))
    return [Row(
        "P2", "get_image_status, one record, in-memory transport",
        f"pixelz {result.pixelz.us()}; httpx post + fromstring {result.bare.us()}",
        f"{result.ratio:.2f}x bare", "<= 1.5x", result.ratio <= 1.5,
    )]


def _profile_note(profile: Profile) -> str:
    def shares(items: Shares, count: int) -> str:
        return "; ".join(f"`{name}` {share:.0%}" for name, share in items[:count])

    own = sum(share for name, share in profile.areas if name.startswith("pixelz"))
    httpx_share = sum(share for name, share in profile.httpx_calls)
    return (
        f"P2 profile (cProfile, {profile.calls:,} calls; {profile.per_call * 1e6:.0f} µs a "
        f"call under the profiler against {profile.bare_per_call * 1e6:.0f} µs for the bare "
        f"baseline): pixelz's own code takes {own:.0%} of a call, httpx (with the canned "
        f"answer it fetches) {httpx_share:.0%}.\n"
        f"  - by module: {shares(profile.areas, 8)}\n"
        f"  - largest pixelz functions, own time: {shares(profile.functions, 8)}\n"
        f"  - time in httpx, by the pixelz function that called it: "
        f"{shares(profile.httpx_calls, 6)}"
    )


def _p3(quick: bool, notes: list[str]) -> list[Row]:
    from .paging import run_paging

    result = run_paging(pages=20, latency=0.05, prefetch=4, repeat=1 if quick else 3)
    bound = result.prefetch - 1
    notes.append(
        f"P3: the prefetching walk asked for pages {list(result.requested)}; the walk ended "
        f"at page {result.last_page}; the emulator served {result.served} requests."
    )
    return [
        Row("P3", f"iter_images, {result.pages} full pages, 50 ms latency, prefetch=4",
            f"one page at a time {result.sequential * 1e3:.0f} ms; "
            f"prefetch {result.prefetched * 1e3:.0f} ms",
            f"{result.speedup:.2f}x faster", ">= 3x", result.speedup >= 3),
        Row("P3", "records in order with prefetch=4",
            f"{result.records} records", "same order" if result.in_order else "DIFFERENT",
            "same order", result.in_order),
        Row("P3", "requests past the last page",
            f"{result.past_last} (pages {[p for p in result.requested if p > result.last_page]})",
            f"{result.past_last}", f"<= {bound}", result.past_last <= bound),
    ]


def _p4(quick: bool, notes: list[str]) -> list[Row]:
    from .imports import BASELINE, run_imports

    result = run_imports(runs=10 if quick else 25, root=str(ROOT))
    if result.heavy:
        notes.append(f"P4: `import pixelz` loaded {', '.join(result.heavy)} eagerly.")
    return [Row(
        "P4", f'python -c "import pixelz" ({result.runs} runs each)',
        f"pixelz {result.pixelz * 1e3:.1f} ms; {BASELINE!r} {result.baseline * 1e3:.1f} ms "
        f"(CPU time {result.pixelz_cpu * 1e3:.1f} ms against {result.baseline_cpu * 1e3:.1f} "
        f"ms, {result.cpu_ratio:.3f}x)",
        f"{result.ratio:.3f}x", "<= 1.15x", result.ratio <= 1.15 and not result.heavy,
    )]


def _p5(quick: bool, notes: list[str]) -> list[Row]:
    from .memory import run_memory

    body = data.images_list_body("soap11", data.records(data.LARGE))
    result = run_memory(body, data.CONTENT_TYPES["soap11"], root=str(ROOT))
    notes.append(f"P5: the page is {len(body) / 2**20:.1f} MiB, {_streamed(len(body))}.")
    g = result.growth
    return [Row(
        "P5", f"peak RSS growth parsing the {data.LARGE:,}-record SOAP 1.1 page",
        f"pixelz {g['pixelz']:.1f} MiB; zeep {g['zeep']:.1f} MiB "
        f"(bare fromstring {g['lxml']:.1f} MiB)",
        f"{result.ratio:.2f}x zeep", "<= 0.5x", result.ratio <= 0.5,
    )]


def _p6(quick: bool, notes: list[str]) -> list[Row]:
    from .parse import run_call
    from .submit import submit_setup

    result = run_call(submit_setup, repeat=7 if quick else 21, number=100 if quick else 300)
    return [Row(
        "P6", "submit_image (AddImageToQueue), in-memory transport",
        f"pixelz {result.pixelz.us()}; httpx post + fromstring {result.bare.us()}",
        f"{result.ratio:.2f}x bare", "<= 1.5x", result.ratio <= 1.5,
    )]


def _p7(quick: bool, notes: list[str]) -> list[Row]:
    from .submits import run_submits

    count, tasks, latency = 1000, 32, 0.02
    sample, rounds = (100, 1) if quick else (334, 3)
    result = run_submits(count=count, tasks=tasks, latency=latency, sample=sample,
                         rounds=rounds, bare_sample=100)
    p = result.pixelz
    clean = result.lost == 0 and result.duplicates == 0 and result.mismatched == 0
    notes.append(
        f"P7: CPU time a submission during the {tasks}-task batches, this process / the "
        f"emulator's: AsyncClient {_cpu(p)}; bare httpx.AsyncClient {_cpu(result.bare)}; "
        f"Client on {tasks} threads {_cpu(result.threads)}"
        + (f"; bare httpx2.AsyncClient {_cpu(result.fork)}" if result.fork else "")
        + ". One at a time, a submission took "
        f"{p.alone_seconds / count * 1e3:.1f} ms (pixelz), "
        f"{result.bare.alone_seconds / count * 1e3:.1f} ms (bare)."
    )
    alone = (f"one at a time {p.alone_seconds:.1f} s ({p.sample * rounds:,} timed, "
             f"scaled to {count:,})")
    return [
        Row("P7", f"{count:,} submissions, AsyncClient, {tasks} tasks, emulator in its own "
            f"process, {latency * 1e3:.0f} ms latency ({rounds} round{'s' * (rounds > 1)})",
            f"{tasks} tasks {p.batch_seconds:.2f} s; {alone}",
            f"{p.ratio:.1f}x faster", ">= 10x", p.ratio >= 10),
        Row("P7", "the emulator's images read back (iter_images) against every call's answer",
            f"{result.submitted:,} submitted, {result.stored:,} stored",
            f"{result.lost} lost, {result.duplicates} duplicated, {result.mismatched} "
            "other ticket", "0, 0, 0", clean),
        Row("P7 (bare httpx)", f"the same with a bare httpx.AsyncClient posting pixelz's "
            f"envelopes (1 round, {result.bare.sample} one at a time)",
            f"{tasks} tasks {result.bare.batch_seconds:.2f} s; one at a time "
            f"{result.bare.alone_seconds:.1f} s", f"{result.bare.ratio:.1f}x faster", "none",
            None),
        _fork_row(result.fork, tasks),
        Row("P7 (Client, threads)", f"the same with the synchronous Client on {tasks} threads "
            f"(1 round, {result.threads.sample} one at a time)",
            f"{tasks} threads {result.threads.batch_seconds:.2f} s; one at a time "
            f"{result.threads.alone_seconds:.1f} s", f"{result.threads.ratio:.1f}x faster",
            "none", None),
    ]


def _fork_row(fork: Pace | None, tasks: int) -> Row:
    what = ("the same bare posts through httpx2 (a fork of httpx whose pool does not give one "
            "idle connection to several queued requests; 1 round")
    if fork is None:
        return Row("P7 (bare httpx2)", what + ")", "httpx2 not installed (the bench extra "
                   "installs it on Python 3.11+)", "-", "none", None)
    return Row("P7 (bare httpx2)", f"{what}, {fork.sample} one at a time)",
               f"{tasks} tasks {fork.batch_seconds:.2f} s; one at a time "
               f"{fork.alone_seconds:.1f} s", f"{fork.ratio:.1f}x faster", "none", None)


def _cpu(pace: Pace) -> str:
    import statistics

    client = statistics.median(pace.client_cpu) * 1e3
    server = statistics.median(pace.server_cpu) * 1e3
    return f"{client:.1f} / {server:.1f} ms"


@functools.cache
def _downloads(quick: bool) -> DownloadsResult:
    """The P8 run, whose P9 workers measure memory: one run serves both goals."""
    from .downloads import run_downloads, scratch_root

    return run_downloads(files=100 if quick else 200, size=2**20, concurrency=8,
                         latency=0.02, rounds=1 if quick else 3, root=str(ROOT),
                         where=scratch_root())


def _p8(quick: bool, notes: list[str]) -> list[Row]:
    r = _downloads(quick)
    runs, total, n = r.runs, r.total, r.files
    what = (f"download_all, {n} finals of {r.size / 2**20:g} MiB from the emulator in its "
            f"own process, {r.latency * 1e3:.0f} ms latency")

    def took(way: str) -> str:
        return f"{runs[way].median:.2f} s ({runs[way].mib_per_s(total):.0f} MiB/s)"

    cpu = "; ".join(
        f"{way} {run.cpu_ms_per_file(n):.1f} / {run.server_ms_per_file(n):.1f} ms"
        for way, run in runs.items()
    )
    notes.append(
        f"P8: {n} files of {r.size:,} bytes{' (--quick: 100, not 200)' if quick else ''}, "
        f"{len(runs['pixelz'].seconds)} round(s), written under {r.where}. CPU time a file, "
        f"this process / the emulator's: {cpu}."
    )
    idle = r.idle
    return [
        Row("P8", f"{what}, concurrency {r.concurrency}: against a bare httpx.AsyncClient "
            "streaming to disk",
            f"pixelz {took('pixelz')}; bare {took('bare')}",
            f"{r.vs_bare:.2f}x bare's throughput", ">= 0.8x", r.vs_bare >= 0.8),
        Row("P8", f"{what}: concurrency {r.concurrency} against 1",
            f"concurrency {r.concurrency} {took('pixelz')}; 1 {took('one at a time')}",
            f"{r.vs_single:.1f}x faster", ">= 4x", r.vs_single >= 4),
        Row("P8 (Client)", f"the same with the synchronous Client (worker threads), "
            f"concurrency {r.concurrency}",
            f"Client {took('sync Client')}; bare {took('bare')}",
            f"{r.sync_vs_bare:.2f}x bare's throughput", "none", None),
        Row("P8 (no latency)", f"AsyncClient against bare, concurrency {r.concurrency}, "
            "no added latency",
            f"pixelz {idle['pixelz'].median:.2f} s; bare {idle['bare'].median:.2f} s",
            f"{r.idle_vs_bare:.2f}x bare's throughput", "none", None),
    ]


def _p9(quick: bool, notes: list[str]) -> list[Row]:
    r = _downloads(quick)
    (first, second), (bare_first, bare_second) = r.growth["pixelz"], r.growth["bare"]
    return [Row(
        "P9", f"peak RSS growth during download_all of {r.files} x {r.size / 2**20:g} MiB, "
        f"concurrency {r.concurrency}, first run in a fresh process (second run)",
        f"pixelz {first:.1f} MiB ({second:.1f}); bare httpx {bare_first:.1f} MiB "
        f"({bare_second:.1f})",
        f"{first:.1f} MiB", "<= 16 MiB", first <= 16,
    )]


if __name__ == "__main__":
    raise SystemExit(main())

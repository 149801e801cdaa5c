"""Terminal output on rich: record tables, the protocol comparison, the ``--all`` progress
bar, the download progress bar and the spinner of ``images wait``.

Only the command line imports this module (``import pixelz`` never loads rich). Output that
is not a terminal is plain text: no ANSI codes, no trailing blanks, exactly one line per
record, so pipes and tests see stable bytes.

Rich sizes and cuts the cells (wide characters count two columns, cut text ends with ``…``)
but cannot leave a column out, and its own squeeze of unwrappable columns shares the cut
evenly, tickets included. So which columns are shown, and how wide each is, is decided here
(:class:`TableLayout`): on a narrow terminal optional columns are left out before any text is
cut, then the flexible ones are narrowed; rich renders at exactly those widths.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.progress_bar import ProgressBar
from rich.table import Column as RichColumn
from rich.table import Table
from rich.text import Text

from ._cli_records import Column, Kind, neutralize

if TYPE_CHECKING:
    from .compare import ProtocolComparison

__all__ = [
    "PROGRESS_INTERVAL",
    "DownloadProgress",
    "ListProgress",
    "Spinner",
    "TableLayout",
    "cell_width",
    "fit",
    "human_bytes",
    "render",
    "render_comparison",
]

PROGRESS_INTERVAL = 0.1  # seconds between progress redraws within a page
GAP = 2  # blanks between columns
MIN_WIDTH = 8  # a flexible column is not narrowed below this


def cell_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide East Asian characters count 2, marks 0)."""
    return cell_len(text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis, padded to exactly ``width``."""
    shown = Text(text)
    shown.truncate(width, overflow="ellipsis", pad=True)
    return shown.plain


def _console(file: IO[str], width: int, *, styled: bool) -> Console:
    return Console(
        file=file, width=width, height=25, force_terminal=styled,
        color_system="auto" if styled else None, highlight=False, markup=False, emoji=False,
        soft_wrap=False, legacy_windows=False,
    )


def render(renderable: RenderableType, width: int, *, styled: bool = False) -> str:
    """What rich prints for ``renderable`` at ``width`` columns, each line without trailing
    blanks; ANSI styles only when ``styled`` (a terminal)."""
    buffer = io.StringIO()
    _console(buffer, width, styled=styled).print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


class TableLayout:
    """The columns to show and their widths, from sample rows and the terminal width."""

    def __init__(
        self, columns: Sequence[Column], sample: Sequence[Sequence[str]], width: int
    ) -> None:
        self.columns = tuple(columns)
        widths = [
            max(column.minimum, min(column.cap, max(
                [cell_width(column.header)] + [cell_width(row[i]) for row in sample])))
            for i, column in enumerate(self.columns)
        ]
        shown = list(range(len(widths)))

        def total() -> int:
            return sum(widths[i] for i in shown) + GAP * (len(shown) - 1)

        for index in sorted((i for i, c in enumerate(self.columns) if c.drop is not None),
                            key=lambda i: self.columns[i].drop or 0):
            if total() <= width:
                break
            shown.remove(index)
        while total() > width:
            flexible = [i for i in shown
                        if self.columns[i].shrink is not None and widths[i] > MIN_WIDTH]
            if not flexible:
                break
            index = max(flexible, key=lambda i: widths[i] - (self.columns[i].shrink or 0))
            widths[index] -= 1
        self.widths = tuple(widths)
        self.shown = tuple(shown)

    @property
    def width(self) -> int:
        return sum(self.widths[i] for i in self.shown) + GAP * (len(self.shown) - 1)

    def render(
        self, rows: Iterable[Sequence[str]], *, header: bool, styled: bool = False
    ) -> str:
        """The rows (and the header) as text lines, each cell cut to its column."""
        table = Table(
            *(RichColumn(self.columns[i].header, width=self.widths[i], no_wrap=True,
                         overflow="ellipsis", justify=self.columns[i].justify,
                         header_style="bold" if styled else "")
              for i in self.shown),
            box=None, show_header=header, show_edge=False, pad_edge=False,
            padding=(0, GAP // 2), header_style="",
        )
        for row in rows:
            table.add_row(*(Text(row[i], no_wrap=True, overflow="ellipsis") for i in self.shown))
        return render(table, self.width, styled=styled)


def render_comparison(report: ProtocolComparison, width: int = 120, *,
                      styled: bool = False) -> str:
    """The comparison as a table (outcome, latency, bytes, records and agreement per
    protocol), then failures and differences, then a verdict."""
    right: Literal["right"] = "right"
    columns = (
        Column("PROTOCOL", str, 20), Column("OUTCOME", str, 20),
        Column("LATENCY", str, 20, justify=right), Column("BYTES", str, 20, justify=right),
        Column("RECORDS", str, 20, justify=right), Column("AGREES", str, 20),
    )
    rows = [
        (
            neutralize(str(result.protocol)),
            result.outcome,
            f"{result.latency * 1000:.1f} ms",
            str(result.response_bytes),
            "-" if result.page is None else str(len(result.page)),
            "-" if agrees is None else ("yes" if agrees else "no"),
        )
        for result, agrees in zip(report.results, report.agreement, strict=True)
    ]
    layout = TableLayout(columns, rows, 10**6)
    out = [layout.render(rows, header=True, styled=styled)]
    failures = [r for r in report.results if r.error is not None]
    if failures:
        out.append("\nerrors:\n")
        for result in failures:
            text = neutralize(" ".join(str(result.error).split()))
            out.append(fit(f"  {result.protocol}: {text}", width).rstrip() + "\n")
    if report.differences:
        out.append("\ndifferences:\n")
        out.extend(
            fit("  " + neutralize(" ".join(d.split())), width).rstrip() + "\n"
            for d in report.differences
        )
    answered = sum(1 for r in report.results if r.page is not None)
    if not answered:
        verdict = "no protocol answered"
    elif report.consistent:
        verdict = f"consistent: {answered} of {len(report.results)} protocols answered, all agree"
    else:
        verdict = f"INCONSISTENT: {len(report.differences)} differences"
    out.append(f"\n{verdict}\n")
    return "".join(out)


class ListProgress:
    """A progress bar on stderr (a terminal) while ``--all`` walks the pages: a pulsing bar,
    since the service never says how many records there are, the count so far, the page
    being fetched and the protocol. Redrawn at page ends and at most every
    PROGRESS_INTERVAL seconds in between; :meth:`clear` takes it off the screen (before a
    record is written to the same terminal, or an error line)."""

    def __init__(
        self, stream: IO[str], describe: Callable[[int], str], per_page: int | None, *,
        width: int, shares_terminal: bool,
    ) -> None:
        self._describe = describe
        self._per_page = per_page
        self._last = float("-inf")
        self._clock: Callable[[], float] = time.monotonic
        self._shown = False
        self._bar = Progress(
            TextColumn("pixelz:"), BarColumn(bar_width=24),
            TextColumn("{task.description}"), TimeElapsedColumn(),
            console=_console(stream, width, styled=True), auto_refresh=False, transient=True,
            redirect_stdout=False, redirect_stderr=False,
        )
        self._task = self._bar.add_task("", total=None)
        #: stdout is a terminal too: clear the bar before each record is written.
        self.shares_terminal = shares_terminal

    def update(self, count: int) -> None:
        now = self._clock()
        page_end = bool(self._per_page) and not count % (self._per_page or 1)
        if not page_end and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self._bar.update(self._task, description=self._describe(count), completed=count)
        if not self._shown:
            self._bar.start()
            self._shown = True
        self._bar.refresh()

    def clear(self) -> None:
        if self._shown:
            self._bar.stop()
            self._shown = False


def progress_text(noun: Kind, count: int, per_page: int | None, protocol: Any) -> str:
    """What the bar says: ``300 images, fetching page 4, over soap11``."""
    fetching = f", fetching page {count // per_page + 1}" if per_page else ", fetching more"
    over = f", over {protocol}" if protocol is not None else ""
    return f"{noun.count(count)}{fetching}{over}"


def human_bytes(count: int) -> str:
    """``1.2 MB``, ``512 bytes``: sizes in decimal units, as the progress bar shows them."""
    return decimal(count)


class _FilesBar(ProgressColumn):
    """A bar of files done out of files to do (the task's own ``completed`` counts bytes)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width

    def render(self, task: Task) -> ProgressBar:
        # rich's own finished colour becomes grey on 16-colour terminals, like the empty part
        return ProgressBar(total=max(1, task.fields["of"]), completed=task.fields["files"],
                           width=self.width, finished_style="green")


class _Bytes(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(human_bytes(int(task.completed)), style="progress.download")


class DownloadProgress:
    """The progress of ``images download`` on stderr (a terminal): one bar of the files
    done out of the files to do, then ``3/10 files``, the bytes written, the speed and
    the time spent.

    :meth:`update` is the SDK's ``progress(files_done, files_total, bytes_done)``
    callback, called on the download threads; rich redraws ten times a second on its own
    thread. The first and last states are always drawn; :meth:`stop` takes the bar off
    the screen (before the summary, an error line, or ``interrupted``).
    """

    def __init__(self, stream: IO[str], files: int, *, width: int,
                 console: Console | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self._lock = threading.Lock()
        self._bar = Progress(
            TextColumn("pixelz:"), _FilesBar(24),
            TextColumn("{task.fields[files]}/{task.fields[of]} files"), _Bytes(),
            TransferSpeedColumn(), TimeElapsedColumn(),
            console=console or _console(stream, width, styled=True), auto_refresh=True,
            refresh_per_second=10, transient=True, redirect_stdout=False,
            redirect_stderr=False, get_time=clock,
        )
        self._task = self._bar.add_task("download", total=None, files=0, of=files)
        self._running = False

    def start(self) -> None:
        self._bar.start()
        self._running = True
        self._bar.refresh()

    def update(self, files_done: int, files_total: int, bytes_done: int) -> None:
        with self._lock:
            self._bar.update(self._task, completed=max(bytes_done, 0), files=files_done,
                             of=files_total)

    def stop(self) -> None:
        """Draw the last state, then erase the bar."""
        with self._lock:
            if self._running:
                self._bar.refresh()
                self._bar.stop()
                self._running = False

    def frame(self) -> RenderableType:
        """What the bar shows now (for a screenshot or a test)."""
        return self._bar.get_renderable()


class Spinner:
    """A spinner, ``text`` and the time spent, on stderr (a terminal) while a blocking
    call runs (``images wait``); erased by :meth:`stop`."""

    def __init__(self, stream: IO[str], text: str, *, width: int) -> None:
        self._bar = Progress(
            TextColumn("pixelz:"), SpinnerColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=_console(stream, width, styled=True), auto_refresh=True,
            refresh_per_second=4, transient=True, redirect_stdout=False, redirect_stderr=False,
        )
        self._bar.add_task(neutralize(text), total=None)

    def start(self) -> None:
        self._bar.start()
        self._bar.refresh()

    def stop(self) -> None:
        self._bar.stop()

"""After submitting: ``images wait`` (until an image reaches a status) and ``images download``
(its final files, with a progress bar on a terminal and a summary).

Both are thin over the SDK's ``wait_for`` and ``download_all`` (docs/deliveries.md): the
polling, the file names, the retries and the atomic writes are the SDK's; what is decided here
is what a person sees.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from . import _cli_types as types
from ._arguments import STATUS_NAMES
from ._cli_common import (
    EXIT_OK,
    UsageError,
    client,
    configure_stdout,
    fail,
    filter_options,
    format_option,
    given_filters,
    help_text,
    image_query,
    isatty,
    list_progress,
    note_unknown_statuses,
    plural,
    stderr_line,
    subparser,
    target_options,
    terminal_width,
    which_image,
    with_progress,
    write_one,
)
from ._cli_records import IMAGES, json_line, neutralize
from ._cli_types import DEMO_SKU, EXAMPLE_TICKET
from ._core import (
    DEFAULT_CONCURRENCY,
    DEFAULT_POLL_INTERVAL,
    FIRST_POLL_DELAY,
    ITER_PER_PAGE,
    MAX_CONCURRENCY,
)
from .models import ImageStatus, Status

if TYPE_CHECKING:
    from ._cli_render import DownloadProgress, Spinner
    from ._deliveries import DownloadResult

__all__ = ["add_download", "add_wait", "result_dict", "summary"]

# -- images wait ------------------------------------------------------------------------------

_WAIT_EXAMPLES = f"""\
examples:
  pixelz images wait {EXAMPLE_TICKET}
  pixelz images wait {EXAMPLE_TICKET} --timeout 600 --format json
  pixelz images wait --customer-image-id JKT-20001-BLK-1 --status InProduction
  pixelz --emulator images wait --customer-image-id {DEMO_SKU}

Exit 0 once the image has the status (or a later one: New < InProduction <
ProductionFinished < Delivered), 1 when --timeout passes first or the image does not exist.
--timeout here bounds the whole wait; the time allowed for each request goes before the
command: pixelz --timeout 10 images wait ...
"""


def add_wait(commands: Any) -> None:
    wait = subparser(
        commands, "wait", "pixelz images wait",
        help="wait until an image reaches a status, Delivered by default (GetImageStatus)",
        description=help_text(
            "Poll an image, by ticket or by your own image id, until it reaches a "
            "status (Delivered unless --status says otherwise), then print it as `images get` "
            "does. On a terminal, a spinner on stderr shows the time spent."),
        epilog=_WAIT_EXAMPLES,
    )
    which_image(wait)
    wait.add_argument("--status", type=types.status, metavar="S", default="Delivered",
                      help="the status to wait for, an id or a name (default Delivered); a "
                      "later one counts too")
    wait.add_argument("--timeout", dest="wait_timeout", type=types.timeout, metavar="SECONDS",
                      help="give up after this many seconds in all (default: wait as long as "
                      "it takes)")
    wait.add_argument("--poll-interval", type=types.timeout, metavar="SECONDS",
                      help=f"the longest gap between polls (default {DEFAULT_POLL_INTERVAL:g}); "
                      f"polls start {FIRST_POLL_DELAY:g} s apart and the gap doubles up to it")
    format_option(wait)
    target_options(wait, top=False, request_timeout=False)
    wait.set_defaults(handler=_wait, option_names={"timeout": "--timeout",
                                                   "poll_interval": "--poll-interval"})


def _status_name(status: str) -> str:
    return STATUS_NAMES.get(int(status), f"status {status}")


def _wait(args: argparse.Namespace) -> int:
    if int(args.status) not in STATUS_NAMES:
        stderr_line(f"note: --status {args.status} is not a status pixelz knows by name; the "
                    f"wait ends when the image's status id is {args.status} or more")
    which = (f"image {args.ticket}" if args.ticket is not None
             else f"image {args.customer_image_id!r}")
    with client(args) as service, _spinner(
        f"waiting for {which} to be {_status_name(args.status)}"
    ):
        image = service.wait_for(
            args.ticket, customer_image_id=args.customer_image_id, status=args.status,
            timeout=args.wait_timeout, poll_interval=args.poll_interval,
        )
    write_one(args.format, image, IMAGES)
    return EXIT_OK


@contextlib.contextmanager
def _live(kind: str, *arguments: object) -> Iterator[Any]:
    """A live display (``Spinner`` or ``DownloadProgress`` of pixelz/_cli_render.py) on
    stderr while the body runs, when stderr is a terminal (None otherwise); erased before
    anything else is written (the result, an error line, ``interrupted``)."""
    if not isatty(sys.stderr):
        yield None
        return
    from . import _cli_render

    display = getattr(_cli_render, kind)(sys.stderr, *arguments, width=terminal_width())
    display.start()
    try:
        yield display
    finally:
        display.stop()


def _spinner(text: str) -> contextlib.AbstractContextManager[Spinner | None]:
    return _live("Spinner", text)


# -- images download --------------------------------------------------------------------------

_DOWNLOAD_EXAMPLES = f"""\
examples:
  pixelz images download {EXAMPLE_TICKET} --dest finals/
  pixelz images download --status delivered --from 2026-03-01 --dest finals/ --concurrency 16
  pixelz images download --product-id JKT-20001 --dest finals/ --format ndjson

Give image tickets, or filters as for `images list` (every page is walked); without either,
every delivered image. Files are named <ticket>_<name in the URL> and written under a
temporary name, then renamed; a file already there with the size the server announces is
skipped unless --overwrite. Exit 1 if any file failed (each one is named).
"""


def _concurrency(text: str) -> int:
    return types.whole_number(text, MAX_CONCURRENCY, f"a number of downloads at once from 1 "
                              f"to {MAX_CONCURRENCY}")


def add_download(commands: Any) -> None:
    download = subparser(
        commands, "download", "pixelz images download",
        help="download the final files of delivered images",
        description=help_text(
            "Download the final files of images, given by ticket (GetImageStatus) or "
            "by the filters of `images list` (GetImagesList, every page), into a directory, "
            "several at a time. On a terminal, a progress bar on stderr counts files and bytes; "
            "a summary follows."),
        epilog=_DOWNLOAD_EXAMPLES,
    )
    download.add_argument("tickets", nargs="*", type=types.ticket, metavar="TICKET",
                          help="image tickets (instead of filters)")
    download.add_argument("--dest", required=True, metavar="DIR",
                          help="the directory to write to (created if missing)")
    download.add_argument(
        "--concurrency", type=_concurrency, default=DEFAULT_CONCURRENCY, metavar="N",
        help=f"files downloaded at once, 1 to {MAX_CONCURRENCY} (default "
        f"{DEFAULT_CONCURRENCY})",
    )
    download.add_argument("--overwrite", action="store_true",
                          help="download even when a file of the same size is already there")
    filter_options(download, paging=False)
    download.add_argument("--format", choices=("text", "json", "ndjson"), default="text",
                          help="text: a summary (default); json, ndjson: every file's result")
    target_options(download, top=False)
    download.set_defaults(handler=_download, option_names={"concurrency": "--concurrency",
                                                           "dest": "--dest"})


def _download(args: argparse.Namespace) -> int:
    if not args.dest.strip():
        raise UsageError("--dest: give a directory", args.prog)
    given = given_filters(args)
    if args.tickets and given:
        raise UsageError(f"image tickets cannot be combined with {given[0]}: give tickets or "
                         "filters", args.prog)
    query: dict[str, object] | None = None
    per_page = args.per_page or ITER_PER_PAGE
    if not args.tickets:
        query = image_query(args)
        note_unknown_statuses(args)
        if args.status is None and args.exclude_status is None:
            query["status"] = str(int(Status.DELIVERED))  # the images that have finals
        query["per_page"] = per_page
    with client(args) as service:
        if query is None:
            images = [service.get_image_status(ticket) for ticket in dict.fromkeys(args.tickets)]
        else:
            images = _walk(service, query, per_page)
        waiting = [image for image in images if not image.final_image_urls]
        files = sum(len(image.final_image_urls) for image in images)
        started = time.monotonic()
        with _download_progress(files) as progress:
            results = service.download_all(
                images, args.dest, overwrite=args.overwrite, concurrency=args.concurrency,
                progress=None if progress is None else progress.update,
            )
        elapsed = time.monotonic() - started
    failed = [result for result in results if not result.ok]
    configure_stdout(args.format)
    if args.format == "text":
        sys.stdout.write(summary(results, args.dest, elapsed, waiting,
                                 listed=bool(args.tickets)))
    else:
        records = [result_dict(result) for result in results]
        if args.format == "json":
            sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.writelines(json_line(record) + "\n" for record in records)
    sys.stdout.flush()
    if failed:
        return fail(f"{len(failed)} of {len(results)} files could not be downloaded")
    return EXIT_OK


def _walk(service: Any, query: dict[str, object], per_page: int) -> list[ImageStatus]:
    """Every image the filters match, with the ``--all`` progress bar on a terminal."""
    with list_progress(IMAGES, service, per_page, shares_terminal=False) as progress:
        return list(with_progress(service.iter_images(**query), progress))


def _download_progress(files: int) -> contextlib.AbstractContextManager[DownloadProgress | None]:
    """The download bar, when there is something to fetch."""
    return _live("DownloadProgress", files) if files else contextlib.nullcontext()


def result_dict(result: DownloadResult) -> dict[str, object]:
    """The JSON form of one file's result (``--format json``/``ndjson``)."""
    return {
        "image_ticket": str(result.image_ticket),
        "url": result.url,
        "path": str(result.path),
        "outcome": result.outcome,
        "size": result.size,
        "error": None if result.error is None else str(result.error),
    }


def summary(
    results: Sequence[DownloadResult],
    dest: str,
    elapsed: float,
    waiting: Sequence[ImageStatus] = (),
    *,
    listed: bool = False,
) -> str:
    """What ``images download`` prints: the counts and bytes, then a line per file that
    failed and, for tickets given by name, per image that has no final files yet."""
    from ._cli_render import human_bytes

    done = [r for r in results if r.outcome == "downloaded"]
    skipped = [r for r in results if r.outcome == "skipped"]
    failed = [r for r in results if r.outcome == "failed"]
    written = sum(r.size for r in done)
    lines = []
    if not results:
        lines.append(f"nothing to download: no final files ({plural(len(waiting), 'image')} "
                     "without any)" if waiting else "nothing to download: no images matched")
    else:
        parts = [f"{len(done)} downloaded ({human_bytes(written)} in {elapsed:.1f} s)"]
        if skipped:
            parts.append(f"{len(skipped)} skipped (already there, "
                         f"{human_bytes(sum(r.size for r in skipped))})")
        parts.append(f"{len(failed)} failed")
        lines.append(f"{plural(len(results), 'file')} in {dest}: {', '.join(parts)}")
    lines.extend(
        f"failed: {result.path.name}: {result.error.detail if result.error else 'unknown'}"
        for result in failed
    )
    if listed:
        lines.extend(
            f"not delivered yet: image {image.image_ticket} is "
            f"{image.status_name or _status_name(str(image.status_id))}, no final files"
            for image in waiting
        )
    elif waiting and results:
        lines.append(f"{plural(len(waiting), 'image')} without final files yet")
    return "".join(neutralize(" ".join(line.split())) + "\n" for line in lines)

"""The ``pixelz`` command line: submit, follow, reject and delete images, wait for them and
download their finals; read products, invoices, templates and the account; compare protocols;
verify and receive callbacks; run the local emulator.

Credentials come from ``PIXELZ_CONTACT_EMAIL`` / ``PIXELZ_CONTACT_API_KEY`` only and are never
printed. Exit codes: 0 success, 1 API or network error (one line on stderr) or a confirmation
answered no, 2 usage error (one line naming the option as typed, then a hint to the command's
``--help``). Messages are for people: they name options, not the SDK's parameters. The
emulator is imported only for ``--emulator`` and ``pixelz emulator``; both serve its ``demo``
data set. Tables and progress bars are drawn with rich (the ``cli`` extra), imported only
when one is drawn.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from . import __version__
from ._arguments import STATUS_NAMES
from ._cli_common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Cancelled,
    Formatter,
    Parser,
    UsageError,
    all_option,
    client,
    configure_stdout,
    fail,
    filter_options,
    format_option,
    help_text,
    image_query,
    isatty,
    no_page_with_all,
    note_unknown_statuses,
    option_names,
    plural,
    reset_secrets,
    stderr_line,
    subparser,
    target_options,
    terminal_width,
    usage,
    which_image,
    write_all,
    write_one,
    write_page,
)
from ._cli_deliveries import add_download, add_wait
from ._cli_reads import add_account, add_invoices, add_products, add_templates
from ._cli_records import IMAGES, neutralize, record_dict, render_details, status_cell
from ._cli_types import DEMO_SKU, EXAMPLE_TICKET
from ._cli_webhook import add_webhook
from ._cli_writes import add_account_edit, add_delete, add_reject, add_submit
from ._core import ITER_PER_PAGE
from ._operations import IMAGE_STATUS
from .errors import InvalidArgumentError, PixelzError

if TYPE_CHECKING:
    from .compare import ProtocolComparison

__all__ = [
    "FIELDS",
    "comparison_dict",
    "main",
    "neutralize",
    "record_dict",
    "render_details",
    "status_cell",
]

#: The record fields of every output format, in wire order (the ImageStatus attributes).
FIELDS = IMAGE_STATUS.attributes

RICH_MINIMUM = 13
INSTALL_HINT = "pip install 'pixelz[cli]' (in a checkout: pip install -e '.[cli]')"


# -- entry point ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    reset_secrets()
    missing = _rich_missing()
    if missing:
        return fail(missing)
    prog = PROG
    names: dict[str, str] = {}
    try:
        args = _parse(args_list)
        prog, names = args.prog, getattr(args, "option_names", {})
        with _logging(args.verbose):
            result: int = args.handler(args)
        return result
    except SystemExit as exc:  # --help or --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except UsageError as exc:
        return usage(str(exc), exc.prog)
    except InvalidArgumentError as exc:  # the SDK refused a value the parser let through
        return usage(option_names(exc.detail, names), prog)
    except Cancelled:
        stderr_line("cancelled: nothing was changed")
        return EXIT_ERROR
    except PixelzError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        stderr_line("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (``pixelz ... | head``): not an error; silence the final flush.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, sys.stdout.fileno())
            finally:
                os.close(devnull)
        return EXIT_OK
    except Exception as exc:  # a bug: still one line, still redacted
        if os.environ.get("PIXELZ_DEBUG"):
            raise
        return fail(
            f"internal error: {type(exc).__name__}: {exc} (set PIXELZ_DEBUG=1 for a traceback)"
        )


def _rich_missing() -> str | None:
    """Why the command cannot draw its tables and progress bars, or None: rich is the
    ``cli`` extra's one dependency, and a plain ``pip install pixelz`` leaves it out."""
    if importlib.util.find_spec("rich") is None:
        return f"the pixelz command needs the rich package: {INSTALL_HINT}"
    with contextlib.suppress(importlib.metadata.PackageNotFoundError, ValueError):
        found = importlib.metadata.version("rich")
        if int(found.split(".")[0]) < RICH_MINIMUM:
            return (f"the pixelz command needs rich {RICH_MINIMUM} or newer (found {found}): "
                    f"{INSTALL_HINT}")
    return None


@contextlib.contextmanager
def _logging(verbosity: int) -> Iterator[None]:
    """Fallback warnings (-v) and per-attempt debug lines (-vv) on stderr; silent by
    default, so an error stays one line. The logger is restored afterwards."""
    import logging

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stderr_line(f"{record.levelname.lower()}: {record.getMessage()}")

    logger = logging.getLogger("pixelz")
    saved = logger.propagate, logger.level
    handler = Handler() if verbosity else logging.NullHandler()
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved[0]
        logger.setLevel(saved[1])


# -- parser ---------------------------------------------------------------------------------


_MAIN_EXAMPLES = """\
examples:
  pixelz --emulator images list                    demo data, no account needed
  pixelz --emulator images list --all --format ndjson
  pixelz --emulator images submit https://example.com/photos/jacket.jpg --template 101
  pixelz --emulator templates list
  pixelz --emulator account
  pixelz --emulator compare --status delivered
  pixelz emulator --port 8080                      serve the emulator on loopback
  pixelz webhook listen --port 8090 --secret-env PIXELZ_WEBHOOK_SECRET

  export PIXELZ_CONTACT_EMAIL=you@example.com PIXELZ_CONTACT_API_KEY=...
  pixelz images list --status delivered --per-page 20
  pixelz images wait 6f1c2d3e-0000-4000-8000-000000000001 --timeout 3600
  pixelz images download --status delivered --dest finals/

credentials: PIXELZ_CONTACT_EMAIL and PIXELZ_CONTACT_API_KEY (environment only).
exit codes: 0 success, 1 API or network error (or a confirmation answered no),
2 usage error.
"""

_STATUS_HELP = help_text(
    "Statuses: an id or a name as the service prints it ("
    + ", ".join(f"{name} ({code})" for code, name in STATUS_NAMES.items())
    + "), in any case; spaces, - and _ are ignored (InProduction, in-production, "
    "'in production'). Other ids are passed on as they are."
)

_LIST_EXAMPLES = f"""\
examples:
  pixelz --emulator images list --status delivered --sort-by date --desc
  pixelz --emulator images list --from 2026-03-01 --to 2026-03-31 --format csv
  pixelz --emulator images list --all --format ndjson > images.ndjson

{_STATUS_HELP}
"""

_GET_EXAMPLES = f"""\
examples:
  pixelz images get {EXAMPLE_TICKET}
  pixelz --emulator images get --customer-image-id {DEMO_SKU} --format json
"""

_COMPARE_EXAMPLES = f"""\
examples:
  pixelz --emulator compare
  pixelz --emulator compare --status delivered --per-page 20 --format json

Exit 0 when every protocol that answered returned the same records, 1 when they disagree
or none answered.

{_STATUS_HELP}
"""

_EMULATOR_EXAMPLES = """\
examples:
  pixelz emulator --port 8080
  pixelz emulator --block soap12 --disable http_get --latency 50
  pixelz emulator --dataset hard-cases          the records tests use: markup, emoji, nulls
  PIXELZ_CONTACT_EMAIL=demo@example.com PIXELZ_CONTACT_API_KEY=demo-api-key \\
      pixelz --base-url http://127.0.0.1:8080/soap.asmx images list
"""


def _parse(argv: list[str]) -> argparse.Namespace:
    # The emulator's own options are defined by pixelz.emulator; load them only when the
    # `emulator` subcommand is chosen, so every other command stays light.
    parser = _build_parser(full_emulator=False)
    args, extra = parser.parse_known_args(argv)
    if args.command == "emulator":
        parser = _build_parser(full_emulator=True)
        args = parser.parse_args(argv)
        if args.emulator:
            raise UsageError("--emulator does not apply to `pixelz emulator`, which is the "
                             "emulator", args.prog)
        if args.base_url:
            raise UsageError("--base-url does not apply to `pixelz emulator`: choose its "
                             "address with --host and --port", args.prog)
    elif extra:
        raise UsageError(f"unknown argument: {' '.join(extra)}", args.prog)
    if args.emulator and args.base_url:
        raise UsageError("--emulator cannot be combined with --base-url", args.prog)
    return args


def _build_parser(*, full_emulator: bool) -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Use the Pixelz image-editing API over SOAP 1.1, SOAP 1.2, HTTP POST or\n"
        "HTTP GET, with automatic fallback between them: submit images and follow them,\n"
        "download their final files, reject or delete them, read your products, invoices,\n"
        "templates and account; verify and receive Pixelz callbacks.",
        epilog=_MAIN_EXAMPLES,
        formatter_class=Formatter,
    )
    parser.set_defaults(prog=PROG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="log fallbacks on stderr (-vv: every attempt)",
    )
    target_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    images = subparser(
        commands, "images", "pixelz images",
        help="submit, list, look up, wait for, download, reject or delete images",
        description="Submit images, list them or look one up, wait for them and download their\n"
        "final files, reject or delete them.",
        epilog="examples:\n  pixelz --emulator images list\n  pixelz --emulator images get "
        f"--customer-image-id {DEMO_SKU}\n  pixelz --emulator images submit "
        "https://example.com/photos/jacket.jpg --template 101\n",
    )
    image_commands = images.add_subparsers(dest="images_command", metavar="COMMAND", required=True)

    listing = subparser(
        image_commands, "list", "pixelz images list",
        help="list images matching filters (GetImagesList)",
        description="List images matching the filters, one page or --all of them.",
        epilog=_LIST_EXAMPLES,
    )
    filter_options(listing)
    all_option(listing)
    format_option(listing)
    target_options(listing, top=False)
    listing.set_defaults(handler=_cmd_list)

    get = subparser(
        image_commands, "get", "pixelz images get",
        help="one image by ticket or customer image id (GetImageStatus)",
        description="Show one image, by its ticket or by your own customer image id.",
        epilog=_GET_EXAMPLES,
    )
    which_image(get)
    format_option(get)
    target_options(get, top=False)
    get.set_defaults(handler=_cmd_get)

    add_submit(image_commands)
    add_wait(image_commands)
    add_download(image_commands)
    add_reject(image_commands)
    add_delete(image_commands)
    add_products(commands)
    add_invoices(commands)
    add_templates(commands)
    add_account_edit(add_account(commands))

    compare = subparser(
        commands, "compare", "pixelz compare",
        help="run one query over every protocol and compare the answers",
        description="Run one list query over each protocol (no fallback) and report outcome, "
        "latency, bytes, records and whether the answers agree.",
        epilog=_COMPARE_EXAMPLES,
    )
    filter_options(compare)
    format_option(compare, ("table", "json"))
    target_options(compare, top=False)
    compare.set_defaults(handler=_cmd_compare)
    add_webhook(commands)

    if full_emulator:
        from .emulator import _command

        emulator = subparser(
            commands, "emulator", "pixelz emulator",
            help="serve the local emulator on loopback",
            description="Serve the Pixelz ASMX emulator over HTTP until interrupted.",
            epilog=_EMULATOR_EXAMPLES,
        )
        _command.add_arguments(emulator)
        emulator.set_defaults(handler=_cmd_emulator)
    else:
        subparser(commands, "emulator", "pixelz emulator",
                  help="serve the local emulator on loopback", add_help=False)
    return parser


# -- commands -------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    query = image_query(args)
    no_page_with_all(args)
    note_unknown_statuses(args)
    if args.all:
        per_page = args.per_page or ITER_PER_PAGE  # shown by the progress bar
        query["per_page"] = per_page
        return write_all(args, IMAGES, lambda c: c.iter_images(**query),  # type: ignore[arg-type]
                         per_page)
    with client(args) as service:
        page = service.list_images(page=args.page or 1, **query)  # type: ignore[arg-type]
    return write_page(args, IMAGES, page)


def _cmd_get(args: argparse.Namespace) -> int:
    with client(args) as service:
        image = service.get_image_status(args.ticket, customer_image_id=args.customer_image_id)
    write_one(args.format, image, IMAGES)
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    query = image_query(args)
    note_unknown_statuses(args)
    with client(args) as service:
        report = service.compare_protocols(page=args.page or 1, **query)
    configure_stdout(args.format)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison_dict(report), ensure_ascii=False, indent=2) + "\n")
    else:
        from ._cli_render import render_comparison

        sys.stdout.write(render_comparison(report, terminal_width(), styled=isatty(sys.stdout)))
    sys.stdout.flush()
    answered = [r for r in report.results if r.page is not None]
    if not answered:
        return fail("no protocol answered successfully")
    if not report.consistent:
        count = len(report.differences)
        return fail(f"protocols disagree ({plural(count, 'difference')})")
    return EXIT_OK


def _cmd_emulator(args: argparse.Namespace) -> int:
    from .emulator import _command

    result: int = _command.run(args)
    return result


def comparison_dict(report: ProtocolComparison) -> dict[str, object]:
    """The JSON form of a comparison report."""
    return {
        "consistent": report.consistent,
        "results": [
            {
                "protocol": str(result.protocol),
                "outcome": result.outcome,
                "latency": result.latency,
                "response_bytes": result.response_bytes,
                "records": None if result.page is None else len(result.page),
                "agrees": agrees,
                "error": None if result.error is None else str(result.error),
            }
            for result, agrees in zip(report.results, report.agreement, strict=True)
        ],
        "differences": list(report.differences),
    }

"""The ``pixelz`` command line: list and look up images, compare protocols, and run the local
emulator.

Credentials come from ``PIXELZ_CONTACT_EMAIL`` / ``PIXELZ_CONTACT_API_KEY`` only and are never
printed. Exit codes: 0 success, 1 API or network error (one line on stderr), 2 usage error
(one line naming the option as typed, then a hint to the command's ``--help``). Messages are
for people: they name options, not the SDK's parameters. The emulator is imported only for
``--emulator`` and ``pixelz emulator``; both serve its ``demo`` data set.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import json
import math
import os
import re
import shutil
import sys
import textwrap
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn

from . import __version__
from ._arguments import (
    ENV_API_KEY,
    ENV_EMAIL,
    INT32_MAX,
    MAX_PER_PAGE,
    STATUS_NAMES,
    parse_ticket,
    status_filter,
)
from ._core import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ITER_PER_PAGE, resolve_timeout
from ._operations import IMAGE_STATUS
from .errors import InvalidArgumentError, PixelzError
from .models import ImageStatus, Protocol, SortBy

if TYPE_CHECKING:
    from ._client import Client
    from .compare import ProtocolComparison

__all__ = ["FIELDS", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
FORMATS = ("table", "json", "ndjson", "csv")
#: The record fields of every output format, in wire order (the ImageStatus attributes).
FIELDS = IMAGE_STATUS.attributes
PROGRESS_INTERVAL = 0.1  # seconds between progress redraws

_PROG = "pixelz"
_EXAMPLE_TICKET = "6f1c2d3e-0000-4000-8000-000000000001"


class _UsageError(Exception):
    """A usage problem (exit 2): the message, and the command whose ``--help`` to suggest."""

    def __init__(self, message: str, prog: str = _PROG) -> None:
        super().__init__(message)
        self.prog = prog


# -- entry point ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    secrets = _secrets()
    prog = _PROG
    try:
        args = _parse(args_list)
        prog = args.prog
        with _logging(args.verbose, secrets):
            result: int = args.handler(args)
        return result
    except SystemExit as exc:  # --help or --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except _UsageError as exc:
        return _usage(str(exc), exc.prog, secrets)
    except InvalidArgumentError as exc:  # the SDK refused a value the parser let through
        return _usage(_option_names(exc.detail), prog, secrets)
    except PixelzError as exc:
        return _fail(str(exc), EXIT_ERROR, secrets)
    except KeyboardInterrupt:
        _stderr_line("interrupted", secrets)
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
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set PIXELZ_DEBUG=1 for a traceback)",
            EXIT_ERROR,
            secrets,
        )


@contextlib.contextmanager
def _logging(verbosity: int, secrets: Sequence[str]) -> Iterator[None]:
    """Fallback warnings (-v) and per-attempt debug lines (-vv) on stderr; silent by
    default, so an error stays one line. The logger is restored afterwards."""
    import logging

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            _stderr_line(f"{record.levelname.lower()}: {record.getMessage()}", secrets)

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


def _secrets() -> tuple[str, ...]:
    key = os.environ.get(ENV_API_KEY)
    return (key,) if key else ()


def _fail(message: str, code: int, secrets: Sequence[str]) -> int:
    _stderr_line(f"error: {message}", secrets)
    return code


def _usage(message: str, prog: str, secrets: Sequence[str]) -> int:
    _stderr_line(f"error: {message}", secrets)
    _stderr_line(f"run '{prog} --help' for the options and examples", secrets)
    return EXIT_USAGE


def _stderr_line(message: str, secrets: Sequence[str]) -> None:
    line = " ".join(message.split())  # one line, whatever the message holds
    for secret in secrets:
        line = line.replace(secret, "***")
    sys.stderr.write(f"{_PROG}: {neutralize(line)}\n")
    sys.stderr.flush()


# The SDK's parameter names, as the command line spells them.
_OPTION_NAMES = {
    "from_date": "--from",
    "to_date": "--to",
    "exclude_status": "--exclude-status",
    "status": "--status",
    "product_id": "--product-id",
    "per_page": "--per-page",
    "page": "--page",
    "sort_by": "--sort-by",
    "customer_image_id": "--customer-image-id",
    "image_ticket": "TICKET",
    "base_url": "--base-url",
    "timeout": "--timeout",
    "contact_email": ENV_EMAIL,
    "contact_api_key": ENV_API_KEY,
}
_SDK_NAME = re.compile(r"(?<![\w-])(" + "|".join(_OPTION_NAMES) + r")\b")


def _option_names(message: str) -> str:
    """``message`` with the SDK's parameter names replaced by the options a user typed."""
    return _SDK_NAME.sub(lambda match: _OPTION_NAMES[match.group(1)], message)


# -- parser ---------------------------------------------------------------------------------

_DEMO_SKU = "JKT-10463-WHT-1"  # in the emulator's demo data set

_MAIN_EXAMPLES = """\
examples:
  pixelz --emulator images list                    demo data, no account needed
  pixelz --emulator images list --all --format ndjson
  pixelz --emulator compare --status delivered
  pixelz emulator --port 8080                      serve the emulator on loopback

  export PIXELZ_CONTACT_EMAIL=you@example.com PIXELZ_CONTACT_API_KEY=...
  pixelz images list --status delivered --per-page 20

credentials: PIXELZ_CONTACT_EMAIL and PIXELZ_CONTACT_API_KEY (environment only).
exit codes: 0 success, 1 API or network error, 2 usage error.
"""

_STATUS_HELP = textwrap.fill(
    "Statuses: an id or a name as the service prints it ("
    + ", ".join(f"{name} ({code})" for code, name in STATUS_NAMES.items())
    + "), in any case; spaces, - and _ are ignored (InProduction, in-production, "
    "'in production'). Other ids are passed on as they are.",
    width=79,
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
  pixelz images get {_EXAMPLE_TICKET}
  pixelz --emulator images get --customer-image-id {_DEMO_SKU} --format json
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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one plain line (a :class:`_UsageError`)
    instead of the usage block and argparse's own wording."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(_plain(message, self), self.prog)


_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<problem>.*)", re.DOTALL)
_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)")
_CONVERSION = re.compile(r"invalid (?:int|float) value: (?P<value>.*)")


def _choices(text: str) -> str:
    return ", ".join(choice.strip(" '") for choice in text.split(","))


def _plain(message: str, parser: argparse.ArgumentParser) -> str:
    """argparse's error ``message`` in plain words, naming options as typed."""
    commands = next(
        (a for a in parser._actions if a.metavar == "COMMAND" and a.choices), None
    )
    if message.startswith("the following arguments are required: COMMAND") and commands:
        return "a command is missing: " + ", ".join(commands.choices or ())
    match = _ARGUMENT.fullmatch(message)
    if match is None:
        for pattern, plain in (
            (r"the following arguments are required: (.*)", r"missing \1"),
            (r"one of the arguments TICKET (\S+) is required", r"give an image ticket or \1"),
            (r"unrecognized arguments: (.*)", r"unknown argument: \1"),
        ):
            if re.fullmatch(pattern, message):
                return re.sub(pattern, plain, message)
        return message
    name, problem = match["name"], match["problem"]
    if not name.startswith("-") and name != "COMMAND":  # a positional: its value says enough
        return problem
    choice = _CHOICE.fullmatch(problem)
    if choice is not None:
        value = choice["value"].strip("'")
        if name == "COMMAND":
            return f"unknown command {value!r}: choose one of {_choices(choice['choices'])}"
        return f"{name}: {value!r} is not one of {_choices(choice['choices'])}"
    conversion = _CONVERSION.fullmatch(problem)
    if conversion is not None:
        return f"{name}: {conversion['value']} is not a number"
    if problem == "expected one argument":
        return f"{name} needs a value"
    if problem.startswith("not allowed with argument "):
        return f"{name} cannot be combined with {problem.rsplit(' ', 1)[-1]}"
    if problem.startswith("ignored explicit argument"):
        return f"{name} takes no value"
    return f"{name}: {problem}"


def _parse(argv: list[str]) -> argparse.Namespace:
    # The emulator's own options are defined by pixelz.emulator; load them only when the
    # `emulator` subcommand is chosen, so every other command stays light.
    parser = _build_parser(full_emulator=False)
    args, extra = parser.parse_known_args(argv)
    if args.command == "emulator":
        parser = _build_parser(full_emulator=True)
        args = parser.parse_args(argv)
    elif extra:
        raise _UsageError(f"unknown argument: {' '.join(extra)}", args.prog)
    if args.command == "emulator" and args.emulator:
        raise _UsageError("--emulator does not apply to `pixelz emulator`, which is the "
                          "emulator", args.prog)
    if args.command == "emulator" and args.base_url:
        raise _UsageError("--base-url does not apply to `pixelz emulator`: choose its address "
                          "with --host and --port", args.prog)
    if args.emulator and args.base_url:
        raise _UsageError("--emulator cannot be combined with --base-url", args.prog)
    return args


def _target_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--emulator/--base-url/--protocol/--timeout, accepted before or after the command."""
    default: Any = argparse.SUPPRESS
    group = parser.add_argument_group("service options")
    target = group.add_mutually_exclusive_group()
    target.add_argument(
        "--emulator",
        action="store_true",
        default=False if top else default,
        help="use an in-process emulator with demo data and demo credentials",
    )
    target.add_argument(
        "--base-url",
        metavar="URL",
        type=_base_url,
        default=None if top else default,
        help=f"service URL (default {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--protocol",
        choices=["auto", *(p.value for p in Protocol)],
        default="auto" if top else default,
        help="pin one protocol (default auto: all four with fallback)",
    )
    group.add_argument(
        "--timeout",
        type=_timeout,
        metavar="S",
        default=DEFAULT_TIMEOUT if top else default,
        help=f"seconds per request (default {DEFAULT_TIMEOUT:g})",
    )


def _subparser(
    commands: Any, name: str, prog: str, **kwargs: Any
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, formatter_class=_Formatter, **kwargs
    )
    parser.set_defaults(prog=prog)
    return parser


def _build_parser(*, full_emulator: bool) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_PROG,
        description="Query the Pixelz image-editing API over SOAP 1.1, SOAP 1.2, HTTP POST\n"
        "or HTTP GET, with automatic fallback between them.",
        epilog=_MAIN_EXAMPLES,
        formatter_class=_Formatter,
    )
    parser.set_defaults(prog=_PROG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="log fallbacks on stderr (-vv: every attempt)",
    )
    _target_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    images = _subparser(
        commands, "images", "pixelz images",
        help="list images or look one up",
        description="List images or look one up.",
        epilog="examples:\n  pixelz --emulator images list\n  pixelz --emulator images get "
        f"--customer-image-id {_DEMO_SKU}\n",
    )
    image_commands = images.add_subparsers(dest="images_command", metavar="COMMAND", required=True)

    listing = _subparser(
        image_commands, "list", "pixelz images list",
        help="list images matching filters (GetImagesList)",
        description="List images matching the filters, one page or --all of them.",
        epilog=_LIST_EXAMPLES,
    )
    _filter_options(listing)
    listing.add_argument(
        "--all", action="store_true", help="stream every page (progress on stderr on a terminal)"
    )
    _format_option(listing, FORMATS)
    _target_options(listing, top=False)
    listing.set_defaults(handler=_cmd_list)

    get = _subparser(
        image_commands, "get", "pixelz images get",
        help="one image by ticket or customer image id (GetImageStatus)",
        description="Show one image, by its ticket or by your own customer image id.",
        epilog=_GET_EXAMPLES,
    )
    which = get.add_mutually_exclusive_group(required=True)
    which.add_argument("ticket", nargs="?", type=_ticket, metavar="TICKET", help="image ticket")
    which.add_argument("--customer-image-id", metavar="ID", type=_customer_image_id,
                       help="your own image id")
    _format_option(get, FORMATS)
    _target_options(get, top=False)
    get.set_defaults(handler=_cmd_get)

    compare = _subparser(
        commands, "compare", "pixelz compare",
        help="run one query over every protocol and compare the answers",
        description="Run one list query over each protocol (no fallback) and report outcome, "
        "latency, bytes, records and whether the answers agree.",
        epilog=_COMPARE_EXAMPLES,
    )
    _filter_options(compare)
    _format_option(compare, ("table", "json"))
    _target_options(compare, top=False)
    compare.set_defaults(handler=_cmd_compare)

    if full_emulator:
        from .emulator import _command

        emulator = _subparser(
            commands, "emulator", "pixelz emulator",
            help="serve the local emulator on loopback",
            description="Serve the Pixelz ASMX emulator over HTTP until interrupted.",
            epilog=_EMULATOR_EXAMPLES,
        )
        _command.add_arguments(emulator)
        emulator.set_defaults(handler=_cmd_emulator)
    else:
        _subparser(commands, "emulator", "pixelz emulator",
                   help="serve the local emulator on loopback", add_help=False)
    return parser


def _filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--status", type=_status, metavar="S",
                       help="only this status: an id or a name, e.g. Delivered")
    group.add_argument("--exclude-status", type=_status, metavar="S", help="all but this status")
    group.add_argument("--product-id", metavar="P", type=_product_id, help="only this product")
    group.add_argument("--from", dest="from_date", type=_date, metavar="YYYY-MM-DD",
                       help="created on or after this day")
    group.add_argument("--to", dest="to_date", type=_date, metavar="YYYY-MM-DD",
                       help="created on or before this day")
    group.add_argument("--page", type=_page, metavar="N", help="1-based page (default 1)")
    group.add_argument("--per-page", type=_per_page, metavar="N",
                       help=f"records per page, 1 to {MAX_PER_PAGE} (default: server's; "
                       f"{MAX_PER_PAGE} with --all)")
    group.add_argument("--sort-by", choices=[s.value for s in SortBy], help="sort key")
    group.add_argument("--desc", action="store_true", help="sort descending")


def _format_option(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=choices, default="table", help="output format")


# -- argument types: a refusal names the value and what is expected, in plain words --------


def _type_error(message: str) -> NoReturn:
    raise argparse.ArgumentTypeError(message)


def _whole_number(text: str, upper: int, expected: str) -> int:
    digits = text.strip()
    if digits.isascii() and digits.isdigit() and len(digits) < 12 and 1 <= int(digits) <= upper:
        return int(digits)
    _type_error(f"expected {expected}, got {text!r}")


def _page(text: str) -> int:
    return _whole_number(text, INT32_MAX, "a page number (1 or more)")


def _per_page(text: str) -> int:
    return _whole_number(text, MAX_PER_PAGE, f"a number of images per page from 1 to "
                         f"{MAX_PER_PAGE}")


def _status(text: str) -> str:
    try:
        return status_filter("status", text)
    except InvalidArgumentError:
        names = ", ".join(STATUS_NAMES.values())
        _type_error(f"{text!r} is not a status: give a status id (a whole number) or one of "
                    f"{names}")


_DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


def _date(text: str) -> datetime.date:
    if not _DATE_FORM.match(text):
        _type_error(f"{text!r} is not a date written YYYY-MM-DD, such as 2026-03-01")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        _type_error(f"{text} is not a day on the calendar ({exc})")


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    try:
        resolve_timeout(value)  # what the SDK accepts
    except InvalidArgumentError:
        _type_error(f"expected a number of seconds greater than 0, such as 30, got {text!r}")
    return value


def _base_url(text: str) -> str:
    try:
        url = urllib.parse.urlsplit(text)
        url.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.hostname:
        _type_error(f"{text!r} is not an http(s) URL such as {DEFAULT_BASE_URL}")
    return text


def _ticket(text: str) -> str:
    try:
        return parse_ticket(text)
    except InvalidArgumentError:
        _type_error(f"{text!r} is not an image ticket (a GUID such as {_EXAMPLE_TICKET})")


# What XML 1.0 cannot carry: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        _type_error(f"U+{ord(bad.group()):04X} at position {bad.start() + 1} is a control "
                    "character the service cannot receive")
    return text


def _product_id(text: str) -> str:
    return _xml_text(text)


def _customer_image_id(text: str) -> str:
    if not text:
        _type_error("an empty id matches no image; give the id you uploaded the image with")
    return _xml_text(text)



# -- commands -------------------------------------------------------------------------------


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Client]:
    """The client the options ask for; with --emulator, over an in-process emulator serving
    the demo data set."""
    from ._client import Client

    protocols = None if args.protocol == "auto" else args.protocol
    with contextlib.ExitStack() as stack:
        if args.emulator:
            import httpx

            from .emulator import Emulator
            from .emulator.dataset import demo_dataset

            emulator = stack.enter_context(Emulator(dataset=demo_dataset()))
            http = stack.enter_context(
                httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app))
            )
            client = Client(
                *emulator.credentials, base_url=emulator.base_url,
                protocols=protocols, timeout=args.timeout, http_client=http,
            )
        else:
            email, key = os.environ.get(ENV_EMAIL), os.environ.get(ENV_API_KEY)
            if not email or not key:
                missing = " and ".join(
                    name for name, value in ((ENV_EMAIL, email), (ENV_API_KEY, key)) if not value
                )
                raise _UsageError(
                    f"set {missing} in the environment (or use --emulator for demo data)",
                    args.prog,
                )
            client = Client(
                email, key, base_url=args.base_url or DEFAULT_BASE_URL,
                protocols=protocols, timeout=args.timeout,
            )
        yield stack.enter_context(client)


def _query(args: argparse.Namespace) -> dict[str, Any]:
    start, end = args.from_date, args.to_date
    if start and end and start > end:
        raise _UsageError(
            f"--from {start} is after --to {end}: the range includes both days, so --from "
            "must not be later than --to",
            args.prog,
        )
    return dict(
        status=args.status,
        exclude_status=args.exclude_status,
        product_id=args.product_id,
        from_date=start,
        to_date=end,
        per_page=args.per_page,
        sort_by=args.sort_by,
        descending=True if args.desc else None,
    )


def _note_unknown_statuses(args: argparse.Namespace) -> None:
    """Explain a status id pixelz has no name for, rather than refuse it (it is sent as is)."""
    for option, value in (("--status", args.status), ("--exclude-status", args.exclude_status)):
        if value is not None and int(value) not in STATUS_NAMES:
            known = ", ".join(f"{name} ({code})" for code, name in STATUS_NAMES.items())
            _stderr_line(
                f"note: {option} {value} is not a status pixelz knows by name ({known}); "
                "it is sent to the service as is",
                (),
            )


def _cmd_list(args: argparse.Namespace) -> int:
    query = _query(args)
    if args.all and args.page is not None:
        raise _UsageError("--page and --all cannot be combined (--all starts at page 1)",
                          args.prog)
    _note_unknown_statuses(args)
    interactive = _isatty(sys.stderr)
    with _client(args) as client:
        if args.all:
            query["per_page"] = query["per_page"] or ITER_PER_PAGE  # shown by the progress
            progress = _Progress(sys.stderr, client, query["per_page"]) if interactive else None
            try:
                count = _write(args.format, client.iter_images(**query), progress=progress)
            except BaseException:  # Ctrl-C or an error: its line must not join the progress
                if progress is not None:
                    progress.clear()
                raise
            if progress is not None:
                progress.finish(count)
        else:
            page = client.list_images(page=args.page or 1, **query)
            _write(args.format, page.images)
            if interactive:
                sys.stderr.write(_page_footer(page.page, len(page), page.is_last, page.protocol))
    return EXIT_OK


def _page_footer(number: int, count: int, last: bool, protocol: object) -> str:
    """The line under a page on a terminal: what was shown and how to get more."""
    shown = f"{count} image{'s' if count != 1 else ''} on page {number}, over {protocol}"
    if last:
        return f"{shown} (the last page)\n"
    return f"{shown}; more: --page {number + 1}, or --all for every page\n"


def _cmd_get(args: argparse.Namespace) -> int:
    with _client(args) as client:
        image = client.get_image_status(args.ticket, customer_image_id=args.customer_image_id)
    if args.format == "table":
        _configure_stdout(args.format)
        sys.stdout.write(render_details(image))
    elif args.format == "json":
        _configure_stdout(args.format)
        sys.stdout.write(_json_line(record_dict(image)) + "\n")
    else:
        _write(args.format, [image])
    sys.stdout.flush()
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    query = _query(args)
    _note_unknown_statuses(args)
    with _client(args) as client:
        report = client.compare_protocols(page=args.page or 1, **query)
    _configure_stdout(args.format)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison_dict(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_comparison(report, _terminal_width()))
    sys.stdout.flush()
    answered = [r for r in report.results if r.page is not None]
    if not answered:
        return _fail("no protocol answered successfully", EXIT_ERROR, _secrets())
    if not report.consistent:
        count = len(report.differences)
        return _fail(
            f"protocols disagree ({count} difference{'s' if count != 1 else ''})",
            EXIT_ERROR,
            _secrets(),
        )
    return EXIT_OK


def _cmd_emulator(args: argparse.Namespace) -> int:
    from .emulator import _command

    result: int = _command.run(args)
    return result


# -- records --------------------------------------------------------------------------------


def record_dict(image: ImageStatus) -> dict[str, Any]:
    """The JSON form of a record: ImageStatus attribute names in wire order, ticket as a
    string, URLs as a list, ``None`` as ``null``."""
    record = {name: getattr(image, name) for name in FIELDS}
    record["image_ticket"] = str(image.image_ticket)
    record["final_image_urls"] = list(image.final_image_urls)
    return record


# U+2028/U+2029 and NEL are valid raw in JSON strings but split lines for many readers
# (Python's str.splitlines among them): escape them so every record stays on one line.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)


def _csv_row(image: ImageStatus) -> list[str]:
    """The CSV cells of a record, in ``FIELDS`` order: null as "", booleans as true/false,
    final URLs joined by spaces."""
    return [_csv_cell(value) for value in record_dict(image).values()]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def _write(
    fmt: str, records: Iterable[ImageStatus], *, progress: _Progress | None = None
) -> int:
    """Write records to stdout as they come, updating ``progress`` after each one;
    returns how many were written."""
    _configure_stdout(fmt)
    out = sys.stdout
    written = 0

    def counted() -> Iterator[ImageStatus]:
        nonlocal written
        if progress is not None:
            progress.update(0)
        for image in records:
            yield image
            written += 1
            if progress is not None:  # after the record is written, before the next fetch
                progress.update(written)

    def emit(text: str) -> None:
        if progress is not None and progress.shares_terminal:
            progress.clear()
            out.write(text)
            out.flush()
        else:
            out.write(text)

    if fmt == "json":
        emit("[")
        for image in counted():
            emit(("\n" if not written else ",\n") + "  " + _json_line(record_dict(image)))
        emit("\n]\n" if written else "]\n")
    elif fmt == "ndjson":
        for image in counted():
            emit(_json_line(record_dict(image)) + "\n")
            out.flush()  # stream-friendly: each record reaches the reader at once
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)  # RFC 4180: CRLF rows, fields with CR/LF quoted
        writer.writerow(FIELDS)
        emit(buffer.getvalue())
        for image in counted():
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(_csv_row(image))
            emit(buffer.getvalue())
    else:
        iterator = counted()
        # Column widths from the first page's worth of rows, then stream.
        first = list(itertools.islice(iterator, MAX_PER_PAGE))
        table = _ListTable(first, _terminal_width())
        emit(table.header())
        for image in itertools.chain(first, iterator):
            emit(table.row(image))
    out.flush()
    return written


def _configure_stdout(fmt: str) -> None:
    """json/ndjson/csv are UTF-8 with exact newlines; a table degrades rather than fails."""
    stream = sys.stdout
    if not hasattr(stream, "reconfigure"):
        return
    with contextlib.suppress(Exception):
        if fmt == "table":
            stream.reconfigure(errors="backslashreplace")
        else:
            stream.reconfigure(encoding="utf-8", errors="strict", newline="")


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal_width() -> int:
    return max(shutil.get_terminal_size((120, 24)).columns, 40)


# -- table rendering ------------------------------------------------------------------------

# Control characters would break a row over lines or drive the terminal: show C0 controls as
# their Unicode control pictures (LF as ␊) and C1 controls, line/paragraph separators and
# bidi overrides as \\uXXXX escapes.
_NEUTRAL: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_NEUTRAL[0x7F] = "\u2421"
for _code in [
    *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
    *range(0x202A, 0x202F), *range(0x2066, 0x206A),
]:
    _NEUTRAL[_code] = f"\\u{_code:04x}"
del _code


def neutralize(text: str) -> str:
    """``text`` with every character that could break a line or steer the terminal made
    visible."""
    return text.translate(_NEUTRAL)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count 2, marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis, padded to exactly ``width``."""
    if display_width(text) > width:
        kept, used = [], 0
        for char in text:
            w = display_width(char)
            if used + w > width - 1:
                break
            kept.append(char)
            used += w
        text = "".join(kept) + "…"
    return text + " " * (width - display_width(text))


def _cell(value: str | None) -> str:
    return "-" if value is None else neutralize(value)


def status_cell(image: ImageStatus) -> str:
    """The status name as sent; when the record has none, the name pixelz knows for the id in
    parentheses, or ``(no name)``: an explanation rather than a blank."""
    if image.status_name and image.status_name.strip():
        return neutralize(image.status_name)
    known = STATUS_NAMES.get(image.status_id)
    return f"({known})" if known else "(no name)"


class _ListTable:
    """Columns sized from sample rows and the terminal; tickets are never truncated. On a
    narrow terminal the counts (FINALS, PAID, then the status ID) make room before any text
    is cut; ``images get`` and the other formats always show every field."""

    HEADERS = ("IMAGE TICKET", "CUSTOMER ID", "PRODUCT", "STATUS", "ID", "PAID", "FINALS")
    CAPS = (36, 40, 24, 20, 6, 4, 6)
    FLEX = (1, 2, 3)  # columns that shrink when the terminal is narrow, widest first
    OPTIONAL = (6, 5, 4)  # columns left out, in this order, before text is cut
    MIN = 8

    def __init__(self, sample: Sequence[ImageStatus], width: int) -> None:
        rows = [self._cells(image) for image in sample]
        widths = [
            min(cap, max([display_width(h)] + [display_width(r[i]) for r in rows]))
            for i, (h, cap) in enumerate(zip(self.HEADERS, self.CAPS, strict=True))
        ]
        widths[0] = 36
        shown = list(range(len(widths)))

        def total() -> int:
            return sum(widths[i] for i in shown) + 2 * (len(shown) - 1)

        for index in self.OPTIONAL:
            if total() <= width:
                break
            shown.remove(index)
        while total() > width:  # the customer image id is the last to give way
            index = max(self.FLEX, key=lambda i: widths[i] - (4 if i == 1 else 0))
            if widths[index] <= self.MIN:
                break
            widths[index] -= 1
        self.widths = widths
        self.shown = shown

    @staticmethod
    def _cells(image: ImageStatus) -> tuple[str, ...]:
        return (
            str(image.image_ticket),
            _cell(image.customer_image_id),
            _cell(image.product_id),
            status_cell(image),
            str(image.status_id),
            "yes" if image.is_paid else "no",
            str(len(image.final_image_urls)),
        )

    def _line(self, cells: Sequence[str]) -> str:
        parts = [fit(cells[i], self.widths[i]) for i in self.shown]
        return "  ".join(parts).rstrip() + "\n"

    def header(self) -> str:
        return self._line(self.HEADERS)

    def row(self, image: ImageStatus) -> str:
        return self._line(self._cells(image))


def render_details(image: ImageStatus) -> str:
    """One record as ``field  value`` lines, every field, nothing truncated."""
    values: list[tuple[str, str]] = []
    for name, value in record_dict(image).items():
        if isinstance(value, list):
            urls = [neutralize(url) for url in value] or ["-"]
            values.append((name, urls[0]))
            values.extend(("", url) for url in urls[1:])
        elif isinstance(value, bool):
            values.append((name, "yes" if value else "no"))
        elif name == "status_name" and status_cell(image).startswith("("):
            known = STATUS_NAMES.get(image.status_id)
            why = f"pixelz knows id {image.status_id} as {known}" if known else "unknown id"
            sent = "no name" if image.status_name is None else "an empty name"
            values.append((name, f"({sent} sent; {why})"))
        else:
            values.append((name, _cell(value if value is None else str(value))))
    return "".join(f"{name:<21}{value}\n" for name, value in values)


def comparison_dict(report: ProtocolComparison) -> dict[str, Any]:
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


def render_comparison(report: ProtocolComparison, width: int = 120) -> str:
    """The comparison as a table (outcome, latency, bytes, records and agreement per
    protocol), then failures and differences, then a verdict."""
    headers = ("PROTOCOL", "OUTCOME", "LATENCY", "BYTES", "RECORDS", "AGREES")
    rows = []
    for result, agrees in zip(report.results, report.agreement, strict=True):
        rows.append((
            neutralize(str(result.protocol)),
            result.outcome,
            f"{result.latency * 1000:.1f} ms",
            str(result.response_bytes),
            "-" if result.page is None else str(len(result.page)),
            "-" if agrees is None else ("yes" if agrees else "no"),
        ))
    widths = [max(display_width(c) for c in col) for col in zip(headers, *rows, strict=True)]
    right = {2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - display_width(cell))
            parts.append(pad + cell if i in right else cell + pad)
        return "  ".join(parts).rstrip() + "\n"

    out = [line(headers), *(line(r) for r in rows)]
    failures = [r for r in report.results if r.error is not None]
    if failures:
        out.append("\nerrors:\n")
        for result in failures:
            text = neutralize(" ".join(str(result.error).split()))
            out.append(fit(f"  {result.protocol}: {text}", width).rstrip() + "\n")
    differences = report.differences
    if differences:
        out.append("\ndifferences:\n")
        out.extend(
            fit("  " + neutralize(" ".join(d.split())), width).rstrip() + "\n"
            for d in differences
        )
    answered = sum(1 for r in report.results if r.page is not None)
    if not answered:
        verdict = "no protocol answered"
    elif report.consistent:
        verdict = f"consistent: {answered} of {len(report.results)} protocols answered, all agree"
    else:
        verdict = f"INCONSISTENT: {len(differences)} differences"
    out.append(f"\n{verdict}\n")
    return "".join(out)


# -- progress -------------------------------------------------------------------------------


class _Progress:
    """A one-line counter on a terminal, redrawn at page ends and at most every
    PROGRESS_INTERVAL seconds in between."""

    def __init__(self, stream: IO[str], client: Client, per_page: int) -> None:
        self._stream = stream
        self._client = client
        self._per_page = per_page
        self._shown = False
        self._last = float("-inf")
        self._clock: Callable[[], float] = time.monotonic
        #: stdout is the same kind of terminal: clear the line before each record is written.
        self.shares_terminal = _isatty(sys.stdout)

    def update(self, count: int) -> None:
        now = self._clock()
        if count % self._per_page and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        protocol = self._client.protocol
        over = f", over {protocol}" if protocol is not None else ""
        self._stream.write(
            f"\r\x1b[K{_PROG}: {count} images, fetching page "
            f"{count // self._per_page + 1}{over}"
        )
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False

    def finish(self, count: int) -> None:
        self.clear()
        protocol = self._client.protocol
        over = f" over {protocol}" if protocol is not None else ""
        self._stream.write(f"{_PROG}: {count} image{'s' if count != 1 else ''}{over}\n")
        self._stream.flush()

"""What every ``pixelz`` command shares: one-line messages on stderr (the API keys never
shown), the parser pieces, the client the options ask for, confirmation of changes, and the
writer of records in every output format.

rich is imported only where a table or a progress bar is drawn (:mod:`pixelz._cli_render`).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

from . import _cli_types as types
from ._arguments import ENV_API_KEY, ENV_EMAIL, MAX_PER_PAGE, STATUS_NAMES
from ._cli_records import Kind, csv_row, field_names, json_line, neutralize, record_dict
from ._core import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from .models import Protocol, SortBy

if TYPE_CHECKING:
    from ._cli_render import ListProgress
    from ._client import Client

__all__ = [
    "ENV_DEVELOPER_KEY",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "FORMATS",
    "PROG",
    "Cancelled",
    "Formatter",
    "Parser",
    "UsageError",
    "add_secret",
    "all_option",
    "client",
    "configure_stdout",
    "confirm",
    "date_options",
    "date_range",
    "fail",
    "filter_options",
    "format_option",
    "given_filters",
    "help_text",
    "image_query",
    "isatty",
    "list_progress",
    "no_page_with_all",
    "note_unknown_statuses",
    "option_names",
    "page_footer",
    "plural",
    "reset_secrets",
    "secrets",
    "stderr_line",
    "subparser",
    "target_options",
    "terminal_width",
    "usage",
    "which_image",
    "with_progress",
    "write_all",
    "write_one",
    "write_page",
    "write_records",
    "yes_option",
]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
T = TypeVar("T")
#: Where submissions find your developer API key unless --developer-key-env names another
#: variable; like the contact key, it never goes on a command line and is never shown.
ENV_DEVELOPER_KEY = "PIXELZ_DEVELOPER_API_KEY"
FORMATS = ("table", "json", "ndjson", "csv")
PROG = "pixelz"


class UsageError(Exception):
    """A usage problem (exit 2): the message, and the command whose ``--help`` to suggest."""

    def __init__(self, message: str, prog: str = PROG) -> None:
        super().__init__(message)
        self.prog = prog


class Cancelled(Exception):
    """The user answered no to a confirmation: nothing was sent (exit 1)."""


# -- messages ----------------------------------------------------------------------------------

_SECRETS: list[str] = []


def reset_secrets() -> None:
    """Forget the values registered by a previous run (``main`` runs in-process in tests)."""
    _SECRETS.clear()


def add_secret(value: str) -> None:
    """Never show ``value`` (a developer API key read from the environment)."""
    if value:
        _SECRETS.append(value)


def secrets() -> tuple[str, ...]:
    """Every value no message may show: the API keys in the environment, and the ones a
    command registered."""
    found = [os.environ.get(ENV_API_KEY), os.environ.get(ENV_DEVELOPER_KEY), *_SECRETS]
    return tuple(sorted({value for value in found if value}, key=len, reverse=True))


def stderr_line(message: str) -> None:
    line = " ".join(message.split())  # one line, whatever the message holds
    for secret in secrets():
        line = line.replace(secret, "***")
    sys.stderr.write(f"{PROG}: {neutralize(line)}\n")
    sys.stderr.flush()


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def fail(message: str) -> int:
    stderr_line(f"error: {message}")
    return EXIT_ERROR


def usage(message: str, prog: str) -> int:
    stderr_line(f"error: {message}")
    stderr_line(f"run '{prog} --help' for the options and examples")
    return EXIT_USAGE


# The SDK's parameter names, as the command line spells them; commands add their own
# (``option_names`` in the parser's defaults).
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


# The options of `filter_options` by destination, in the order of --help.
_FILTERS = {
    **{dest: _OPTION_NAMES[dest] for dest in (
        "status", "exclude_status", "product_id", "from_date", "to_date", "per_page", "sort_by"
    )},
    "desc": "--desc",
}


def given_filters(args: argparse.Namespace) -> list[str]:
    """The filter options given, as typed (for "cannot be combined with ...")."""
    return [option for dest, option in _FILTERS.items() if getattr(args, dest)]


def option_names(message: str, extra: Mapping[str, str] | None = None) -> str:
    """``message`` with the SDK's parameter names replaced by the options a user typed."""
    names = {**_OPTION_NAMES, **(extra or {})}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")\b")
    return pattern.sub(lambda match: names[match.group(1)], message)


# -- terminal ------------------------------------------------------------------------------------


def isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    return max(shutil.get_terminal_size((120, 24)).columns, 40)


def configure_stdout(fmt: str) -> None:
    """json/ndjson/csv are UTF-8 with exact newlines; text for people degrades rather than
    fails."""
    stream = sys.stdout
    if not hasattr(stream, "reconfigure"):
        return
    with contextlib.suppress(Exception):
        if fmt in ("json", "ndjson", "csv"):
            stream.reconfigure(encoding="utf-8", errors="strict", newline="")
        else:
            stream.reconfigure(errors="backslashreplace")


def confirm(args: argparse.Namespace, question: str, action: str) -> None:
    """Ask ``question`` on the terminal unless ``--yes``; raise :class:`Cancelled` unless
    the answer is yes. Without a terminal to ask on, refuse (a usage error naming --yes):
    a script must say it means it."""
    if args.yes:
        return
    if not isatty(sys.stdin):
        raise UsageError(f"not confirmed: stdin is not a terminal, so pixelz cannot ask; add "
                         f"--yes to {action}", args.prog)
    sys.stderr.write(f"{PROG}: {neutralize(question)} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        sys.stderr.write("\n")  # the interruption message starts its own line
        raise
    if not answer.endswith("\n"):  # end of input (Ctrl-D)
        sys.stderr.write("\n")
    if answer.strip().lower() not in ("y", "yes"):
        raise Cancelled


# -- parser pieces -------------------------------------------------------------------------------


class Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one plain line (a :class:`UsageError`)
    instead of the usage block and argparse's own wording."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_plain(message, self), self.prog)


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


def help_text(text: str) -> str:
    """A command's description wrapped at 79 columns (the formatter keeps descriptions as
    written, so that examples keep their lines)."""
    import textwrap

    return textwrap.fill(text, width=79)


def subparser(commands: Any, name: str, prog: str, **kwargs: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, formatter_class=Formatter, **kwargs
    )
    parser.set_defaults(prog=prog)
    return parser


def target_options(
    parser: argparse.ArgumentParser, *, top: bool, request_timeout: bool = True
) -> None:
    """--emulator/--base-url/--protocol/--timeout, accepted before or after the command;
    without ``request_timeout``, --timeout only before it (the command has its own)."""
    default: Any = argparse.SUPPRESS
    group = parser.add_argument_group("service options")
    target = group.add_mutually_exclusive_group()
    target.add_argument(
        "--emulator", action="store_true", default=False if top else default,
        help="use an in-process emulator with demo data and demo credentials",
    )
    target.add_argument(
        "--base-url", metavar="URL", type=types.base_url, default=None if top else default,
        help=f"service URL (default {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--protocol", choices=["auto", *(p.value for p in Protocol)],
        default="auto" if top else default,
        help="pin one protocol (default auto: every protocol the call allows, with fallback)",
    )
    if not request_timeout:
        return
    group.add_argument(
        "--timeout", type=types.timeout, metavar="S",
        default=DEFAULT_TIMEOUT if top else default,
        help=f"seconds per request (default {DEFAULT_TIMEOUT:g})",
    )


def all_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true",
                        help="stream every page (a progress bar on stderr on a terminal)")


def format_option(parser: argparse.ArgumentParser, choices: Sequence[str] = FORMATS) -> None:
    parser.add_argument("--format", choices=choices, default="table", help="output format")


def which_image(parser: argparse.ArgumentParser) -> None:
    """An image ticket, or ``--customer-image-id``: exactly one of the two."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("ticket", nargs="?", type=types.ticket, metavar="TICKET",
                       help="image ticket")
    which.add_argument("--customer-image-id", metavar="ID", type=types.customer_image_id,
                       help="your own image id")


def yes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-y", "--yes", action="store_true",
                        help="do it without asking (needed when stdin is not a terminal)")


# -- the client ----------------------------------------------------------------------------------


@contextlib.contextmanager
def client(args: argparse.Namespace) -> Iterator[Client]:
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
            made = Client(
                *emulator.credentials, base_url=emulator.base_url,
                protocols=protocols, timeout=args.timeout, http_client=http,
            )
        else:
            email, key = os.environ.get(ENV_EMAIL), os.environ.get(ENV_API_KEY)
            if not email or not key:
                missing = " and ".join(
                    name for name, value in ((ENV_EMAIL, email), (ENV_API_KEY, key)) if not value
                )
                raise UsageError(
                    f"set {missing} in the environment (or use --emulator for demo data)",
                    args.prog,
                )
            made = Client(
                email, key, base_url=args.base_url or DEFAULT_BASE_URL,
                protocols=protocols, timeout=args.timeout,
            )
        yield stack.enter_context(made)


# -- output --------------------------------------------------------------------------------------


def page_footer(kind: Kind, number: int, count: int, last: bool, protocol: object) -> str:
    """The line under a page on a terminal: what was shown and how to get more."""
    shown = f"{kind.count(count)} on page {number}, over {protocol}"
    if last:
        return f"{shown} (the last page)\n"
    return f"{shown}; more: --page {number + 1}, or --all for every page\n"


def with_progress(records: Iterable[T], progress: ListProgress | None) -> Iterator[T]:
    """``records``, updating ``progress`` (if any) with the count after each is taken,
    before the next is fetched."""
    if progress is None:
        yield from records
        return
    progress.update(0)
    for count, record in enumerate(records, 1):
        yield record
        progress.update(count)


def write_records(
    fmt: str,
    records: Iterable[object],
    kind: Kind,
    *,
    progress: ListProgress | None = None,
    batch: int = MAX_PER_PAGE,
) -> int:
    """Write records to stdout as they come, updating ``progress`` after each one; returns
    how many were written. A table is sized from its first ``batch`` rows, then printed
    ``batch`` rows at a time (a page, when ``batch`` is the page size)."""
    configure_stdout(fmt)
    out = sys.stdout
    written = 0

    def counted() -> Iterator[object]:
        nonlocal written
        for record in with_progress(records, progress):
            yield record
            written += 1

    def emit(text: str) -> None:
        if progress is not None and progress.shares_terminal:
            progress.clear()
            out.write(text)
            out.flush()
        else:
            out.write(text)

    if fmt == "json":
        emit("[")
        for record in counted():
            emit(("\n" if not written else ",\n") + "  " + json_line(record_dict(record)))
        emit("\n]\n" if written else "]\n")
    elif fmt == "ndjson":
        for record in counted():
            emit(json_line(record_dict(record)) + "\n")
            out.flush()  # stream-friendly: each record reaches the reader at once
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)  # RFC 4180: CRLF rows, fields with CR/LF quoted
        writer.writerow(field_names(kind.model))
        emit(buffer.getvalue())
        for record in counted():
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(csv_row(record))
            emit(buffer.getvalue())
    else:
        from ._cli_render import TableLayout

        iterator = counted()
        styled = isatty(out)
        chunk = list(itertools.islice(iterator, batch))
        rows = [kind.cells(record) for record in chunk]
        layout = TableLayout(kind.columns, rows, terminal_width())
        emit(layout.render(rows, header=True, styled=styled))
        while chunk := list(itertools.islice(iterator, batch)):
            emit(layout.render([kind.cells(r) for r in chunk], header=False, styled=styled))
    out.flush()
    return written


def write_one(fmt: str, record: object, kind: Kind) -> None:
    """One record: ``table`` as field/value lines, ``json`` as one object (not an array),
    ``ndjson`` one line, ``csv`` a header and one row."""
    from ._cli_records import render_details

    if fmt not in ("table", "json"):
        write_records(fmt, [record], kind)
        return
    configure_stdout(fmt)
    if fmt == "table":
        sys.stdout.write(render_details(record))
    else:
        sys.stdout.write(json_line(record_dict(record)) + "\n")
    sys.stdout.flush()


@contextlib.contextmanager
def list_progress(
    kind: Kind, service: Client, per_page: int | None, *, shares_terminal: bool
) -> Iterator[ListProgress | None]:
    """The ``--all`` progress bar on stderr when it is a terminal (None otherwise), taken
    off the screen on the way out, an error or Ctrl-C included, so no line joins it."""
    if not isatty(sys.stderr):
        yield None
        return
    from ._cli_render import ListProgress, progress_text

    progress = ListProgress(
        sys.stderr, lambda n: progress_text(kind, n, per_page, service.protocol),
        per_page, width=terminal_width(), shares_terminal=shares_terminal,
    )
    try:
        yield progress
    finally:
        progress.clear()


def write_all(
    args: argparse.Namespace,
    kind: Kind,
    walk: Callable[[Client], Iterable[object]],
    per_page: int | None,
) -> int:
    """``--all``: every page's records as they arrive, with a progress bar on stderr when it
    is a terminal (and a final count left there); nothing on stderr when it is not."""
    with client(args) as service:
        with list_progress(kind, service, per_page, shares_terminal=isatty(sys.stdout)) as bar:
            count = write_records(args.format, walk(service), kind, progress=bar,
                                  batch=per_page or MAX_PER_PAGE)
        if bar is not None:
            over = f" over {service.protocol}" if service.protocol is not None else ""
            stderr_line(f"{kind.count(count)}{over}")
    return EXIT_OK


def write_page(args: argparse.Namespace, kind: Kind, page: Any) -> int:
    """One page of records, then (on a terminal) a line on stderr saying how to get more."""
    records = list(page)
    write_records(args.format, records, kind)
    if isatty(sys.stderr):
        sys.stderr.write(page_footer(kind, page.page, len(records), page.is_last,
                                     page.protocol))
    return EXIT_OK


def no_page_with_all(args: argparse.Namespace) -> None:
    if args.all and args.page is not None:
        raise UsageError("--page and --all cannot be combined (--all starts at page 1)",
                         args.prog)


def date_range(args: argparse.Namespace) -> None:
    start, end = args.from_date, args.to_date
    if start and end and start > end:
        raise UsageError(
            f"--from {start} is after --to {end}: the range includes both days, so --from "
            "must not be later than --to",
            args.prog,
        )


# -- the images filters ---------------------------------------------------------------------------


def date_options(parser: Any) -> None:
    """``--from`` and ``--to``: an inclusive created-date range (checked by date_range)."""
    parser.add_argument("--from", dest="from_date", type=types.date, metavar="YYYY-MM-DD",
                        help="created on or after this day")
    parser.add_argument("--to", dest="to_date", type=types.date, metavar="YYYY-MM-DD",
                        help="created on or before this day")


def filter_options(parser: argparse.ArgumentParser, *, paging: bool = True) -> None:
    """The images filters of ``images list`` (and ``compare``, ``images download``);
    ``--page`` only with ``paging`` (a command that walks every page has none)."""
    group = parser.add_argument_group("filters")
    group.add_argument("--status", type=types.status, metavar="S",
                       help="only this status: an id or a name, e.g. Delivered")
    group.add_argument("--exclude-status", type=types.status, metavar="S",
                       help="all but this status")
    group.add_argument("--product-id", metavar="P", type=types.xml_text,
                       help="only this product")
    date_options(group)
    if paging:
        group.add_argument("--page", type=types.page, metavar="N",
                           help="1-based page (default 1)")
    group.add_argument(
        "--per-page", type=types.per_page("images"), metavar="N",
        help=f"records per page, 1 to {MAX_PER_PAGE} (default: server's; {MAX_PER_PAGE} with "
        "--all)" if paging else
        f"records per page of the walk, 1 to {MAX_PER_PAGE} (default {MAX_PER_PAGE})",
    )
    group.add_argument("--sort-by", choices=[s.value for s in SortBy], help="sort key")
    group.add_argument("--desc", action="store_true", help="sort descending")


def image_query(args: argparse.Namespace) -> dict[str, object]:
    """The SDK keywords of the filters (after checking the date range)."""
    date_range(args)
    return dict(
        status=args.status,
        exclude_status=args.exclude_status,
        product_id=args.product_id,
        from_date=args.from_date,
        to_date=args.to_date,
        per_page=args.per_page,
        sort_by=args.sort_by,
        descending=True if args.desc else None,
    )


def note_unknown_statuses(args: argparse.Namespace) -> None:
    """Explain a status id pixelz has no name for, rather than refuse it (it is sent as is)."""
    for option, value in (("--status", args.status), ("--exclude-status", args.exclude_status)):
        if value is not None and int(value) not in STATUS_NAMES:
            known = ", ".join(f"{name} ({code})" for code, name in STATUS_NAMES.items())
            stderr_line(
                f"note: {option} {value} is not a status pixelz knows by name ({known}); "
                "it is sent to the service as is"
            )

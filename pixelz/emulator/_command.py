"""``pixelz emulator``: argument wiring for the CLI, which mounts :func:`add_arguments` and
:func:`run` as a sub-command.

The accepted API key is printed only when it is the public demo default, so a key chosen on
the command line is not echoed back into terminal scrollback or CI logs.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pixelz.models import Protocol

if TYPE_CHECKING:
    from pixelz.emulator import Emulator

__all__ = ["DEFAULT_PORT", "add_arguments", "run"]

DEFAULT_PORT = 8765


def _protocols(text: str) -> frozenset[Protocol]:
    from pixelz.emulator.config import parse_protocols

    try:
        return parse_protocols(text)
    except ValueError:
        choices = ",".join(p.value for p in Protocol)
        raise argparse.ArgumentTypeError(f"expected comma-separated values of {choices}") from None


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("expected a number between 0 and 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``emulator`` options on ``parser``."""
    from pixelz.emulator.config import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument(
        "--images", type=int, default=250, help="records to generate (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="data set and RNG seed (default: %(default)s)"
    )
    parser.add_argument("--dataset", type=Path, help="serve records from this JSON file instead")
    parser.add_argument(
        "--account",
        type=Path,
        help="the contact, templates and invoices from this JSON file (dump_account_json)",
    )
    parser.add_argument(
        "--contact-email",
        default=DEMO_CONTACT_EMAIL,
        help="accepted contact email (default: %(default)s)",
    )
    parser.add_argument(
        "--contact-api-key",
        default=DEMO_CONTACT_API_KEY,
        help="accepted API key (default: the demo key)",
    )
    parser.add_argument(
        "--disable",
        type=_protocols,
        default=frozenset(),
        metavar="PROTOCOLS",
        help="answer these as a server whose config removed them, e.g. soap12,http_get",
    )
    parser.add_argument(
        "--block",
        type=_protocols,
        default=frozenset(),
        metavar="PROTOCOLS",
        help="answer these with a firewall's 403 block page",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="milliseconds added to every request",
    )
    parser.add_argument(
        "--fail-rate",
        type=_rate,
        default=0.0,
        metavar="R",
        help="share of requests answered 503 + Retry-After (0..1)",
    )
    parser.add_argument(
        "--errors",
        choices=("local", "remote"),
        default="remote",
        help="error detail: remote (messages) or local (.NET types and stack traces)",
    )
    parser.add_argument(
        "--nil-style",
        choices=("omit", "nil"),
        default="omit",
        help="null strings omitted or written xsi:nil",
    )


def build(args: argparse.Namespace) -> Emulator:
    """The :class:`~pixelz.emulator.Emulator` the arguments describe (not started)."""
    from pixelz.emulator import Emulator, load_account_json, load_json

    knobs: dict[str, Any] = {}
    if args.dataset is not None:
        knobs["dataset"] = load_json(args.dataset.read_text(encoding="utf-8"))
    if args.account is not None:
        knobs["account"] = load_account_json(args.account.read_text(encoding="utf-8"))
    return Emulator(
        images=args.images,
        seed=args.seed,
        contact_email=args.contact_email,
        contact_api_key=args.contact_api_key,
        enabled_protocols=frozenset(Protocol) - args.disable,
        blocked_protocols=args.block,
        latency=args.latency / 1000.0,
        fail_rate=args.fail_rate,
        errors=args.errors,
        nil_style=args.nil_style,
        **knobs,
    )


def _wait() -> None:
    threading.Event().wait()


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; prints the base URL first. Returns the exit status."""
    from pixelz.emulator.config import DEMO_CONTACT_API_KEY

    try:
        emulator = build(args)
    except (OSError, ValueError) as exc:
        print(f"pixelz emulator: {exc}", file=sys.stderr)
        return 2
    try:
        base_url = emulator.start(args.host, args.port)
    except OSError as exc:
        print(f"pixelz emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    key = emulator.contact_api_key
    shown_key = key if key == DEMO_CONTACT_API_KEY else "(as given)"
    print(f"Pixelz emulator listening on {base_url}", flush=True)
    print(f"  contact email: {emulator.contact_email}  API key: {shown_key}", flush=True)
    print(f"  {len(emulator.dataset)} images; WSDL at {base_url}?WSDL; Ctrl-C to stop", flush=True)
    try:
        _wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0

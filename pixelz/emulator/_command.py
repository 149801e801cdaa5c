"""``pixelz emulator``: argument wiring for the CLI, which mounts :func:`add_arguments` and
:func:`run` as a sub-command.

It serves the ``demo`` data set unless ``--dataset`` names another one (``hard-cases``) or a
JSON file. Option values are checked while parsing, so a bad one is a usage error (exit 2)
naming the option. The accepted API key is printed only when it is the public demo default,
so a key chosen on the command line is not echoed back into terminal scrollback or CI logs.
The callback secret is read from an environment variable (``--callback-secret-env``) and
never printed: the banner names the variable.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pixelz.models import Protocol

if TYPE_CHECKING:
    from pixelz.emulator import Emulator
    from pixelz.emulator.dataset import Record

__all__ = ["DEFAULT_DATASET", "DEFAULT_PORT", "add_arguments", "build", "run"]

DEFAULT_PORT = 8765
DEFAULT_DATASET = "demo"
MAX_IMAGES = 1_000_000


def _protocols(text: str) -> frozenset[Protocol]:
    from pixelz.emulator.config import parse_protocols

    try:
        return parse_protocols(text)
    except ValueError:
        choices = ", ".join(p.value for p in Protocol)
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of protocols ({choices})"
        ) from None


def _whole(text: str, high: int, expected: str) -> int:
    digits = text.strip()
    value = int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 20 else None
    if value is None or value > high:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def _port(text: str) -> int:
    return _whole(text, 65535, "a port number from 0 to 65535 (0 picks a free one)")


def _images(text: str) -> int:
    return _whole(text, MAX_IMAGES, f"a number of images from 0 to {MAX_IMAGES}")


def _seed(text: str) -> int:
    return _whole(text, 2**63 - 1, "a whole number, 0 or more")


def _number(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not low <= value <= high:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def _latency(text: str) -> float:
    return _number(text, 0.0, 600_000.0, "milliseconds from 0 to 600000")


def _rate(text: str) -> float:
    return _number(text, 0.0, 1.0, "a share of requests from 0 to 1 (0.1 is 10%)")


def _speed(text: str) -> float | None:
    if text.strip().lower() == "off":
        return None
    return _number(text, 0.0, 86_400.0, "seconds per step from 0 (instant) to 86400, or off")


_SIZE = re.compile(r"([0-9]{1,10})[ \t]*(k|kib|m|mib)?", re.IGNORECASE)
_UNITS = {None: 1, "k": 1024, "kib": 1024, "m": 1024**2, "mib": 1024**2}


def _final_size(text: str) -> int:
    from pixelz.emulator._files import MAX_FINAL_SIZE

    match = _SIZE.fullmatch(text.strip())
    value = None if match is None else int(match[1]) * _UNITS[(match[2] or "").lower() or None]
    if value is None or value > MAX_FINAL_SIZE:
        raise argparse.ArgumentTypeError(
            f"expected bytes from 0 to {MAX_FINAL_SIZE} (suffix K or M for KiB or MiB), "
            f"got {text!r}"
        )
    return value


class _Secret:
    """A secret read from the environment, named by its variable, never shown."""

    def __init__(self, variable: str, value: str) -> None:
        self.variable = variable
        self.value = value

    def __repr__(self) -> str:
        return f"<secret from ${self.variable}>"


def _secret_env(name: str) -> _Secret:
    value = os.environ.get(name, "")
    if not value:
        raise argparse.ArgumentTypeError(f"the environment variable {name} is unset or empty")
    return _Secret(name, value)


def _dataset(text: str) -> str | tuple[Record, ...]:
    """A data set name, or the records of a JSON file (read now: a bad file is a usage
    error)."""
    from pixelz.emulator.dataset import DATASETS, load_json

    if text in DATASETS:
        return text
    path = Path(text)
    try:
        return load_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        names = " or ".join(DATASETS)
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a data set ({names}) nor a readable file: "
            f"{exc.strerror or exc}"
        ) from None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: not a data set file: {exc}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``emulator`` options on ``parser``."""
    from pixelz.emulator.config import (
        DEFAULT_FINAL_SIZE,
        DEMO_CONTACT_API_KEY,
        DEMO_CONTACT_EMAIL,
    )
    from pixelz.emulator.dataset import DATASETS

    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, metavar="N",
        help="TCP port, 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--dataset", type=_dataset, default=DEFAULT_DATASET, metavar="NAME|FILE",
        help=f"records to serve: a data set ({', '.join(DATASETS)}; default: %(default)s) "
        "or a JSON file of records",
    )
    parser.add_argument(
        "--images", type=_images, default=250, metavar="N",
        help="records in a named data set (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, metavar="N",
        help="data set and RNG seed (default: %(default)s)",
    )
    parser.add_argument(
        "--account",
        type=Path,
        help="the contact, templates and invoices from this JSON file (dump_account_json)",
    )
    parser.add_argument(
        "--contact-email",
        default=DEMO_CONTACT_EMAIL,
        metavar="EMAIL",
        help="accepted contact email (default: %(default)s)",
    )
    parser.add_argument(
        "--contact-api-key",
        default=DEMO_CONTACT_API_KEY,
        metavar="KEY",
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
        type=_latency,
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
    parser.add_argument(
        "--speed", type=_speed, default=None, metavar="SECONDS",
        help="submitted images move New -> InProduction -> ProductionFinished -> Delivered, "
        "one step every SECONDS (0: delivered at once; default: off, they stay New)",
    )
    parser.add_argument(
        "--final-size", type=_final_size, default=DEFAULT_FINAL_SIZE, metavar="BYTES",
        help="size of each delivered final image (PNG), e.g. 1M (default: "
        f"{DEFAULT_FINAL_SIZE // 1024}K)",
    )
    parser.add_argument(
        "--callback-secret-env", type=_secret_env, default=None, metavar="NAME",
        help="sign callbacks with the secret in environment variable NAME "
        "(default: the public demo secret)",
    )


def _records(args: argparse.Namespace) -> tuple[Record, ...]:
    from pixelz.emulator.dataset import DATASETS

    source = args.dataset
    if isinstance(source, str):
        return DATASETS[source](args.images, args.seed)
    return tuple(source)


def build(args: argparse.Namespace) -> Emulator:
    """The :class:`~pixelz.emulator.Emulator` the arguments describe (not started)."""
    from pixelz.emulator import Emulator, load_account_json

    knobs: dict[str, Any] = {"speed": args.speed, "final_size": args.final_size}
    if args.callback_secret_env is not None:
        knobs["callback_secret"] = args.callback_secret_env.value
    if args.account is not None:
        knobs["account"] = load_account_json(args.account.read_text(encoding="utf-8"))
    return Emulator(
        images=args.images,
        seed=args.seed,
        dataset=_records(args),
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

    emulator = build(args)
    try:
        base_url = emulator.start(args.host, args.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"pixelz: error: cannot listen on {args.host} port {args.port}: {reason}",
              file=sys.stderr)
        return 1
    key = emulator.contact_api_key
    shown_key = key if key == DEMO_CONTACT_API_KEY else "(as given)"
    source = args.dataset if isinstance(args.dataset, str) else "from file"
    print(f"Pixelz emulator listening on {base_url}", flush=True)
    print(f"  contact email: {emulator.contact_email}  API key: {shown_key}", flush=True)
    print(f"  {len(emulator.dataset)} images ({source}); WSDL at {base_url}?WSDL; "
          "Ctrl-C to stop", flush=True)
    speed = emulator.config.speed
    pace = ("off (submitted images stay New)" if speed is None
            else "instant" if speed == 0 else f"one step every {speed:g} s")
    secret = args.callback_secret_env
    signer = "the demo secret" if secret is None else f"the secret in ${secret.variable}"
    print(f"  lifecycle: {pace}; finals {emulator.config.final_size} bytes; "
          f"callbacks signed with {signer}", flush=True)
    try:
        _wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0

"""``webhook verify`` (check one callback body read from stdin), ``webhook listen`` (receive
callbacks on a local port) and ``webhook sign`` (sign a body, to test a receiver), over
:mod:`pixelz.webhooks`.

The secret is read from the environment variable ``--secret-env`` names, never from the command
line, and is never printed. ``listen`` serves :func:`pixelz.webhooks.app` with the standard
library's ``wsgiref`` server, one request at a time, in the foreground: it is for local
development and scripts (behind TLS, mount the same app in your own WSGI server).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import _cli_types as types
from ._cli_common import (
    EXIT_OK,
    UsageError,
    add_secret,
    configure_stdout,
    fail,
    help_text,
    isatty,
    plural,
    stderr_line,
    subparser,
)
from ._cli_records import json_line, neutralize
from .errors import WebhookError

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .webhooks import CallbackEvent

__all__ = ["add_webhook", "event_dict"]

SIGNATURE_HEADER = "X-RTB-Partner-HMAC-SHA256"
DEFAULT_HOST = "127.0.0.1"

_COMMAND_EXAMPLES = """\
examples:
  pixelz webhook verify --secret-env PIXELZ_WEBHOOK_SECRET \\
      --header 'X-RTB-Partner-HMAC-SHA256: 3q2+7w...' < body.json
  pixelz webhook listen --port 8090 --secret-env PIXELZ_WEBHOOK_SECRET
  pixelz webhook sign --secret-env PIXELZ_WEBHOOK_SECRET < body.json
"""

_VERIFY_EXAMPLES = """\
examples:
  pixelz webhook verify --secret-env PIXELZ_WEBHOOK_SECRET --signature 3q2+7w... < body.json
  pixelz webhook verify --secret-env PIXELZ_WEBHOOK_SECRET \\
      --header 'X-RTB-Partner-HMAC-SHA256: 3q2+7w...' \\
      --header 'Content-Type: application/x-www-form-urlencoded' < body.txt

The body is read from stdin, byte for byte as received. Exit 0 when the signature is the
HMAC-SHA256 of the body under the secret (the event is printed as one JSON line), 1 when it
is not or the body cannot be read.
"""

_SIGN_EXAMPLES = """\
examples:
  pixelz webhook sign --secret-env PIXELZ_WEBHOOK_SECRET < body.json
  curl -H "X-RTB-Partner-HMAC-SHA256: $(pixelz webhook sign --secret-env PIXELZ_WEBHOOK_SECRET \\
      < body.json)" -H 'Content-Type: application/json' --data-binary @body.json \\
      http://127.0.0.1:8090/
"""

_LISTEN_EXAMPLES = """\
examples:
  pixelz webhook listen --port 8090 --secret-env PIXELZ_WEBHOOK_SECRET
  pixelz webhook listen --port 8090 --secret-env PIXELZ_WEBHOOK_SECRET --count 3 > events.ndjson

Every verified callback is printed on stdout as one JSON line and answered 204; one with a
missing or wrong signature is answered 401 and named on stderr (as are bodies that cannot be
read: 400, 413). Serves until Ctrl-C, or until --count callbacks were received. For local
development: plain HTTP, one request at a time.
"""


def _secret_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--secret-env", required=True, type=types.env_name, metavar="NAME",
                        help="the environment variable holding your Application Secret Code "
                        "(the name, never the secret itself)")


def add_webhook(commands: Any) -> None:
    webhook = subparser(
        commands, "webhook", "pixelz webhook",
        help="verify a callback, receive callbacks on a local port, sign a test body",
        description=help_text(
            "Check the signature of Pixelz callbacks (HMAC-SHA256 of the body under "
            "your Application Secret Code) and read them."),
        epilog=_COMMAND_EXAMPLES,
    )
    webhook_commands = webhook.add_subparsers(dest="webhook_command", metavar="COMMAND",
                                              required=True)
    verify = subparser(
        webhook_commands, "verify", "pixelz webhook verify",
        help="check one callback body (stdin) against its signature",
        description=help_text(
            "Check a callback body, read from stdin, against its signature, given "
            "as headers (--header, as received) or alone (--signature); print the event when "
            "it is valid."),
        epilog=_VERIFY_EXAMPLES,
    )
    _secret_option(verify)
    verify.add_argument("--header", dest="headers", action="append", type=types.header,
                        default=[], metavar="'NAME: VALUE'",
                        help=f"a header of the request, such as '{SIGNATURE_HEADER}: ...' or "
                        "'Content-Type: ...' (repeat the option for more)")
    verify.add_argument("--signature", type=types.xml_text, metavar="SIG",
                        help=f"the signature alone (the value of {SIGNATURE_HEADER})")
    verify.set_defaults(handler=_verify)

    sign = subparser(
        webhook_commands, "sign", "pixelz webhook sign",
        help="sign a body (stdin) as Pixelz would, to test a receiver",
        description=help_text(
            "Print the signature of a body read from stdin: the base64 HMAC-SHA256 of its "
            f"bytes under the secret, the value Pixelz sends in {SIGNATURE_HEADER}. "
            "For testing a receiver of your own."),
        epilog=_SIGN_EXAMPLES,
    )
    _secret_option(sign)
    sign.set_defaults(handler=_sign)

    listen = subparser(
        webhook_commands, "listen", "pixelz webhook listen",
        help="receive callbacks on a local port and print each verified one",
        description=help_text(
            "Serve a callback receiver over HTTP in the foreground: verified "
            "callbacks are printed as JSON lines, others refused."),
        epilog=_LISTEN_EXAMPLES,
    )
    listen.add_argument("--host", default=DEFAULT_HOST, type=types.xml_text, metavar="H",
                        help=f"the address to listen on (default {DEFAULT_HOST}: this machine "
                        "only)")
    listen.add_argument("--port", required=True, type=types.port, metavar="N",
                        help="the port to listen on (0 picks a free one, shown on stderr)")
    _secret_option(listen)
    listen.add_argument("--count", type=types.count("a number of callbacks (1 or more)",
                                                    lower=1), metavar="N",
                        help="stop after this many verified callbacks (default: serve until "
                        "Ctrl-C)")
    listen.set_defaults(handler=_listen)


def _secret(args: argparse.Namespace) -> str:
    value = os.environ.get(args.secret_env, "")
    if not value:
        raise UsageError(f"--secret-env: the environment variable {args.secret_env} is not "
                         "set (or empty)", args.prog)
    add_secret(value)
    return value


def event_dict(event: CallbackEvent) -> dict[str, object]:
    """The JSON form of a verified callback: its fields, and ``raw``, the whole body."""
    return {
        "image_ticket": str(event.image_ticket),
        "processed_image_url": event.processed_image_url,
        "template_id": event.template_id,
        "raw": dict(event.raw),
    }


def _print_event(event: CallbackEvent) -> None:
    sys.stdout.write(json_line(event_dict(event)) + "\n")
    sys.stdout.flush()


def _read_body() -> bytes:
    """stdin's bytes as they are (a callback body is signed byte for byte)."""
    if isatty(sys.stdin):
        stderr_line("reading the callback body from stdin; end it with Ctrl-D")
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")


# -- sign and verify ------------------------------------------------------------------------


def _sign(args: argparse.Namespace) -> int:
    from . import webhooks

    secret = _secret(args)
    signature = webhooks.sign(_read_body(), secret)
    configure_stdout("text")
    sys.stdout.write(signature + "\n")
    sys.stdout.flush()
    return EXIT_OK



def _verify(args: argparse.Namespace) -> int:
    from . import webhooks

    secret = _secret(args)
    headers: list[tuple[str, str]] = list(args.headers)
    if args.signature is not None:
        headers.append((SIGNATURE_HEADER, args.signature))
    if not webhooks._signatures(headers):  # the header names verify() accepts
        raise UsageError(f"no signature: give --signature SIG, or --header "
                         f"'{SIGNATURE_HEADER}: SIG' as the callback carried it", args.prog)
    body = _read_body()
    if not webhooks.verify(body, headers, secret):
        return fail(f"invalid signature: the body was not signed with the secret in "
                    f"{args.secret_env} (or was changed on the way)")
    content_type = next((value for name, value in headers if name.lower() == "content-type"),
                        None)
    try:
        event = webhooks.parse(body, content_type)
    except WebhookError as exc:  # signed, but not a callback pixelz can read: not a usage error
        return fail(f"the signature is valid, but {exc}")
    configure_stdout("ndjson")
    _print_event(event)
    return EXIT_OK


# -- listen -----------------------------------------------------------------------------------


def _listen(args: argparse.Namespace) -> int:
    from . import webhooks

    secret = _secret(args)
    configure_stdout("ndjson")
    received = 0

    def handler(event: CallbackEvent) -> None:
        nonlocal received
        _print_event(event)
        received += 1

    app = _reporting(webhooks.app(secret, handler))
    state = _State()
    try:
        server = _server(args.host, args.port, app, state)
    except OSError as exc:
        return fail(f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}")
    with server, _ctrl_c_between_requests(state):
        host, port = str(server.server_address[0]), server.server_port
        shown = f"[{host}]" if ":" in host else host
        until = (f"stops after {plural(args.count, 'callback')} or Ctrl-C"
                 if args.count else "Ctrl-C to stop")
        stderr_line(f"listening on http://{shown}:{port}/ for callbacks signed with the "
                    f"secret in {args.secret_env}; {until}")
        try:
            while args.count is None or received < args.count:
                server.handle_request()
        except KeyboardInterrupt:
            stderr_line(f"stopped: {plural(received, 'callback')} received")
            return EXIT_OK
    stderr_line(f"done: {plural(received, 'callback')} received")
    return EXIT_OK


def _reporting(app: WSGIApplication) -> WSGIApplication:
    """``app``, with one line on stderr for each request it refuses (its status and why)."""

    def wrapper(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen: list[str] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None
                  ) -> Callable[[bytes], object]:
            seen.append(status)
            return start_response(status, headers, exc_info)

        body = b"".join(app(environ, start))  # a few bytes: the app's own short answers
        status = seen[-1] if seen else "500 Internal Server Error"
        if not status.startswith("2"):
            why = body.decode("utf-8", "replace").strip()
            request = f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO') or '/'}"
            stderr_line(f"refused {neutralize(request)} from {environ.get('REMOTE_ADDR', '?')}: "
                        f"{status}" + (f" ({neutralize(why)})" if why else ""))
        return [body]

    return wrapper


class _State:
    """Whether a request is being answered, and whether Ctrl-C came meanwhile."""

    def __init__(self) -> None:
        self.busy = False
        self.interrupted = False


@contextlib.contextmanager
def _ctrl_c_between_requests(state: _State) -> Iterator[None]:
    """Ctrl-C while a request is being answered takes effect once it is answered: wsgiref
    catches any exception raised inside a request, KeyboardInterrupt included, prints a
    traceback and serves on. Left alone where SIGINT is ignored (a background job) or
    handled by someone else, and off the main thread."""
    import signal  # (only this command needs it: not loaded at every start)

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return

    def on_sigint(signum: int, frame: Any) -> None:
        if not state.busy:
            raise KeyboardInterrupt
        state.interrupted = True

    try:
        signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _server(host: str, port: int, app: WSGIApplication, state: _State) -> WSGIServer:
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Handler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            """No access log: stdout is for events, stderr for refusals."""

        def log_message(self, format: str, *args: Any) -> None:
            stderr_line(f"{self.address_string()}: {format % args}")

    class Server(WSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

        def process_request(self, request: Any, client_address: Any) -> None:
            state.busy = True
            try:
                super().process_request(request, client_address)
            finally:
                state.busy = False
            if state.interrupted:
                raise KeyboardInterrupt

    server = make_server(host, port, app, server_class=Server, handler_class=Handler)
    server.timeout = None  # handle_request blocks until a request (or Ctrl-C)
    return server

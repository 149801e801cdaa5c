"""``pixelz webhook verify`` (a body on stdin against its signature) and ``pixelz webhook listen``
(a wsgiref server printing verified callbacks): in-process, with the server's requests sent
from a helper thread; one real process for Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import pixelz.webhooks
from pixelz import _cli_webhook

from .conftest import REPO, Run, Stream, clean_env

SECRET = "whsec-9b1d4f-never-print-me"
ENV = clean_env(False, PIXELZ_WEBHOOK_SECRET=SECRET)
TICKET = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
BODY = json.dumps({"imageTicket": TICKET, "processedImageURL": "https://cdn.example/f/a.png",
                   "templateId": 101}).encode()
SIGNATURE = pixelz.webhooks.sign(BODY, SECRET)
EVENT = {"image_ticket": TICKET, "processed_image_url": "https://cdn.example/f/a.png",
         "template_id": "101", "raw": json.loads(BODY)}
VERIFY = ["webhook", "verify", "--secret-env", "PIXELZ_WEBHOOK_SECRET"]
LISTEN = ["webhook", "listen", "--port", "0", "--secret-env", "PIXELZ_WEBHOOK_SECRET"]


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


def _stdin(body: bytes) -> Stream:
    stream = Stream()
    stream.buffer.write(body)  # type: ignore[attr-defined]
    stream.buffer.seek(0)  # type: ignore[attr-defined]
    return stream


# -- verify -----------------------------------------------------------------------------------


def test_a_valid_signature_prints_the_event(cli: Run) -> None:
    result = cli(*VERIFY, "--signature", SIGNATURE, stdin=_stdin(BODY), env=ENV)
    assert result.returncode == 0, result
    assert json.loads(result.stdout) == EVENT
    assert result.stdout.count("\n") == 1  # one JSON line
    assert result.stderr == ""


def test_headers_as_received(cli: Run) -> None:
    form = urllib.parse.urlencode({"ImageTicket": TICKET, "FinalImageURL": "https://x/y.png"})
    result = cli(*VERIFY, "--header", f"http_x_rtb_customer_hmac_sha256: "
                 f"{pixelz.webhooks.sign(form, SECRET)}",
                 "--header", "Content-Type: application/x-www-form-urlencoded",
                 stdin=_stdin(form.encode()), env=ENV)
    assert result.returncode == 0, result
    event = json.loads(result.stdout)
    assert event["image_ticket"] == TICKET and event["processed_image_url"] == "https://x/y.png"


def test_a_changed_body_is_invalid(cli: Run) -> None:
    result = cli(*VERIFY, "--signature", SIGNATURE, stdin=_stdin(BODY + b" "), env=ENV)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == [
        "pixelz: error: invalid signature: the body was not signed with the secret in "
        "PIXELZ_WEBHOOK_SECRET (or was changed on the way)"
    ]


def test_another_secret_is_invalid_and_never_shown(cli: Run) -> None:
    other = pixelz.webhooks.sign(BODY, "another-secret")
    result = cli(*VERIFY, "--header", f"X-RTB-Partner-HMAC-SHA256: {other}",
                 stdin=_stdin(BODY), env=ENV)
    assert result.returncode == 1
    _no_secret(result.stdout, result.stderr)


def test_a_signed_body_that_is_not_a_callback(cli: Run) -> None:
    body = b'{"status": "delivered"}'
    result = cli(*VERIFY, "--signature", pixelz.webhooks.sign(body, SECRET),
                 stdin=_stdin(body), env=ENV)
    assert result.returncode == 1
    assert result.stderr_lines == [
        "pixelz: error: the signature is valid, but the callback has no imageTicket field"
    ]


def test_a_signature_is_required(cli: Run) -> None:
    result = cli(*VERIFY, "--header", "Content-Type: application/json", stdin=_stdin(BODY),
                 env=ENV)
    assert result.returncode == 2
    assert result.stderr_lines == [
        "pixelz: error: no signature: give --signature SIG, or --header "
        "'X-RTB-Partner-HMAC-SHA256: SIG' as the callback carried it",
        "pixelz: run 'pixelz webhook verify --help' for the options and examples",
    ]


def test_a_header_is_name_colon_value(cli: Run) -> None:
    result = cli(*VERIFY, "--header", "X-RTB-Partner-HMAC-SHA256 abc", env=ENV)
    assert result.returncode == 2
    assert result.stderr_lines[0] == (
        "pixelz: error: --header: expected a header written 'Name: value', such as "
        "'X-RTB-Partner-HMAC-SHA256: <signature>'"
    )


@pytest.mark.parametrize("command", [[*VERIFY, "--signature", "x"], LISTEN,
                                     ["webhook", "sign", "--secret-env",
                                      "PIXELZ_WEBHOOK_SECRET"]])
def test_the_secret_variable_must_be_set(cli: Run, command: list[str]) -> None:
    result = cli(*command, env=clean_env(False, PIXELZ_WEBHOOK_SECRET=""))
    assert result.returncode == 2
    assert result.stderr_lines[0] == (
        "pixelz: error: --secret-env: the environment variable PIXELZ_WEBHOOK_SECRET is not "
        "set (or empty)"
    )


def test_the_secret_itself_is_not_an_option_value(cli: Run) -> None:
    result = cli("webhook", "verify", "--secret-env", SECRET, "--signature", "x", env=ENV)
    assert result.returncode == 2
    assert "expected the name of an environment variable" in result.stderr
    _no_secret(result.stderr)


def test_a_terminal_on_stdin_is_told_how_to_end(cli: Run) -> None:
    stdin = _stdin(BODY)
    stdin.isatty = lambda: True  # type: ignore[method-assign]
    result = cli(*VERIFY, "--signature", SIGNATURE, stdin=stdin, env=ENV)
    assert result.returncode == 0
    assert result.stderr_lines == [
        "pixelz: reading the callback body from stdin; end it with Ctrl-D"
    ]


# -- sign ---------------------------------------------------------------------------------------


def test_sign_prints_what_verify_accepts(cli: Run) -> None:
    signed = cli("webhook", "sign", "--secret-env", "PIXELZ_WEBHOOK_SECRET", stdin=_stdin(BODY),
                 env=ENV)
    assert signed.returncode == 0
    assert signed.stdout == f"{SIGNATURE}\n"
    checked = cli(*VERIFY, "--signature", signed.stdout.strip(), stdin=_stdin(BODY), env=ENV)
    assert checked.returncode == 0
    _no_secret(signed.stdout, signed.stderr)


# -- listen -----------------------------------------------------------------------------------


def _listening(monkeypatch: pytest.MonkeyPatch,
               client: Callable[[str], object]) -> dict[str, Any]:
    """Run ``client(base_url)`` on a helper thread once ``webhook listen`` is serving."""
    seen: dict[str, Any] = {}
    real = _cli_webhook._server

    def server(host: str, port: int, app: Any, state: Any) -> Any:
        made = real(host, port, app, state)
        base_url = f"http://127.0.0.1:{made.server_port}/pixelz"

        def run() -> None:
            try:
                seen["result"] = client(base_url)
            except BaseException as exc:  # shown by the test
                seen["error"] = exc

        seen["thread"] = threading.Thread(target=run, daemon=True)
        seen["thread"].start()
        return made

    monkeypatch.setattr(_cli_webhook, "_server", server)
    return seen


def _post(base_url: str, body: bytes = BODY, signature: str = SIGNATURE) -> int:
    headers = {"Content-Type": "application/json", "X-RTB-Partner-HMAC-SHA256": signature}
    return httpx.post(base_url, content=body, headers=headers, timeout=10).status_code


def test_listen_prints_verified_events_and_refuses_the_rest(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def send(base_url: str) -> list[int]:
        return [
            _post(base_url),
            _post(base_url, signature=pixelz.webhooks.sign(BODY, "guessed")),
            httpx.get(base_url, timeout=10).status_code,
            _post(base_url, body=b"{}", signature=pixelz.webhooks.sign(b"{}", SECRET)),
            _post(base_url),
        ]

    seen = _listening(monkeypatch, send)
    result = cli(*LISTEN, "--count", "2", env=ENV)
    seen["thread"].join(10)
    assert "error" not in seen, seen.get("error")
    assert seen["result"] == [204, 401, 405, 400, 204]
    assert result.returncode == 0, result
    assert [json.loads(line) for line in result.stdout.splitlines()] == [EVENT, EVENT]
    banner, *refused, done = result.stderr_lines
    assert banner.startswith("pixelz: listening on http://127.0.0.1:")
    assert banner.endswith("/ for callbacks signed with the secret in PIXELZ_WEBHOOK_SECRET; "
                           "stops after 2 callbacks or Ctrl-C")
    assert refused == [
        "pixelz: refused POST /pixelz from 127.0.0.1: 401 Unauthorized (invalid signature)",
        "pixelz: refused GET /pixelz from 127.0.0.1: 405 Method Not Allowed (POST a callback "
        "here)",
        "pixelz: refused POST /pixelz from 127.0.0.1: 400 Bad Request (the callback has no "
        "imageTicket field)",
    ]
    assert done == "pixelz: done: 2 callbacks received"
    _no_secret(result.stdout, result.stderr)


def test_a_malformed_request_is_one_line(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def send(base_url: str) -> int:
        port = int(base_url.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"NONSENSE\r\n\r\n")
            raw.recv(1024)
        return _post(base_url)

    seen = _listening(monkeypatch, send)
    result = cli(*LISTEN, "--count", "1", env=ENV)
    seen["thread"].join(10)
    assert seen["result"] == 204
    assert result.stderr_lines[1] == (
        "pixelz: 127.0.0.1: code 400, message Bad request syntax ('NONSENSE')"
    )


def test_ctrl_c_stops_listening_cleanly(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    main = threading.main_thread().ident
    assert main is not None

    def send(base_url: str) -> int:
        code = _post(base_url)
        signal.pthread_kill(main, signal.SIGINT)  # as Ctrl-C would, while it waits
        return code

    seen = _listening(monkeypatch, send)
    result = cli(*LISTEN, env=ENV)
    seen["thread"].join(10)
    assert seen["result"] == 204
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr_lines[-1] == "pixelz: stopped: 1 callback received"
    assert result.stderr_lines[0].endswith("; Ctrl-C to stop")


def test_ctrl_c_while_answering_stops_once_answered(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # wsgiref would catch a KeyboardInterrupt raised inside a request, print a traceback
    # and serve on: the command lets the request finish, then stops
    real = _cli_webhook._print_event
    finished = threading.Event()

    def print_then_ctrl_c(event: Any) -> None:
        real(event)
        signal.raise_signal(signal.SIGINT)

    def send(base_url: str) -> int:
        code = _post(base_url)
        if not finished.wait(5):  # still serving: stop it, the test has failed already
            signal.pthread_kill(main, signal.SIGINT)
        return code

    main = threading.main_thread().ident
    assert main is not None
    monkeypatch.setattr(_cli_webhook, "_print_event", print_then_ctrl_c)
    seen = _listening(monkeypatch, send)
    result = cli(*LISTEN, env=ENV)
    finished.set()
    seen["thread"].join(10)
    assert seen["result"] == 204
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr_lines[1:] == ["pixelz: stopped: 1 callback received"]


def test_a_port_in_use_is_one_line(cli: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("webhook", "listen", "--port", str(port), "--secret-env",
                     "PIXELZ_WEBHOOK_SECRET", env=ENV)
    assert result.returncode == 1
    assert result.stderr_lines == [
        f"pixelz: error: cannot listen on 127.0.0.1 port {port}: Address already in use"
    ]


@pytest.mark.parametrize(("options", "message"), [
    (["--port", "65536"], "--port: expected a port number from 0 to 65535 (0 picks a free "
     "one), got '65536'"),
    (["--port", "0", "--count", "0"], "--count: expected a number of callbacks (1 or more), "
     "got '0'"),
    ([], "missing --port"),
])
def test_listen_usage_errors(cli: Run, options: list[str], message: str) -> None:
    result = cli("webhook", "listen", "--secret-env", "PIXELZ_WEBHOOK_SECRET", *options,
                 env=ENV)
    assert result.returncode == 2
    assert result.stderr_lines[0] == f"pixelz: error: {message}"


# -- a real process --------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXELZ_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PIXELZ_WEBHOOK_SECRET"] = SECRET
    proc = subprocess.Popen([sys.executable, "-m", "pixelz", *LISTEN], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, cwd=REPO)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGINT")
def test_the_command_serves_until_interrupted(listener: subprocess.Popen[str]) -> None:
    assert listener.stderr is not None
    banner = listener.stderr.readline()
    base_url = banner.split()[3]
    assert base_url.startswith("http://127.0.0.1:"), banner
    assert _post(base_url) == 204
    assert _post(base_url, signature="forged") == 401
    listener.send_signal(signal.SIGINT)
    out, err = listener.communicate(timeout=15)
    assert listener.returncode == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [EVENT]
    assert err.splitlines() == [
        "pixelz: refused POST / from 127.0.0.1: 401 Unauthorized (invalid signature)",
        "pixelz: stopped: 1 callback received",
    ]
    _no_secret(banner, out, err)

"""A submission with your own image id lands at most once, even when the answer is lost.

A proxy on loopback forwards the submission to the emulator, waits for the emulator's
answer (so the image is queued), then drops the client's connection without a word. The
client cannot know whether the image was queued; it looks the id up, finds the image, and
returns it without resending. The same on every protocol each operation allows.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

import pixelz
from pixelz.emulator import Emulator


class _Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: tuple[str, int], drop: str) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream = upstream
        self.drop = drop  # the first request naming this operation loses its answer
        self.dropped = 0
        self.lock = threading.Lock()


def _closing(message: bytes) -> bytes:
    """``message`` (a request or an answer) with ``Connection: close``: one exchange per
    connection, so the client never reuses one that the proxy is closing."""
    head, _, body = message.partition(b"\r\n\r\n")
    head = b"\r\n".join(line for line in head.split(b"\r\n")
                        if not line.lower().startswith(b"connection:"))
    return head + b"\r\nConnection: close\r\n\r\n" + body


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += sock.recv(65536)
    # One request per upstream connection: the answer ends when the emulator closes.
    return _closing(head + b"\r\n\r\n" + body)


class _Forward(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: _Proxy = self.server  # type: ignore[assignment]
        request = _read_request(self.request)
        if not request:
            return
        with socket.create_connection(server.upstream) as upstream:
            upstream.sendall(request)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        with server.lock:
            drop = server.drop.encode() in request and not server.dropped
            server.dropped += drop
        if not drop:
            self.request.sendall(_closing(answer))
        self.request.close()  # dropped: the client gets no answer at all


def _submissions(emulator: Emulator, operation: str) -> int:
    """The submissions the emulator logged. It logs a request once its answer is written,
    which may be just after the proxy has read it: wait a moment for the entry."""
    deadline = time.monotonic() + 5
    while True:
        count = len([e for e in emulator.log.entries if e.operation == operation])
        if count or time.monotonic() > deadline:
            return count
        time.sleep(0.01)


@pytest.fixture
def proxy(pixelz_emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[_Proxy]:
    host, port = pixelz_emulator.base_url.split("//")[1].split("/")[0].split(":")
    server = _Proxy((host, int(port)), request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


CASES = [
    ("AddStackImageToQueue", protocol) for protocol in pixelz.Protocol
] + [("AddImageToQueue", pixelz.Protocol.SOAP11), ("AddImageToQueue", pixelz.Protocol.SOAP12)]


@pytest.mark.parametrize(("proxy", "protocol"), CASES, indirect=["proxy"],
                         ids=[f"{op}-{p.value}" for op, p in CASES])
def test_a_lost_answer_does_not_queue_the_image_twice(
    proxy: _Proxy, pixelz_emulator: Emulator, protocol: pixelz.Protocol
) -> None:
    email, key = pixelz_emulator.credentials
    base_url = f"http://127.0.0.1:{proxy.server_address[1]}/soap.asmx"
    with pixelz.Client(email, key, base_url=base_url, protocols=protocol,
                       max_retries=2) as client:
        template = client.list_templates()[0].template_id
        submit = client.submit_stack_image if proxy.drop == "AddStackImageToQueue" \
            else client.submit_image
        image = submit("https://img.example.com/shoe.jpg", template_id=template,
                       developer_api_key="dev-key", colorway_ids=[5, 8],
                       customer_image_id="lost-answer-1")
        assert proxy.dropped == 1
        found = client.get_image_status(customer_image_id="lost-answer-1")
        assert image.image_ticket == found.image_ticket and found.status_id == 10
        queued = [i for i in client.iter_images() if i.customer_image_id == "lost-answer-1"]
    assert len(queued) == 1
    assert _submissions(pixelz_emulator, proxy.drop) == 1  # looked up, not resent


@pytest.mark.parametrize("proxy", ["AddStackImageToQueue"], indirect=True)
def test_without_an_id_the_lost_answer_is_reported(
    proxy: _Proxy, pixelz_emulator: Emulator
) -> None:
    email, key = pixelz_emulator.credentials
    base_url = f"http://127.0.0.1:{proxy.server_address[1]}/soap.asmx"
    with pixelz.Client(email, key, base_url=base_url, max_retries=2) as client:
        template = client.list_templates()[0].template_id
        with pytest.raises(pixelz.OutcomeUnknownError) as caught:
            client.submit_stack_image("https://img.example.com/shoe.jpg", template_id=template,
                                      developer_api_key="dev-key", colorway_ids=[5])
    assert caught.value.protocol is pixelz.Protocol.SOAP11
    assert _submissions(pixelz_emulator, proxy.drop) == 1

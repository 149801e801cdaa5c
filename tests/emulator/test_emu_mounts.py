"""Mounting: WSGI, ASGI, the loopback server, the pytest fixtures and the ``emulator`` command."""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from pixelz.emulator import IN_PROCESS_BASE_URL, Emulator, _command, serve
from pixelz.models import Protocol

from ._helpers import request


def test_wsgi_mount() -> None:
    emu = Emulator(images=10)
    transport = httpx.WSGITransport(app=emu.wsgi_app)
    assert emu.base_url == IN_PROCESS_BASE_URL
    with httpx.Client(transport=transport, base_url="http://pixelz-emulator") as client:
        assert all(request(client, p).status_code == 200 for p in Protocol)


def test_asgi_mount() -> None:
    emu = Emulator(images=10, latency=0.01)

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=emu.asgi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:
            form = {
                "contactEmail": emu.contact_email,
                "contactAPIkey": emu.contact_api_key,
                "imageTicket": str(emu.dataset[0].ImageTicket),
                "customerImageId": "",
            }
            responses = await asyncio.gather(
                client.post("/soap.asmx/GetImageStatus", data=form),
                client.get("/soap.asmx/GetImageStatus", params=form),
                client.get("/soap.asmx", params={"WSDL": ""}),
            )
            return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200, 200, 200]
    assert emu.log.count() == 3


def test_asgi_lifespan() -> None:
    emu = Emulator(images=1)
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    asyncio.run(emu.asgi_app({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_real_server_keep_alive_and_stop() -> None:
    with serve(images=20) as emu:
        assert emu.base_url.startswith("http://127.0.0.1:") and emu.base_url.endswith("/soap.asmx")
        with httpx.Client(base_url=emu.base_url.removesuffix("/soap.asmx")) as client:
            for protocol in Protocol:
                assert request(client, protocol).status_code == 200
            assert client.get("/soap.asmx?WSDL").status_code == 200
            assert client.head("/soap.asmx?WSDL").content == b""
        port = int(emu.base_url.split(":")[2].split("/")[0])
        # one raw keep-alive connection carries two requests
        with socket.create_connection(("127.0.0.1", port)) as sock:
            request_bytes = b"GET /soap.asmx?wsdl HTTP/1.1\r\nHost: x\r\n\r\n"
            sock.sendall(request_bytes + request_bytes)
            received = b""
            deadline = time.monotonic() + 5
            while received.count(b"</wsdl:definitions>") < 2 and time.monotonic() < deadline:
                received += sock.recv(65536)
            assert received.count(b"HTTP/1.1 200 OK") == 2
        # errors close the connection, as Mono's listener does
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /soap.asmx HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            assert received.startswith(b"HTTP/1.1 415 ")
            assert b"\r\nConnection: close\r\n" in received
    assert not emu.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/soap.asmx?wsdl")


def test_real_server_chunked_body_and_latency() -> None:
    with serve(images=5, latency=0.02) as emu:
        from ._helpers import envelope, full_values

        body = envelope(Protocol.SOAP11, "GetImagesList", full_values("GetImagesList"))

        def chunks() -> object:
            yield body[:50]
            yield body[50:]

        started = time.perf_counter()
        response = httpx.post(
            emu.base_url,
            content=chunks(),
            headers={"Content-Type": "text/xml"},  # type: ignore[arg-type]
        )
        assert response.status_code == 200
        assert time.perf_counter() - started >= 0.02


def test_stop_closes_idle_keep_alive_connections() -> None:
    emu = Emulator(images=1)
    emu.start()
    client = httpx.Client()
    assert client.get(emu.base_url + "?wsdl").status_code == 200
    emu.stop()
    emu.stop()  # idempotent
    with pytest.raises(httpx.TransportError):
        client.get(emu.base_url.replace("soap.asmx", "x"))
    client.close()


def test_fixture(pixelz_emulator: Emulator) -> None:
    email, key = pixelz_emulator.credentials
    assert (email, key) == ("demo@example.com", "demo-api-key")
    pixelz_emulator.config.enabled_protocols = frozenset({Protocol.SOAP11})
    with httpx.Client(base_url=pixelz_emulator.base_url.removesuffix("/soap.asmx")) as client:
        assert request(client, Protocol.SOAP11).status_code == 200
        assert request(client, Protocol.SOAP12).status_code == 500
    assert pixelz_emulator.log.count() == 2 and len(pixelz_emulator.dataset) == 250


def test_shared_fixture_resets_knobs(pixelz_emulator_shared: Emulator) -> None:
    assert pixelz_emulator_shared.config.latency == 0.0
    assert len(pixelz_emulator_shared.log) == 0
    pixelz_emulator_shared.config.latency = 5.0  # the next user gets it reset


def test_shared_fixture_resets_knobs_again(pixelz_emulator_shared: Emulator) -> None:
    assert pixelz_emulator_shared.config.latency == 0.0


def test_plugin_registers_with_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            """
            import httpx

            def test_it(pixelz_emulator):
                r = httpx.get(pixelz_emulator.base_url + "?WSDL")
                assert r.status_code == 200
            """
        )
    )
    result = subprocess.run(
        # No "-p": the installed package's pytest11 entry point registers the plugin.
        [sys.executable, "-m", "pytest", "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    _command.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_command_arguments(tmp_path: Path) -> None:
    from pixelz.emulator import dump_json, generate_dataset
    from pixelz.emulator.dataset import demo_dataset

    argv = ["--port", "0", "--images", "12", "--seed", "3", "--disable", "soap12,http_get",
            "--block", "http_post", "--latency", "250", "--fail-rate", "0.25",
            "--errors", "local", "--contact-email", "e@x", "--contact-api-key", "k"]  # fmt: skip
    args = _args(*argv)
    emu = _command.build(args)
    cfg = emu.config
    assert cfg.enabled_protocols == {Protocol.SOAP11, Protocol.HTTP_POST}
    assert cfg.blocked_protocols == {Protocol.HTTP_POST}
    assert (cfg.latency, cfg.fail_rate, cfg.errors) == (0.25, 0.25, "local")
    assert emu.credentials == ("e@x", "k") and emu.dataset == demo_dataset(12, 3)
    hard = _command.build(_args("--dataset", "hard-cases", "--images", "12", "--seed", "3"))
    assert hard.dataset == generate_dataset(12, 3)
    path = tmp_path / "data.json"
    path.write_text(dump_json(generate_dataset(4, 9)), encoding="utf-8")
    assert _command.build(_args("--dataset", str(path))).dataset == generate_dataset(4, 9)
    with pytest.raises(SystemExit):
        _args("--disable", "soap13")
    with pytest.raises(SystemExit):
        _args("--fail-rate", "2")


def test_command_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seen: dict[str, int] = {}

    def fake_wait() -> None:
        out = capsys.readouterr().out
        url = out.split("listening on ")[1].split()[0]
        seen["status"] = httpx.get(url + "?WSDL").status_code
        raise KeyboardInterrupt

    monkeypatch.setattr(_command, "_wait", fake_wait)
    assert _command.run(_args("--port", "0")) == 0
    assert seen["status"] == 200
    assert _command.run(_args("--port", "0", "--contact-api-key", "hush")) == 0
    assert "hush" not in capsys.readouterr().out


def test_command_refuses_a_bad_data_set_and_a_taken_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "data.json"
    broken.write_text("[{}]", encoding="utf-8")
    with pytest.raises(SystemExit) as usage:  # a usage error, found while parsing
        _args("--port", "0", "--dataset", str(broken))
    assert usage.value.code == 2
    assert "not a data set file" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert _command.run(_args("--host", "127.0.0.1", "--port", port)) == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in capsys.readouterr().err

"""pixelz.webhooks: signatures checked against hmac computed here, tolerant parsing with
typed errors, and the WSGI app driven in-process through httpx.WSGITransport."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import uuid
from typing import Any

import httpx
import pytest

import pixelz
from pixelz import webhooks
from pixelz.webhooks import CallbackEvent

SECRET = "app-secret-7Qz"
TICKET = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
URL = "https://cdn.example/final/cdc798ef.jpg"
JSON_BODY = json.dumps(
    {"imageTicket": TICKET, "processedImageURL": URL, "templateId": 1234}
).encode()
FORM_BODY = f"imageTicket={TICKET}&processedImageURL={URL}&templateId=1234".encode()


def signature(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# -- verify ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "X-RTB-Partner-HMAC-SHA256",
        "x-rtb-partner-hmac-sha256",
        "X_RTB_PARTNER_HMAC_SHA256",
        "HTTP_X_RTB_PARTNER_HMAC_SHA256",
        "Http-X-Rtb-Partner-Hmac-Sha256",
        "X-RTB-Customer-HMAC-SHA256",
        "HTTP_X_RTB_CUSTOMER_HMAC_SHA256",
    ],
)
def test_verify_accepts_every_header_spelling(name: str) -> None:
    assert webhooks.verify(JSON_BODY, {name: signature(JSON_BODY)}, SECRET)
    assert webhooks.verify(JSON_BODY, [(name, signature(JSON_BODY))], SECRET.encode())
    assert not webhooks.verify(JSON_BODY, {name: signature(JSON_BODY, "other")}, SECRET)


def test_verify_header_containers() -> None:
    sig = signature(FORM_BODY)
    assert webhooks.verify(FORM_BODY, httpx.Headers({"X-RTB-Partner-HMAC-SHA256": sig}), SECRET)
    environ = {"wsgi.input": io.BytesIO(), "HTTP_X_RTB_PARTNER_HMAC_SHA256": sig, "X": 1}
    assert webhooks.verify(FORM_BODY, environ, SECRET)
    assert webhooks.verify(FORM_BODY, [(b"ignored", b"x"), ("X-RTB-Partner-HMAC-SHA256",
                                                             sig.encode())], SECRET)
    # surrounding whitespace and a dropped padding "=" are tolerated
    assert webhooks.verify(FORM_BODY, {"X-RTB-Partner-HMAC-SHA256": f"  {sig.rstrip('=')} "},
                           SECRET)


def test_verify_rejects_tampering_and_missing_signatures() -> None:
    sig = signature(JSON_BODY)
    tampered = JSON_BODY.replace(b"1234", b"1235")
    assert not webhooks.verify(tampered, {"X-RTB-Partner-HMAC-SHA256": sig}, SECRET)
    assert not webhooks.verify(JSON_BODY + b" ", {"X-RTB-Partner-HMAC-SHA256": sig}, SECRET)
    assert not webhooks.verify(JSON_BODY, {}, SECRET)
    assert not webhooks.verify(JSON_BODY, {"X-RTB-Other-HMAC-SHA256": sig}, SECRET)
    assert not webhooks.verify(JSON_BODY, {"X-RTB-Partner-HMAC-SHA256": ""}, SECRET)
    assert not webhooks.verify(JSON_BODY, {"X-RTB-Partner-HMAC-SHA256": "é" * 44}, SECRET)
    hex_digest = hmac.new(SECRET.encode(), JSON_BODY, hashlib.sha256).hexdigest()
    assert not webhooks.verify(JSON_BODY, {"X-RTB-Partner-HMAC-SHA256": hex_digest}, SECRET)
    # one wrong header next to a right one still verifies
    both = [("X-RTB-Customer-HMAC-SHA256", "bogus"), ("X-RTB-Partner-HMAC-SHA256", sig)]
    assert webhooks.verify(JSON_BODY, both, SECRET)


def test_verify_uses_constant_time_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", spy)
    assert webhooks.verify(JSON_BODY, {"X-RTB-Partner-HMAC-SHA256": signature(JSON_BODY)},
                           SECRET)
    assert len(seen) == 1


def test_sign_matches_hmac_and_refuses_an_empty_secret() -> None:
    assert webhooks.sign(JSON_BODY, SECRET) == signature(JSON_BODY)
    for bad in ("", b""):
        with pytest.raises(pixelz.InvalidArgumentError, match="empty"):
            webhooks.verify(JSON_BODY, {"X-RTB-Partner-HMAC-SHA256": signature(b"", "x")}, bad)
    with pytest.raises(pixelz.InvalidArgumentError):
        webhooks.verify({"not": "bytes"}, {}, SECRET)  # type: ignore[arg-type]


# -- parse -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (JSON_BODY, "application/json"),
        (JSON_BODY, "application/json; charset=utf-8"),
        (JSON_BODY, "application/vnd.pixelz+json"),
        (JSON_BODY, None),
        (FORM_BODY, "application/x-www-form-urlencoded"),
        (FORM_BODY, "application/x-www-form-urlencoded; charset=UTF-8"),
        (FORM_BODY, None),
        (FORM_BODY, "text/plain"),
    ],
)
def test_parse_json_and_form(body: bytes, content_type: str | None) -> None:
    event = webhooks.parse(body, content_type)
    assert event == CallbackEvent(uuid.UUID(TICKET), URL, "1234", event.raw)
    assert event.raw["imageTicket"] == TICKET
    with pytest.raises(TypeError):
        event.raw["imageTicket"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    "fields",
    [
        {"image_ticket": TICKET, "processed_image_url": URL, "template_id": "7"},
        {"ImageTicket": TICKET, "ProcessedImageUrl": URL, "TemplateID": "7"},
        {"image-ticket": TICKET, "finalImageURL": URL, "template": "7"},
        {"ticket": f"{{{TICKET.upper()}}}", "url": URL, "templateId": "7"},
    ],
)
def test_parse_tolerates_field_spellings(fields: dict[str, str]) -> None:
    for body, content_type in (
        (json.dumps(fields).encode(), "application/json"),
        ("&".join(f"{k}={v}" for k, v in fields.items()).encode(), None),
    ):
        event = webhooks.parse(body, content_type)
        assert (event.image_ticket, event.processed_image_url, event.template_id) == (
            uuid.UUID(TICKET), URL, "7")


def test_parse_optional_fields_and_repeats() -> None:
    event = webhooks.parse(f"imageTicket={TICKET}&imageTicket=junk&extra=1".encode(),
                           "application/x-www-form-urlencoded")
    assert event.processed_image_url is None and event.template_id is None
    assert event.image_ticket == uuid.UUID(TICKET) and event.raw["extra"] == "1"
    assert webhooks.parse(json.dumps({"imageTicket": TICKET}), "application/json").raw == {
        "imageTicket": TICKET}


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not an object"),
        (b"\xff\xfe", "application/json", "not valid utf-8"),
        (b"a=1&a", "application/x-www-form-urlencoded", "not a valid form"),
        (b"a=%ff", "application/x-www-form-urlencoded", "not a valid form"),
        (b"", None, "no imageTicket"),
        (b"processedImageURL=x", None, "no imageTicket"),
        (b'{"imageTicket": ""}', None, "no imageTicket"),
        (b'{"imageTicket": "nope"}', None, "not a GUID"),
        (b'{"imageTicket": 12}', None, "not a GUID"),
        (json.dumps({"imageTicket": TICKET, "url": 3}).encode(), None, "not text"),
        (json.dumps({"imageTicket": TICKET, "templateId": [1]}).encode(), None, "templateId"),
        (b"[" * 100000, "application/json", "not valid JSON"),
        (b"x", "text/plain; charset=no-such-codec", "not valid no-such-codec"),
    ],
)
def test_parse_malformed_raises_a_typed_error(body: bytes, content_type: str | None,
                                              message: str) -> None:
    with pytest.raises(pixelz.WebhookError, match=message) as info:
        webhooks.parse(body, content_type)
    assert isinstance(info.value, pixelz.PixelzError)
    assert info.value.__cause__ is None


# -- the WSGI app --------------------------------------------------------------------------


class Receiver:
    def __init__(self, fail: bool = False) -> None:
        self.events: list[CallbackEvent] = []
        self.fail = fail

    def __call__(self, event: CallbackEvent) -> None:
        if self.fail:
            raise RuntimeError("database down")
        self.events.append(event)


def client_for(application: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=application),
                        base_url="http://hooks.test")


def test_app_accepts_signed_json_and_form() -> None:
    receiver = Receiver()
    with client_for(webhooks.app(SECRET, receiver)) as http:
        for body, content_type in ((JSON_BODY, "application/json"),
                                   (FORM_BODY, "application/x-www-form-urlencoded")):
            response = http.post("/pixelz", content=body, headers={
                "Content-Type": content_type,
                "X-RTB-Partner-HMAC-SHA256": signature(body),
            })
            assert response.status_code == 204 and response.content == b""
    assert [e.image_ticket for e in receiver.events] == [uuid.UUID(TICKET)] * 2
    assert {e.template_id for e in receiver.events} == {"1234"}


def test_app_rejects_bad_signatures_with_401(caplog: pytest.LogCaptureFixture) -> None:
    receiver = Receiver()
    caplog.set_level(logging.DEBUG)
    with client_for(webhooks.app(SECRET, receiver)) as http:
        unsigned = http.post("/", content=JSON_BODY)
        wrong = http.post("/", content=JSON_BODY,
                          headers={"X-RTB-Customer-HMAC-SHA256": signature(JSON_BODY, "x")})
        tampered = http.post("/", content=JSON_BODY + b"\n",
                             headers={"X-RTB-Partner-HMAC-SHA256": signature(JSON_BODY)})
    assert [r.status_code for r in (unsigned, wrong, tampered)] == [401, 401, 401]
    assert receiver.events == []
    assert SECRET not in caplog.text and signature(JSON_BODY) not in caplog.text


def test_app_answers_400_for_signed_garbage_and_500_when_the_handler_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    garbage = b'{"imageTicket": "nope"}'
    with client_for(webhooks.app(SECRET, Receiver())) as http:
        response = http.post("/", content=garbage, headers={
            "Content-Type": "application/json",
            "X-RTB-Partner-HMAC-SHA256": signature(garbage)})
        assert response.status_code == 400 and b"not a GUID" in response.content
    with client_for(webhooks.app(SECRET.encode(), Receiver(fail=True))) as http:
        response = http.post("/", content=JSON_BODY, headers={
            "X-RTB-Partner-HMAC-SHA256": signature(JSON_BODY)})
        assert response.status_code == 500
    assert "database down" in caplog.text and SECRET not in caplog.text


def test_app_method_size_and_unreadable_bodies() -> None:
    app = webhooks.app(SECRET, Receiver(), max_body_size=64)
    with client_for(app) as http:
        got = http.get("/")
        assert got.status_code == 405 and got.headers["allow"] == "POST"
        big = b"x" * 65
        assert http.post("/", content=big,
                         headers={"X-RTB-Partner-HMAC-SHA256": signature(big)}).status_code == 413
    calls: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        calls.append(status)

    def environ(length: str, data: bytes, **extra: Any) -> dict[str, Any]:
        return {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": length,
                "wsgi.input": io.BytesIO(data),
                "HTTP_X_RTB_PARTNER_HMAC_SHA256": signature(data), **extra}

    for env in (environ("abc", JSON_BODY[:40]),           # a length that is no number
                environ("50", JSON_BODY[:40])):           # fewer bytes than announced
        b"".join(app(env, start_response))
    short = JSON_BODY[:40]
    chunked = environ("", short, **{"wsgi.input_terminated": True})
    b"".join(app(chunked, start_response))                # read to the end: signed, not JSON
    b"".join(app(environ("", b"x" * 100, **{"wsgi.input_terminated": True}), start_response))
    assert calls == ["400 Bad Request", "400 Bad Request", "400 Bad Request",
                     "413 Content Too Large"]


def test_app_never_shows_the_secret() -> None:
    app = webhooks.app(SECRET, Receiver())
    assert SECRET not in repr(app) and "Receiver" in repr(app)
    assert not hasattr(app, "__dict__")
    for bad in ("", b""):
        with pytest.raises(pixelz.InvalidArgumentError) as info:
            webhooks.app(bad, Receiver())
        assert SECRET not in str(info.value)
    with pytest.raises(pixelz.InvalidArgumentError):
        webhooks.app(SECRET, "not callable")  # type: ignore[arg-type]
    event = webhooks.parse(JSON_BODY, "application/json")
    assert SECRET not in repr(event) and "raw" not in repr(event)


def test_pixelz_exposes_the_names_lazily() -> None:
    assert pixelz.webhooks is webhooks and pixelz.CallbackEvent is CallbackEvent
    assert {"webhooks", "CallbackEvent", "WebhookError", "DownloadResult",
            "DownloadError"} <= set(pixelz.__all__)

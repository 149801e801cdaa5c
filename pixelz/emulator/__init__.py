"""An offline emulator of the Pixelz ASMX web service.

It speaks SOAP 1.1, SOAP 1.2, HTTP POST and HTTP GET for every operation of the service (each
on the protocols that can carry it) with the wire behaviour of the real stack, over a seeded
account (images, contact, templates, invoices) that the write operations change, with knobs
for the failures the SDK must survive (disabled or WAF-blocked protocols, latency, 503s, corrupt
bodies, local vs remote error detail). Submitted images move on to Delivered on the emulator's
clock (the ``speed`` knob), get final images the emulator serves itself, and call back the URL
given at submission with a signed POST. Run it as a loopback server (:func:`serve`,
``pixelz emulator``, the ``pixelz_emulator`` pytest fixture) or mount it in-process through
httpx's WSGI/ASGI transports. ``import pixelz`` never imports this package.
"""

from __future__ import annotations

from pixelz.emulator._app import BASE_PATH, Response
from pixelz.emulator._clock import Clock
from pixelz.emulator._emulator import IN_PROCESS_BASE_URL, Emulator, serve
from pixelz.emulator._outbox import CallbackAttempt, CallbackDelivery
from pixelz.emulator.config import (
    DEMO_CALLBACK_SECRET,
    DEMO_CONTACT_API_KEY,
    DEMO_CONTACT_EMAIL,
    EmulatorConfig,
    LogEntry,
    RequestLog,
)
from pixelz.emulator.dataset import (
    Account,
    Record,
    demo_dataset,
    dump_account_json,
    dump_json,
    generate_account,
    generate_dataset,
    load_account_json,
    load_json,
)

__all__ = [
    "BASE_PATH",
    "DEMO_CALLBACK_SECRET",
    "DEMO_CONTACT_API_KEY",
    "DEMO_CONTACT_EMAIL",
    "IN_PROCESS_BASE_URL",
    "Account",
    "CallbackAttempt",
    "CallbackDelivery",
    "Clock",
    "Emulator",
    "EmulatorConfig",
    "LogEntry",
    "Record",
    "RequestLog",
    "Response",
    "demo_dataset",
    "dump_account_json",
    "dump_json",
    "generate_account",
    "generate_dataset",
    "load_account_json",
    "load_json",
    "serve",
]

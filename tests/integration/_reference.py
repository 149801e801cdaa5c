"""Reference ASMX server: a real Mono System.Web.Services stack on loopback, for tests.

The C# sources live in tests/reference_asmx/ (host/AsmxHost.cs: HttpListener + ASP.NET
HttpRuntime; service/Soap.cs: the service; app/: soap.asmx and the two web.config variants).
They are compiled with ``mcs`` on first use into tests/reference_asmx/.build/<hash>/ (cached by
source hash, gitignored). See docs/reference-server.md.

Instances:
  "all"        web.config enables HttpSoap, HttpSoap12, HttpGet, HttpPost(+Localhost); custom
               errors default (RemoteOnly), so loopback callers see full .NET error details.
  "soap-only"  HttpGet/HttpPost/HttpPostLocalhost removed, <customErrors mode="On"/>.

Usage outside pytest (prints the URL, Ctrl-C stops)::

    python tests/integration/_reference.py [all|soap-only] [--port N]
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

from pixelz._operations import GET_IMAGE_STATUS, GET_IMAGES_LIST, NAMESPACE
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

ROOT = Path(__file__).resolve().parents[1] / "reference_asmx"
DATASET_PATH = ROOT / "dataset.json"
ACCOUNT_PATH = ROOT / "account.json"
BUILD_DIR = ROOT / ".build"
HOST_SOURCE = ROOT / "host" / "AsmxHost.cs"
SERVICE_SOURCE = ROOT / "service" / "Soap.cs"
APP_TEMPLATE = ROOT / "app"
WEB_CONFIGS = {
    "all": APP_TEMPLATE / "web.all-protocols.config",
    "soap-only": APP_TEMPLATE / "web.soap-only.config",
}

# The host's default credentials are the emulator's demo ones; parameter names come from
# the SDK's operation specs (the reference tests check the server's WSDL against them).
EMAIL = DEMO_CONTACT_EMAIL
API_KEY = DEMO_CONTACT_API_KEY
START_TIMEOUT = 60.0
LIST_PARAMS = GET_IMAGES_LIST.parameters
STATUS_PARAMS = GET_IMAGE_STATUS.parameters


def params_for(operation: str, **overrides: Any) -> dict[str, Any]:
    """Every parameter of ``operation`` in WSDL order: the demo credentials, the rest empty,
    then ``overrides`` (GET and POST need them all; SOAP reads absent ones as empty)."""
    names = LIST_PARAMS if operation == GET_IMAGES_LIST.name else STATUS_PARAMS
    params: dict[str, Any] = dict.fromkeys(names, "")
    params.update(contactEmail=EMAIL, contactAPIkey=API_KEY)
    params.update(overrides)
    return params


# --------------------------------------------------------------------------- reading answers

# Strict lxml. ``recover=True`` is NOT usable here: libxml2 (2.14) keeps the character of
# ``&#x1;`` in recovery mode, but then silently drops every later predefined entity
# reference in the document (``shoes &amp; bags`` reads "shoes  bags"). Instead, references
# to C0 control characters are swapped (plain bytes.replace, no regex) for references to
# supplementary private-use stand-ins, U+F0000 + code, and swapped back in the text.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
STANDIN = 0xF0000
_CONTROLS = [c for c in range(0x20) if c not in (0x9, 0xA, 0xD)]


def parse_asmx(body: bytes) -> etree._Element:
    """An ASMX answer, read without the SDK's parser: ``&#x1;``-style references, which
    ASMX writes though XML forbids them, come back through :func:`show_control_chars`."""
    for code in _CONTROLS:
        standin = b"&#x%X;" % (STANDIN + code)
        for ref_form in {b"&#x%x;" % code, b"&#x%X;" % code, b"&#x%02X;" % code,
                         b"&#x%02x;" % code, b"&#X%x;" % code, b"&#%d;" % code}:
            body = body.replace(ref_form, standin)
    return etree.fromstring(body, PARSER)


def show_control_chars(text: str) -> str:
    """Text of an element read by :func:`parse_asmx`, control characters restored."""
    return text.translate({STANDIN + code: code for code in _CONTROLS})


class MonoUnavailable(RuntimeError):
    """mono/mcs (or the System.Web assemblies) are not installed."""


# --------------------------------------------------------------------------- data set


def load_dataset(path: Path = DATASET_PATH) -> list[dict[str, Any]]:
    """The records the server serves, as parsed JSON (sorted by Id)."""
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    return sorted(records, key=lambda r: r["Id"])


def load_account(path: Path = ACCOUNT_PATH) -> dict[str, Any]:
    """The contact, templates and invoices the server starts with (parsed account.json)."""
    with open(path, encoding="utf-8") as f:
        account: dict[str, Any] = json.load(f)
    return account


class ExpectedFault(Exception):
    """What the reference service answers with a fault: .message, .code ("Client"/"Server")."""

    def __init__(self, message: str, code: str = "Client") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _digits(value: str) -> bool:
    return value != "" and all("0" <= c <= "9" for c in value)


def _status(value: str, error: str) -> int | None:
    if value == "":
        return None
    if not _digits(value) or int(value) > 2**31 - 1:
        raise ExpectedFault(error)
    return int(value)


def _date(value: str, error: str) -> datetime.date | None:
    if value == "":
        return None
    if (
        len(value) != 10
        or value[4] != "-"
        or value[7] != "-"
        or not _digits(value[:4] + value[5:7] + value[8:])
    ):
        raise ExpectedFault(error)
    try:
        return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        raise ExpectedFault(error) from None


def expected_list(
    records: list[dict[str, Any]],
    *,
    contactEmail: str = EMAIL,
    contactAPIkey: str = API_KEY,
    imageStatus: str = "",
    excludeImageStatus: str = "",
    productId: str = "",
    fromDate: str = "",
    toDate: str = "",
    page: str = "",
    imagesPerPage: str = "",
    sortBy: str = "",
    isDescending: str = "",
    accepted_email: str = EMAIL,
    accepted_key: str = API_KEY,
) -> list[dict[str, Any]]:
    """Python model of GetImagesList (docs/reference-server.md, "Semantics").

    Raises ExpectedFault where the service answers with a fault.
    """
    if contactEmail.upper() != accepted_email.upper() or contactAPIkey != accepted_key:
        raise ExpectedFault("Invalid contact email or API key")
    status = _status(imageStatus, "Invalid imageStatus")
    exclude = _status(excludeImageStatus, "Invalid excludeImageStatus")
    start = _date(fromDate, "Invalid fromDate")
    end = _date(toDate, "Invalid toDate")
    page_no = 1
    if page != "":
        if not _digits(page) or not 1 <= int(page) <= 2**31 - 1:
            raise ExpectedFault("Invalid page")
        page_no = int(page)
    per_page = 50
    if imagesPerPage != "":
        if not _digits(imagesPerPage) or int(imagesPerPage) < 1:
            raise ExpectedFault("Invalid imagesPerPage")
        per_page = min(100, int(imagesPerPage))
    sort = "id"
    if sortBy != "":
        if sortBy.lower() not in ("id", "date", "status"):
            raise ExpectedFault("Invalid sortBy")
        sort = sortBy.lower()
    desc = False
    if isDescending != "":
        if isDescending.lower() not in ("true", "false"):
            raise ExpectedFault("Invalid isDescending")
        desc = isDescending.lower() == "true"
    if productId == "__boom__":
        raise ExpectedFault("Simulated server failure", "Server")

    rows = []
    for r in records:
        created = datetime.date.fromisoformat(r["CreatedDate"])
        if status is not None and r["StatusId"] != status:
            continue
        if exclude is not None and r["StatusId"] == exclude:
            continue
        if productId != "" and r["ProductId"] != productId:
            continue
        if start is not None and created < start:
            continue
        if end is not None and created > end:
            continue
        rows.append(r)
    primary = {
        "id": lambda r: 0,
        "date": lambda r: r["CreatedDate"],
        "status": lambda r: r["StatusId"],
    }[sort]
    rows.sort(key=lambda r: (primary(r), r["Id"]), reverse=desc)
    skip = (page_no - 1) * per_page
    return rows[skip : skip + per_page]


def expected_status(
    records: list[dict[str, Any]],
    *,
    contactEmail: str = EMAIL,
    contactAPIkey: str = API_KEY,
    imageTicket: str = "",
    customerImageId: str = "",
    accepted_email: str = EMAIL,
    accepted_key: str = API_KEY,
) -> dict[str, Any]:
    """Python model of GetImageStatus; raises ExpectedFault."""
    if contactEmail.upper() != accepted_email.upper() or contactAPIkey != accepted_key:
        raise ExpectedFault("Invalid contact email or API key")
    if imageTicket != "":
        hexdigits = "0123456789abcdefABCDEF"
        groups = imageTicket.split("-")
        if [len(g) for g in groups] != [8, 4, 4, 4, 12] or not all(
            c in hexdigits for g in groups for c in g
        ):
            raise ExpectedFault("Invalid imageTicket")
        want = uuid.UUID(imageTicket)
        for r in records:
            if uuid.UUID(r["ImageTicket"]) == want:
                return r
        raise ExpectedFault("Image not found")
    if customerImageId != "":
        for r in records:  # records are in Id order
            if r["CustomerImageId"] == customerImageId:
                return r
        raise ExpectedFault("Image not found")
    raise ExpectedFault("imageTicket or customerImageId is required")


# --------------------------------------------------------------------------- build


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise MonoUnavailable(f"{name} not found on PATH (apt-get install mono-xsp4 mono-mcs)")
    return path


def _sources() -> list[Path]:
    return [HOST_SOURCE, SERVICE_SOURCE, *sorted(APP_TEMPLATE.iterdir())]


def build() -> Path:
    """Compile host and service (cached by source hash); returns the build directory."""
    mono, mcs = _tool("mono"), _tool("mcs")
    digest = hashlib.sha256()
    for src in _sources():
        digest.update(src.name.encode() + b"\0" + src.read_bytes() + b"\0")
    version = subprocess.run(
        [mono, "--version"], capture_output=True, text=True, check=False
    ).stdout
    digest.update(version.splitlines()[0].encode() if version else b"?")
    out = BUILD_DIR / digest.hexdigest()[:16]
    if (out / "AsmxHost.exe").is_file() and (out / "PixelzReferenceService.dll").is_file():
        return out

    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="build-", dir=BUILD_DIR))
    try:
        commands = [
            [
                mcs,
                "-nologo",
                "-target:exe",
                "-out:" + str(tmp / "AsmxHost.exe"),
                "-r:System.Web.dll",
                "-r:Mono.Posix.dll",
                str(HOST_SOURCE),
            ],
            [
                mcs,
                "-nologo",
                "-target:library",
                "-out:" + str(tmp / "PixelzReferenceService.dll"),
                "-r:System.Web.dll",
                "-r:System.Web.Services.dll",
                "-r:System.Xml.dll",
                str(SERVICE_SOURCE),
            ],
        ]
        for cmd in commands:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                output = (proc.stdout + proc.stderr).strip()
                if "System.Web" in output and (
                    "not found" in output or "could not be found" in output
                ):
                    raise MonoUnavailable(f"mcs cannot find System.Web assemblies:\n{output}")
                raise RuntimeError(f"mcs failed ({proc.returncode}):\n{output}")
        try:
            tmp.rename(out)
        except OSError:  # another process won the race
            if not (out / "AsmxHost.exe").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    for stale in BUILD_DIR.iterdir():  # outputs of older sources
        if stale.is_dir() and stale != out and not stale.name.startswith("build-"):
            shutil.rmtree(stale, ignore_errors=True)
    return out


def make_app_dir(instance: str, parent: Path) -> Path:
    """A fresh application directory for one instance: soap.asmx, web.config, bin/."""
    if instance not in WEB_CONFIGS:
        raise ValueError(f"unknown instance {instance!r}; expected one of {sorted(WEB_CONFIGS)}")
    built = build()
    app = Path(tempfile.mkdtemp(prefix=f"asmx-{instance}-", dir=parent))
    (app / "bin").mkdir()
    shutil.copy2(APP_TEMPLATE / "soap.asmx", app / "soap.asmx")
    shutil.copy2(WEB_CONFIGS[instance], app / "web.config")
    for name in ("AsmxHost.exe", "PixelzReferenceService.dll"):
        shutil.copy2(built / name, app / "bin" / name)
    return app


# --------------------------------------------------------------------------- server


def soap11_envelope(op: str, params: dict[str, str]) -> bytes:
    from xml.sax.saxutils import escape

    inner = "".join(f"<{k}>{escape(v)}</{k}>" if v != "" else f"<{k} />" for k, v in params.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><{op} xmlns="{NAMESPACE}">{inner}</{op}></soap:Body></soap:Envelope>'
    ).encode()


class ReferenceServer:
    """One running Mono ASMX host process. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        instance: str = "all",
        *,
        dataset: Path = DATASET_PATH,
        account: Path = ACCOUNT_PATH,
        email: str = EMAIL,
        api_key: str = API_KEY,
        port: int = 0,
        remote_address: str | None = None,
        workdir: Path | None = None,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.instance = instance
        self.dataset = Path(dataset)
        self.account = Path(account)
        self.email = email
        self.api_key = api_key
        self.port = port
        self.remote_address = remote_address
        self.start_timeout = start_timeout
        self._own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="pixelz-asmx-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url: str | None = None
        self.app_dir: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None

    # -- lifecycle
    def start(self) -> str:
        started = time.monotonic()
        self.app_dir = make_app_dir(self.instance, self.workdir)
        self.log_path = self.app_dir.parent / (self.app_dir.name + ".stderr.log")
        env = dict(os.environ)
        env.update(
            PIXELZ_REFERENCE_DATA=str(self.dataset.resolve()),
            PIXELZ_REFERENCE_ACCOUNT=str(self.account.resolve()),
            PIXELZ_REFERENCE_EMAIL=self.email,
            PIXELZ_REFERENCE_KEY=self.api_key,
            # Keep ASP.NET's compilation cache inside our work dir.
            TMPDIR=str(self.workdir),
        )
        cmd = [
            _tool("mono"),
            str(self.app_dir / "bin" / "AsmxHost.exe"),
            str(self.port),
            str(self.app_dir),
        ]
        if self.remote_address:
            cmd += ["--remote-address", self.remote_address]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=str(self.app_dir),
                env=env,
            )
        try:
            line = self._read_ready_line(started + self.start_timeout)
            self.base_url = line.split(" ", 1)[1].strip()
            self.port = int(self.base_url.split(":")[2].split("/")[0])
            self._warm_up(started + self.start_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self.base_url

    def _read_ready_line(self, deadline: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        box: list[bytes] = []
        stdout = self.process.stdout

        def reader() -> None:
            box.append(stdout.readline())
            # Keep draining so the host never blocks on a full pipe.
            for _ in iter(lambda: stdout.read(4096), b""):
                pass

        threading.Thread(target=reader, name="asmx-stdout", daemon=True).start()
        while time.monotonic() < deadline:
            if box:
                line = box[0].decode("utf-8", "replace").strip()
                if line.startswith("LISTENING "):
                    return line
                raise RuntimeError(f"reference server did not start: {line!r}\n{self._log_tail()}")
            if self.process.poll() is not None:
                time.sleep(0.1)
                if box:
                    continue
                raise RuntimeError(
                    f"reference server exited with {self.process.returncode}\n{self._log_tail()}"
                )
            time.sleep(0.05)
        raise TimeoutError(
            f"reference server not ready after {self.start_timeout}s\n{self._log_tail()}"
        )

    def _warm_up(self, deadline: float) -> None:
        """First request compiles the .asmx handler and XmlSerializers: do it once here."""
        import httpx

        params = dict.fromkeys(LIST_PARAMS, "")
        params.update(contactEmail=self.email, contactAPIkey=self.api_key, imagesPerPage="1")
        body = soap11_envelope("GetImagesList", params)
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{NAMESPACE}GetImagesList"',
        }
        last: object = None
        while time.monotonic() < deadline:
            try:
                timeout = max(1.0, deadline - time.monotonic())
                r = httpx.post(self.base_url, content=body, headers=headers, timeout=timeout)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}: {r.text[:500]}"
            except httpx.HTTPError as exc:
                last = exc
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"reference server warm-up failed: {last}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")[-4000:] if self.log_path else ""
        except OSError:
            return ""

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()  # the host exits on stdin EOF
            except OSError:
                pass
            if proc.poll() is None:
                try:
                    proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=10)
            if proc.stdout:
                proc.stdout.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_or_skip(instance: str, **kwargs: Any) -> ReferenceServer:
    """For fixtures: start a server; Mono missing -> pytest.skip (pytest.fail when CI=true)."""
    from .._ci import unavailable

    server = ReferenceServer(instance, **kwargs)
    try:
        server.start()
    except MonoUnavailable as exc:
        server.stop()
        unavailable(f"the reference ASMX server needs Mono: {exc}")
    return server


def _main(argv: Iterable[str]) -> int:
    args = list(argv)
    instance = "all"
    port = 0
    while args:
        a = args.pop(0)
        if a == "--port":
            port = int(args.pop(0))
        else:
            instance = a
    with ReferenceServer(instance, port=port) as server:
        took = server.startup_seconds or 0.0
        print(f"{server.base_url}  (instance {instance}, started in {took:.1f}s; Ctrl-C stops)")
        sys.stdout.flush()
        try:
            while server.process is not None and server.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))

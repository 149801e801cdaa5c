"""The emulator's own copy of the server's rules: stack frames, request validation, limits.

The emulator must not borrow the SDK's private rule code (a bug there would then be mirrored
and hidden); these tests pin the server-side rules as ASP.NET and Mono apply them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import pixelz.emulator
from pixelz._operations import OPERATIONS, Operation
from pixelz.emulator import _faults
from pixelz.emulator._service import (
    INT32_MAX,
    MAX_PER_PAGE,
    ServiceError,
    get_image_status,
    get_images_list,
)
from pixelz.emulator._validation import is_dangerous

from ._helpers import full_values

EMULATOR_DIR = Path(pixelz.emulator.__file__).parent
LIST = OPERATIONS["GetImagesList"]
STATUS = OPERATIONS["GetImageStatus"]

# A frame as Mono prints it: "at Type.Method (signature) [0xIL] in <assembly id>:0 ", or the
# runtime's wrapper frame.
MONO_FRAME = re.compile(
    r"at (?:\(wrapper managed-to-native\) \S+\([^)]*\)"
    r"|[\w.+<>`]+ \([^)]*\) \[0x[0-9a-f]{5}\] in <[0-9a-f]{32}>:0 )"
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_sdk_rule_code_imported() -> None:
    paths = sorted(EMULATOR_DIR.glob("*.py"))
    assert len(paths) > 10
    for path in paths:
        imported = _imports(path)
        sdk_rules = ("pixelz._arguments", "pixelz.transports")
        assert not {n for n in imported if n.startswith(sdk_rules)}, path.name


def test_server_limits() -> None:
    assert (INT32_MAX, MAX_PER_PAGE) == (2_147_483_647, 100)
    values = full_values("GetImagesList", imagesPerPage="101")
    assert len(get_images_list(values, _records(150), *_creds())) == 100
    values = full_values("GetImagesList", page=str(INT32_MAX + 1))
    with pytest.raises(ServiceError, match="Invalid page"):
        get_images_list(values, _records(1), *_creds())


def _creds() -> tuple[str, str]:
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    return DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY


def _records(n: int) -> tuple[pixelz.emulator.Record, ...]:
    return pixelz.emulator.generate_dataset(n, 1)


# -- request validation (CrossSiteScriptingValidation.IsDangerousString) ----------------------


@pytest.mark.parametrize(
    "value",
    ["<x", "a<b", "<Z", "</p>", "<!--", "<?xml", "&#65;", "&#x41;", "ok &#", "< <a", "&<a"],
)
def test_dangerous(value: str) -> None:
    assert is_dangerous(value)


@pytest.mark.parametrize(
    "value",
    ["", "<", "&", "x<", "x&", "a < b", "<1", "<é", "<<", "&amp;", "& #", "&&", "<&> 'q'", "<\n"],
)
def test_not_dangerous(value: str) -> None:
    assert not is_dangerous(value)


# -- stack frames ------------------------------------------------------------------------------


def _frames(fault: _faults.Fault) -> list[str]:
    return _faults.render(fault, "local").split("\n")[1:]


def test_framework_frames_are_mono_frames() -> None:
    tables = [
        _faults.SOAPACTION_NOT_RECOGNIZED,
        _faults.NO_ACTION,
        _faults.ACTION_NOT_RECOGNIZED,
        _faults.METHOD_NAME_INVALID,
        _faults.METHOD_NAME_CASE,
        _faults.REQUEST_FORMAT_INVALID,
        _faults.GET_HANDLER,
        *(f(query) for f in (_faults.missing_parameter, _faults.request_validation)
          for query in (True, False)),
    ]  # fmt: skip
    for frames in tables:
        assert frames and all(MONO_FRAME.fullmatch(frame) for frame in frames), frames
    # The GET and POST readers differ, as Mono's do.
    assert _faults.missing_parameter(True) != _faults.missing_parameter(False)
    assert "get_QueryString" in _faults.request_validation(True)[2]
    assert "get_Form" in _faults.request_validation(False)[2]


def test_local_text_of_a_framework_fault() -> None:
    fault = _faults.framework_fault(_faults.INVALID_OPERATION, "m", _faults.REQUEST_FORMAT_INVALID)
    assert _faults.render(fault, "local") == (
        "System.InvalidOperationException: m\n"
        "  at System.Web.Services.Protocols.HttpServerProtocol.ReadParameters () [0x00104] in "
        "<d474ca33c8e148b29a3d810931f33fcb>:0 \n"
        "  at System.Web.Services.Protocols.WebServiceHandler.CoreProcessRequest () [0x0014d] "
        "in <d474ca33c8e148b29a3d810931f33fcb>:0 "
    )
    assert _faults.render(fault, "remote") == "m"


def test_credentials_fault_as_mono_prints_it() -> None:
    fault = _faults.service_fault(
        STATUS, "Invalid contact email or API key", client=True, soap=True
    )
    frames = _frames(fault)
    assert frames[0].startswith("  at Soap.CheckCredentials (System.String email, System.String ")
    assert frames[1] == (
        "  at Soap.GetImageStatus (System.String contactEmail, System.String contactAPIkey, "
        "System.String imageTicket, System.String customerImageId) [0x00000] in "
        "<5ac018d200b8418da106a22ab093c072>:0 "
    )
    assert "RuntimeMethodInfo.InternalInvoke" in frames[2]
    assert "RuntimeMethodInfo.Invoke" in frames[3] and len(frames) == 4


def test_soap_server_fault_wrapper_has_no_frames_of_its_own() -> None:
    fault = _faults.service_fault(LIST, "Simulated server failure", client=False, soap=True)
    lines = _faults.render(fault, "local").split("\n")
    assert lines[0] == (
        "System.Web.Services.Protocols.SoapException: Server was unable to process request. "
        "---> System.InvalidOperationException: Simulated server failure"
    )
    assert "[0x001c2]" in lines[1]
    assert lines[-1] == "   --- End of inner exception stack trace ---" and len(lines) == 5
    get = _faults.service_fault(LIST, "Simulated server failure", client=False, soap=False)
    assert _faults.render(get, "local").split("\n")[1:] == lines[1:-1]


@pytest.mark.parametrize(
    ("operation", "message", "site", "offset"),
    [
        (LIST, "Invalid imagesPerPage", "digits", "[0x000b0]"),
        (LIST, "Invalid imagesPerPage", "zero", "[0x000d2]"),
        (STATUS, "Image not found", "imageTicket", "[0x000a6]"),
        (STATUS, "Image not found", "customerImageId", "[0x0014c]"),
    ],
)
def test_a_message_thrown_at_two_places(
    operation: Operation, message: str, site: str, offset: str
) -> None:
    frames = _frames(_faults.service_fault(operation, message, client=True, soap=False, site=site))
    assert offset in frames[0] and len(frames) == 3
    # Without the site the place is unknown: no frames rather than the wrong ones.
    assert _frames(_faults.service_fault(operation, message, client=True, soap=False)) == []


def test_unobserved_sites_print_no_frames() -> None:
    assert _frames(_faults.service_fault(LIST, "Some new message", client=True, soap=True)) == []
    assert _frames(_faults.service_fault(STATUS, "Invalid page", client=True, soap=True)) == []


@pytest.mark.parametrize(
    ("values", "site"),
    [({"imagesPerPage": "ten"}, "digits"), ({"imagesPerPage": "000"}, "zero")],
)
def test_service_names_the_site(values: dict[str, str], site: str) -> None:
    with pytest.raises(ServiceError) as raised:
        get_images_list(full_values("GetImagesList", **values), (), *_creds())
    assert (raised.value.message, raised.value.site) == ("Invalid imagesPerPage", site)


@pytest.mark.parametrize(
    ("values", "site"),
    [
        ({"imageTicket": "00000000-0000-0000-0000-000000000000"}, "imageTicket"),
        ({"customerImageId": "no-such-id"}, "customerImageId"),
    ],
)
def test_status_names_the_site(values: dict[str, str], site: str) -> None:
    with pytest.raises(ServiceError) as raised:
        get_image_status(full_values("GetImageStatus", **values), _records(3), *_creds())
    assert (raised.value.message, raised.value.site) == ("Image not found", site)

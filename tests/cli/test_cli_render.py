"""Rendering helpers and the disagreement path of ``compare``, in-process."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

import pixelz
from pixelz import _cli_render as render
from pixelz import cli
from pixelz.compare import ProtocolComparison, ProtocolResult

from .conftest import REPO, Run


def _image(ticket: int, customer: str | None) -> pixelz.ImageStatus:
    return pixelz.ImageStatus(uuid.UUID(int=ticket), customer, "p", "Delivered", 80, True,
                              None, ("u1", "u2"))


def _report(other: str) -> ProtocolComparison:
    def result(protocol: pixelz.Protocol, customer: str | None) -> ProtocolResult:
        page = pixelz.ImagesPage((_image(1, customer),), 1, None, protocol)
        return ProtocolResult(protocol, "ok", None, 0.0012, 321, page)

    blocked = ProtocolResult(pixelz.Protocol.HTTP_GET, "blocked",
                             pixelz.ProtocolBlockedError("403\nblock page", protocol="http_get"),
                             0.002, 999, None)
    return ProtocolComparison((
        result(pixelz.Protocol.SOAP11, "a"),
        result(pixelz.Protocol.SOAP12, other),
        blocked,
    ))


def test_neutralize_keeps_one_line() -> None:
    text = "a\nb\rc\td\x01e\x7f\x85f\u2028g\u202eh"
    shown = cli.neutralize(text)
    assert shown == "a␊b␍c␉d␁e␡\\u0085f\\u2028g\\u202eh"
    assert len(shown.splitlines()) == 1


def test_fit_counts_wide_characters() -> None:
    assert render.cell_width("日本") == 4
    assert render.cell_width("e\u0301") == 1
    assert render.fit("日本語テキスト", 7) == "日本語…"
    assert render.cell_width(render.fit("日本語テキスト", 8)) == 8
    assert render.fit("abc", 5) == "abc  "


def test_compare_table_shows_disagreement() -> None:
    text = render.render_comparison(_report("b"), 200)
    lines = text.splitlines()
    assert lines[1].split()[-1] == "yes" and lines[2].split()[-1] == "no"
    assert lines[3].split()[1:2] == ["blocked"] and lines[3].split()[-2:] == ["-", "-"]
    assert "differences:" in text and "customer_image_id" in text
    assert "403 block page" in text  # the error's newline folded into one line
    assert text.rstrip().endswith("INCONSISTENT: 1 differences")


def test_compare_json_form() -> None:
    data = cli.comparison_dict(_report("a"))
    assert data["consistent"] is True
    assert [r["agrees"] for r in data["results"]] == [True, True, None]
    assert data["results"][2]["records"] is None
    json.dumps(data)


@pytest.mark.parametrize(("other", "code"), [("a", 0), ("b", 1)])
def test_compare_exit_code_follows_agreement(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], other: str, code: int
) -> None:
    monkeypatch.setattr(pixelz.Client, "compare_protocols", lambda self, **kw: _report(other))
    assert cli.main(["--emulator", "compare"]) == code
    out, err = capsys.readouterr()
    assert out.startswith("PROTOCOL")
    assert err == ("" if code == 0 else "pixelz: error: protocols disagree (1 difference)\n")


def test_record_dict_field_order() -> None:
    record = cli.record_dict(_image(2, None))
    assert tuple(record) == cli.FIELDS
    assert record["image_ticket"] == str(uuid.UUID(int=2))
    assert record["final_image_urls"] == ["u1", "u2"]


@pytest.mark.parametrize(
    ("status_id", "name", "cell"),
    [
        (80, "Delivered", "Delivered"),
        (55, None, "(OnHold)"),
        (60, "", "(InProduction)"),
        (99, None, "(no name)"),
        (99, "FutureStatus", "FutureStatus"),
        (80, "Delivered\n", "Delivered␊"),
    ],
)
def test_status_cell_explains_a_missing_name(status_id: int, name: str | None, cell: str) -> None:
    image = pixelz.ImageStatus(uuid.UUID(int=3), "c", "p", name, status_id, False, None, ())
    assert cli.status_cell(image) == cell


def test_details_explain_an_unknown_id_without_a_name() -> None:
    image = pixelz.ImageStatus(uuid.UUID(int=4), "c", "p", "", 99, False, None, ())
    assert "status_name          (an empty name sent; unknown id)\n" in cli.render_details(image)


# -- rich: the command's one extra dependency ----------------------------------------------------


def test_import_pixelz_never_loads_rich() -> None:
    # httpx itself imports rich for its own command line when click is installed: only what
    # pixelz adds on top of that counts.
    code = ("import sys, httpx; before = set(sys.modules); import pixelz, pixelz.cli; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] == 'rich'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out == "[]\n"


def test_without_rich_the_command_says_how_to_install_it(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # as if it were not installed
    result = cli("--emulator", "images", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == [
        "pixelz: error: the pixelz command needs the rich package: pip install 'pixelz[cli]' "
        "(in a checkout: pip install -e '.[cli]')"]


def test_an_old_rich_is_named(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    real = importlib.metadata.version

    def version(name: str) -> str:
        return "12.6.0" if name == "rich" else real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    result = cli("--emulator", "images", "list")
    assert result.returncode == 1
    assert result.stderr_lines == [
        "pixelz: error: the pixelz command needs rich 13 or newer (found 12.6.0): pip install "
        "'pixelz[cli]' (in a checkout: pip install -e '.[cli]')"]


def test_tables_on_a_terminal_are_styled_and_piped_ones_plain(cli: Run) -> None:
    piped = cli("--emulator", "images", "list", "--per-page", "3")
    assert "\x1b" not in piped.stdout
    assert all(line == line.rstrip() for line in piped.stdout.splitlines())
    shown = cli("--emulator", "images", "list", "--per-page", "3", stdout_tty=True)
    assert shown.stdout.startswith("\x1b[1mIMAGE TICKET")  # a bold header
    assert shown.stdout.splitlines()[1:] == piped.stdout.splitlines()[1:]

"""Mono's ``disco`` and ``wsdl`` pointed at the emulator's bare service URL.

Given ``http://HOST/soap.asmx`` these tools read the help page, follow its
``<link rel="alternate" type="text/xml">`` to ``?disco`` and from there the ``contractRef`` to
``?wsdl``, as they do against a real ASMX service. The proxy ``wsdl`` writes is compiled with
``mcs`` and run against the emulator. Without the tools (Debian: ``mono-devel``,
``mono-mcs``) the tests skip, except under ``CI=true``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
from lxml import etree

from pixelz._operations import OPERATIONS
from pixelz.emulator import serve

from .._ci import unavailable
from . import _reference as ref

TIMEOUT = 120


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"Mono's {name} is not installed (apt-get install mono-devel mono-mcs)")
    return path


def _run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _canonical(document: bytes) -> bytes:
    return etree.tostring(etree.fromstring(document), method="c14n")


def test_disco_finds_the_service_description(emulator_server: str, tmp_path: Path) -> None:
    result = _run(_tool("disco"), emulator_server, cwd=tmp_path)
    output = result.stdout + result.stderr
    # disco exits 0 even when it finds nothing: judge by the files it writes.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["results.discomap", "soap.disco", "soap.wsdl"], output
    for name, query in (("soap.wsdl", "?wsdl"), ("soap.disco", "?disco")):
        # disco writes each document again (its own attribute order): compare canonical forms.
        served = httpx.get(emulator_server + query).content
        assert _canonical((tmp_path / name).read_bytes()) == _canonical(served)
    found = {
        (r.get("referenceType").rsplit(".", 1)[-1], r.get("url"), r.get("filename"))
        for r in etree.parse(tmp_path / "results.discomap").iter("DiscoveryClientResult")
    }
    assert found == {
        ("ContractReference", f"{emulator_server}?wsdl", "soap.wsdl"),
        ("DiscoveryDocumentReference", f"{emulator_server}?disco", "soap.disco"),
    }


CLIENT = """
using System;
using System.Web.Services.Protocols;

static class Program
{
    static void Main()
    {
        var service = new Soap();
        var page = service.GetImagesList(
            "%(email)s", "%(key)s", "", "", "", "", "", "1", "3", "id", "false");
        foreach (ImageStatus image in page.Images)
            Console.WriteLine(image.ImageTicket + " " + image.StatusId);
        var one = service.GetImageStatus("%(email)s", "%(key)s", "", "dup-id");
        Console.WriteLine(one.ImageStatus.ImageTicket);
        try
        {
            service.GetImagesList("%(email)s", "wrong", "", "", "", "", "", "", "", "", "");
        }
        catch (SoapException e)
        {
            Console.WriteLine(e.Code.Name + ": " + e.Message);
        }
    }
}
"""


def test_wsdl_writes_a_proxy_that_works(emulator_server: str, tmp_path: Path) -> None:
    wsdl, mcs, mono = _tool("wsdl"), _tool("mcs"), _tool("mono")
    result = _run(wsdl, emulator_server, cwd=tmp_path)
    proxy = tmp_path / "Soap.cs"
    assert proxy.is_file(), result.stdout + result.stderr
    source = proxy.read_text(encoding="utf-8")
    for line in (
        "public partial class Soap : System.Web.Services.Protocols.SoapHttpClientProtocol {",
        f'this.Url = "{emulator_server}";',
        "public ImagesListResponse GetImagesList(string contactEmail, string contactAPIkey, ",
        "public ImageStatusResponse GetImageStatus(string contactEmail, string contactAPIkey, ",
    ):
        assert line in source
    # Every operation is a method of the proxy, in the order of the service description.
    methods = re.findall(r"\n    public (\w+(?:\[\])?) (\w+)\(", source)
    assert [name for _, name in methods if not name.endswith("Async")] == list(OPERATIONS)

    (tmp_path / "Program.cs").write_text(CLIENT % {"email": ref.EMAIL, "key": ref.API_KEY})
    built = _run(
        mcs, "-nologo", "-out:client.exe", "-r:System.Web.Services.dll", "-r:System.Xml.dll",
        "Soap.cs", "Program.cs", cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    ran = _run(mono, "client.exe", cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr

    records = sorted(ref.load_dataset(), key=lambda r: r["Id"])
    dup = min((r for r in records if r["CustomerImageId"] == "dup-id"), key=lambda r: r["Id"])
    assert ran.stdout.splitlines() == [
        *(f"{r['ImageTicket']} {r['StatusId']}" for r in records[:3]),
        dup["ImageTicket"],
        "Client: Invalid contact email or API key",
    ]


ACCOUNT_CLIENT = """
using System;
using System.Web.Services.Protocols;

static class Program
{
    static void Main()
    {
        var service = new Soap();
        string e = "%(email)s", k = "%(key)s";
        var contact = service.GetContactDetailed(e, k).Contact;
        Console.WriteLine(contact.ContactPerson + " " + contact.ContactAccountBalance.Value + " "
            + contact.ContactAccountBalance.Currency);
        var spec = service.GetTemplateSpec(e, k, "101").Template;
        Console.WriteLine(spec.Id + " " + spec.Name + " " + spec.Price.Value);
        Console.WriteLine(service.GetTemplates(e, k).Templates.Length);
        var failed = service.AddTemplate(e, k, "t", "gif", "", "", "", "", "", "", "", "", "",
            "", "", "", "", "", "", "", "", "", "", "", "", "");
        Console.WriteLine(failed.TemplateId + " " + failed.ErrorCode + " " + failed.Message);
        var stacked = service.AddStackImageToQueue(e, k, "dev", "103", "https://example.com/a.jpg",
            "", "", "", "", "", "", "", "", "stack-1", "p", "", "", "", new int[] { 4, 5 });
        Console.WriteLine(stacked.ImageTicket + " " + stacked.CustomerImageId + " "
            + stacked.IsTrial);
        var marker = new MarkerInfo { X = 3, Y = 4 };
        var change = new ColorChangeRequest { colorChangeRequestMarkers = new[] { marker },
            customerImageColorID = "red", outputFileName = "red.jpg" };
        var queued = service.AddImageToQueue(e, k, "dev", "101", "https://example.com/b.jpg",
            "", "", "", "", "", "", new string[0], "", "", "with-colors", "", "", "", "",
            new int[0], new[] { change });
        Console.WriteLine(queued.CustomerImageId);
        var deleted = service.DeleteImageFromQueue(e, k, "", "with-colors");
        Console.WriteLine(deleted.ErrorCode == null && deleted.Message == null);
        Console.WriteLine(service.GetInvoiceList(e, k, "", "", "3", "").Invoices.Length);
        try
        {
            service.DeleteImageFromQueue(e, k, "", "with-colors");
        }
        catch (SoapException x)
        {
            Console.WriteLine(x.Code.Name + ": " + x.Message);
        }
    }
}
"""


def test_the_proxy_calls_the_account_operations(tmp_path: Path) -> None:
    """Array, complex, attribute-carrying and inline results through the generated proxy,
    against an emulator of its own (the calls change its state)."""
    wsdl, mcs, mono = _tool("wsdl"), _tool("mcs"), _tool("mono")
    with serve() as emulator:
        result = _run(wsdl, emulator.base_url, cwd=tmp_path)
        assert (tmp_path / "Soap.cs").is_file(), result.stdout + result.stderr
        email, key = emulator.credentials
        (tmp_path / "Program.cs").write_text(ACCOUNT_CLIENT % {"email": email, "key": key})
        built = _run(
            mcs, "-nologo", "-out:client.exe", "-r:System.Web.Services.dll",
            "-r:System.Xml.dll", "Soap.cs", "Program.cs", cwd=tmp_path,
        )  # fmt: skip
        assert built.returncode == 0, built.stdout + built.stderr
        ran = _run(mono, "client.exe", cwd=tmp_path)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        first_new_id = max(r.Id for r in emulator.dataset) + 1
    assert ran.stdout.splitlines() == [
        "Dana Reviewer 125.50 USD",
        "101 White background 1.450",
        "3",
        "0 InvalidOutputFormat Unsupported output format",
        f"{uuid.uuid5(uuid.NAMESPACE_URL, f'image:{first_new_id}')} stack-1 False",
        "with-colors",
        "True",
        "5",
        "Client: Image not found",
    ]

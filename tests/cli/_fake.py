"""A small stand-in for the service behind respx, for the commands the loopback emulator may
not answer yet: it reads each SOAP 1.1 request, records the operation and its parameters,
and answers from a per-operation table (a SOAP result, a fault, or a page function).

The answers follow the shapes of the service's help pages (the same ones the operation
table reads), with the account of tests/reference_asmx: three templates, a contact with a
balance in USD, invoices, product statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import httpx
from lxml import etree

BASE_URL = "https://api.pixelz.test/soap.asmx"
NS = "http://removethebackground.com/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TICKET = "2b0d7d36-52f1-4a5c-9a53-0f0e2f3b9c11"

Answer = str | Callable[[dict[str, Any]], str] | httpx.Response


def soap_result(op: str, inner: str) -> httpx.Response:
    body = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}">'
            f'<soap:Body><{op}Response xmlns="{NS}"><{op}Result>{inner}</{op}Result>'
            f"</{op}Response></soap:Body></soap:Envelope>")
    return httpx.Response(200, headers={"Content-Type": "text/xml; charset=utf-8"},
                          content=body.encode())


def soap_fault(message: str) -> httpx.Response:
    body = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}">'
            "<soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>"
            f"Server was unable to process request. ---&gt; {escape(message)}</faultstring>"
            "<detail /></soap:Fault></soap:Body></soap:Envelope>")
    return httpx.Response(500, headers={"Content-Type": "text/xml; charset=utf-8"},
                          content=body.encode())


def element(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def record(name: str, fields: dict[str, object], attrs: str = "") -> str:
    return f"<{name}{attrs}>" + "".join(element(k, v) for k, v in fields.items()) + f"</{name}>"


SUBMITTED = element("ImageTicket", TICKET) + element("IsTrial", False)

TEMPLATES = (
    "<Templates>"
    + record("Template", {"TemplateId": 101, "ContactId": 7, "TemplateName": "White background",
                          "Prices": "1.45 USD & 0.20 USD <per extra>", "IsCombinedImages": False,
                          "ColorAdjustment": False, "ColorMatching": False, "Shadow": "drop"})
    + record("Template", {"TemplateId": 103, "ContactId": 7,
                          "TemplateName": "Ghost mannequin – café", "IsCombinedImages": True,
                          "ColorAdjustment": False, "ColorMatching": True})
    + "</Templates>"
)

TEMPLATE_SPEC = (
    "<Template><Id>101</Id><Name>White background</Name>"
    '<Price Currency="USD">1.450</Price><CreatedDate>2026-01-05</CreatedDate>'
    "<IsDeleted>false</IsDeleted><OutputFormat>JPG</OutputFormat>"
    "<DeliveryTimeInHours>24</DeliveryTimeInHours><BackgroundColor>#FFFFFF</BackgroundColor>"
    "<ResizeWidth>2000</ResizeWidth><MarginTop>5</MarginTop><Shadow>drop</Shadow></Template>"
)

CONTACT = (
    "<Contact><ContactPerson>Dana Reviewer</ContactPerson>"
    "<ContactCompany>Example Imaging Ltd</ContactCompany>"
    "<ContactEmail>dana@example.com</ContactEmail><ContactDaysOfCredit>30</ContactDaysOfCredit>"
    '<ContactAccountBalance Currency="USD">125.50</ContactAccountBalance>'
    "<NumberOfTrialImages>5</NumberOfTrialImages></Contact>"
)


def products(total: int) -> Callable[[dict[str, Any]], str]:
    """GetProductIdsList over ``total`` product ids, paged as asked."""

    def page(params: dict[str, Any]) -> str:
        number, size = int(params["page"]), int(params.get("productIdsPerPage") or 50)
        items = "".join(
            record("ProductIdStatistic", {"ProductId": f"JKT-{n:05d}", "DoneCount": n % 7,
                                          "TodoCount": n % 3})
            for n in range((number - 1) * size + 1, min(number * size, total) + 1)
        )
        return f"<ProductIds>{items}</ProductIds>"

    return page


def invoices(total: int, per_page: int = 10) -> Callable[[dict[str, Any]], str]:
    """GetInvoiceList over ``total`` invoices, ``per_page`` a page (the service's own size,
    which it does not say)."""

    def page(params: dict[str, Any]) -> str:
        number = int(params["page"])
        items = "".join(
            record("Invoice", {
                "InvoiceId": f"INV-2026-{n:03d}", "CreatedDate": f"2026-{n % 12 + 1:02d}-01",
                "AmountDue": f"{n * 10}.50", "IsPaid": n % 2 == 0,
                "PaymentUrl": f"https://pay.pixelz.example/invoices/INV-2026-{n:03d}/pay",
                "InvoiceUrl": f"https://pay.pixelz.example/invoices/INV-2026-{n:03d}.pdf",
            })
            for n in range((number - 1) * per_page + 1, min(number * per_page, total) + 1)
        )
        return f"<Invoices>{items}</Invoices>"

    return page


def _params(body: bytes) -> tuple[str, dict[str, Any]]:
    root = etree.fromstring(body)
    call = root.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
    params: dict[str, Any] = {}
    for child in call:
        name = etree.QName(child).localname
        params[name] = [item.text for item in child] if len(child) else child.text
    return etree.QName(call).localname, params


class FakeService:
    """The answers by operation name, and every call received: ``(operation, params)``."""

    def __init__(self) -> None:
        submissions = ("AddImageToQueue", "AddImageWithInstructionToQueue",
                       "AddStackImageToQueue", "WhiteGloveService", "AddPartnerImageToQueue")
        self.answers: dict[str, Answer] = dict.fromkeys(submissions, SUBMITTED) | {
            "DeleteImageFromQueue": "", "RejectProcessedImage": "", "EditContact": "",
            "GetTemplates": TEMPLATES, "GetTemplateSpec": TEMPLATE_SPEC,
            "GetContactDetailed": CONTACT, "GetProductIdsList": products(7),
            "GetInvoiceList": invoices(25),
        }
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @property
    def operations(self) -> list[str]:
        return [op for op, _ in self.calls]

    def handle(self, request: httpx.Request) -> httpx.Response:
        op, params = _params(request.content)
        self.calls.append((op, params))
        answer = self.answers[op]
        if isinstance(answer, httpx.Response):
            return answer
        return soap_result(op, answer(params) if callable(answer) else answer)


#: The options that point a command at the fake, over SOAP 1.1 (the one protocol every
#: operation has).
AT = ["--base-url", BASE_URL, "--protocol", "soap11"]

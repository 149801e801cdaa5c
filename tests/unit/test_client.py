"""The sync client end to end over respx: a user transport, a user http_client, pagination."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import respx

import pixelz
from pixelz import ImageStatus, Protocol, ProtocolBlockedError, ResponseParseError
from pixelz._operations import Call
from pixelz.transports import Soap11Transport, Transport

from ._wire import (
    BASE_URL,
    EMAIL,
    KEY,
    Rec,
    expected,
    ok_response,
    params_of,
    protocol_of,
    recs,
    serve,
)

T1 = "cdc798ef-2cf6-4610-a97e-887e63f8e477"
T2 = "92c220ce-487f-4e00-92d6-a744329ef1b1"


# -- a fifth protocol, written by a user ------------------------------------------------------


class JsonTransport(Transport):
    """A made-up JSON binding: POST {base}/json/{Op} with the parameters as an object."""

    protocol = "json"

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        url = base_url.copy_with(path=base_url.path + "/json/" + call.operation.name)
        return httpx.Request("POST", url, json=dict(call.items))

    def parse_response(self, call: Call, response: httpx.Response) -> Any:
        if response.status_code != 200:
            raise ProtocolBlockedError("json endpoint unavailable", protocol=self.protocol,
                                       status_code=response.status_code)
        items = response.json()
        items = items if isinstance(items, list) else [items]
        records = tuple(
            ImageStatus(uuid.UUID(i["ticket"]), i.get("customer"), None, None, i["status"],
                        i["paid"], None, tuple(i.get("finals", ())))
            for i in items
        )
        return records if call.operation.result.many else records[0]


def _json_records(count: int, start: int = 1) -> list[dict[str, object]]:
    return [{"ticket": str(uuid.UUID(int=n)), "customer": f"c{n}", "status": 80, "paid": True,
             "finals": [f"http://x/{n}.jpg"]} for n in range(start, start + count)]


def test_user_transport_end_to_end(router: respx.MockRouter, make_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        page = int(sent["page"])
        return httpx.Response(200, json=_json_records(2, 2 * page - 1) if page < 3 else [])

    route = router.post("/json/GetImagesList").mock(side_effect=handler)
    client = make_client([JsonTransport()])
    page = client.list_images(status="delivered", per_page=2)
    assert page.protocol == "json" and client.protocol == "json"
    assert [i.customer_image_id for i in page] == ["c1", "c2"]
    sent = json.loads(route.calls.last.request.content)
    assert sent["contactAPIkey"] == KEY and sent["imageStatus"] == "80"
    assert list(sent) == ["contactEmail", "contactAPIkey", "imageStatus", "excludeImageStatus",
                          "productId", "fromDate", "toDate", "page", "imagesPerPage", "sortBy",
                          "isDescending"]
    assert [i.customer_image_id for i in client.iter_images(per_page=2)] == [
        "c1", "c2", "c3", "c4"]
    comparison = client.compare_protocols(per_page=2)
    assert [r.protocol for r in comparison.results] == ["json"]
    assert comparison.results[0].outcome == "ok"


def test_user_transport_as_fallback_target(router: respx.MockRouter, make_client) -> None:
    json_route = router.post("/json/GetImageStatus").mock(return_value=httpx.Response(
        200, json=_json_records(1)[0]))
    soap_route = router.post("").mock(return_value=httpx.Response(
        403, text="<html>blocked</html>", headers={"Content-Type": "text/html"}))
    client = make_client([Protocol.SOAP11, JsonTransport()])
    image = client.get_image_status(customer_image_id="c1")
    assert image.customer_image_id == "c1"
    assert client.protocol == "json"
    assert client.protocols == (Protocol.SOAP11, "json")
    assert (soap_route.call_count, json_route.call_count) == (1, 1)


def test_user_transport_errors_reach_the_caller(router: respx.MockRouter, make_client) -> None:
    router.post("/json/GetImagesList").mock(return_value=httpx.Response(404))
    with pytest.raises(ProtocolBlockedError):
        make_client(JsonTransport()).list_images()


def test_user_transport_with_the_shared_parser(router: respx.MockRouter, make_client) -> None:
    """A transport that only changes the request (a SOAP 1.1 gateway path) keeps the parser."""

    class GatewaySoap(Soap11Transport):
        protocol = "soap11-gateway"

        def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
            request = super().build_request(call, base_url.copy_with(path="/gw/soap.asmx"))
            request.headers["X-Gateway"] = "1"
            return request

    route = router.route(host="api.pixelz.test", path="/gw/soap.asmx").mock(
        return_value=ok_response(Protocol.SOAP11, [Rec(T1)]))
    page = make_client([GatewaySoap()]).list_images()
    assert page.protocol == "soap11-gateway"
    assert page.images == (Rec(T1).expected(),)
    assert route.calls.last.request.headers["X-Gateway"] == "1"


# -- the user's http_client -----------------------------------------------------------------------


def test_user_http_client_used_and_not_closed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok_response(protocol_of(request), [Rec(T1)])

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with pixelz.Client(EMAIL, KEY, base_url=BASE_URL, http_client=http, max_retries=0) as client:
        assert len(client.list_images()) == 1
    client.close()
    assert len(seen) == 1
    assert not http.is_closed
    http.get(BASE_URL + "/still-usable")  # the pool still works
    http.close()


def test_own_http_client_closed() -> None:
    client = pixelz.Client(EMAIL, KEY)
    inner = client._shared.http
    client.close()
    assert inner.is_closed


# -- pagination ----------------------------------------------------------------------------------


def test_iter_images_is_lazy_and_stops_on_short_page(router, make_client) -> None:
    route = router.route().mock(side_effect=serve((recs(100), recs(100, 101), recs(5, 201))))
    iterator = make_client("soap11").iter_images(status=80)
    assert route.call_count == 0
    first = next(iterator)
    assert first.customer_image_id == "c1" and route.call_count == 1
    rest = list(iterator)
    assert len(rest) == 204 and rest[-1].customer_image_id == "c205"
    assert route.call_count == 3
    assert [dict(params_of(c.request))["imagesPerPage"] for c in route.calls] == ["100"] * 3


def test_iter_images_stops_on_empty_page(router, make_client) -> None:
    route = router.route().mock(side_effect=serve((recs(2), recs(2, 3))))
    images = list(make_client("http_get").iter_images(per_page=2))
    assert [i.customer_image_id for i in images] == ["c1", "c2", "c3", "c4"]
    assert route.call_count == 3  # the third page is empty


def test_iter_images_without_page_size_reads_until_empty(router, make_client) -> None:
    route = router.route().mock(side_effect=serve((recs(3), recs(1, 4))))
    images = list(make_client("soap12").iter_images(per_page=None))
    assert len(images) == 4 and route.call_count == 3
    assert dict(params_of(route.calls.last.request))["imagesPerPage"] == ""


def test_iter_images_break_early_sends_nothing_more(router, make_client) -> None:
    route = router.route().mock(side_effect=serve((recs(2), recs(2, 3), recs(2, 5))))
    for index, _ in enumerate(make_client("soap11").iter_images(per_page=2)):
        if index == 2:
            break
    assert route.call_count == 2


def test_iter_images_repeated_page_is_an_error(router, make_client) -> None:
    """A server that ignores ``page`` would otherwise loop forever."""
    route = router.route().mock(side_effect=serve(recs(2)))  # every page the same
    iterator = make_client("http_post").iter_images(per_page=2)
    assert [next(iterator), next(iterator)] == list(expected(recs(2)))
    with pytest.raises(ResponseParseError) as info:
        next(iterator)
    assert route.call_count == 2
    assert info.value.operation == "GetImagesList"
    assert KEY not in str(info.value)


def test_iter_images_prefetch_keeps_order(router, make_client) -> None:
    pages = (*(recs(10, 10 * n + 1) for n in range(4)), recs(3, 41))
    route = router.route().mock(side_effect=serve(pages))
    images = list(make_client("soap11").iter_images(per_page=10, prefetch=3))
    assert [i.customer_image_id for i in images] == [f"c{n}" for n in range(1, 44)]
    assert 5 <= route.call_count <= 7


def test_list_images_page_metadata(router, make_client) -> None:
    router.route().mock(side_effect=serve((recs(2), recs(2, 3), recs(1, 5))))
    page = make_client("http_get").list_images(page=3, per_page=2)
    assert (page.page, page.per_page, len(page), page.is_last) == (3, 2, 1, True)
    assert page[0].customer_image_id == "c5"


# -- comparison, state -------------------------------------------------------------------------


def test_compare_protocols_consistent_and_different(router, make_client) -> None:
    router.route().mock(side_effect=serve([Rec(T1, customer="same")]))
    comparison = make_client().compare_protocols()
    assert comparison.consistent and comparison.differences == ()
    assert [r.protocol for r in comparison.results] == list(Protocol)
    assert all(r.outcome == "ok" and r.page is not None and r.error is None
               for r in comparison.results)
    assert all(r.response_bytes > 0 for r in comparison.results)


def test_compare_protocols_reports_differences_and_failures(router, make_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        protocol = protocol_of(request)
        if protocol is Protocol.SOAP12:
            return httpx.Response(403, headers={"Content-Type": "text/html"}, text="<html/>")
        if protocol is Protocol.HTTP_POST:
            raise httpx.ConnectError("refused")
        if protocol is Protocol.HTTP_GET:  # one record differs, and one more
            return ok_response(protocol, [Rec(T1, customer="other"), Rec(T2)])
        return ok_response(protocol, [Rec(T1, customer="same")])

    router.route().mock(side_effect=handler)
    client = make_client()
    comparison = client.compare_protocols()
    assert [r.outcome for r in comparison.results] == ["ok", "blocked", "network_error", "ok"]
    assert not comparison.consistent
    assert any("http_get" in line and "customer_image_id" in line
               for line in comparison.differences)
    assert "http_get: 2 records, soap11: 1" in comparison.differences
    assert client.protocol is None  # no stickiness from a comparison


def test_compare_protocols_names_service_and_parse_errors(router, make_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if protocol_of(request) is Protocol.SOAP11:
            return httpx.Response(500, headers={"Content-Type": "text/xml"}, content=(
                b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
                b"<s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring>"
                b"</s:Fault></s:Body></s:Envelope>"))
        return httpx.Response(200, headers={"Content-Type": "text/xml"}, content=b"<a><b></a>")

    router.route().mock(side_effect=handler)
    comparison = make_client(["soap11", "http_post"]).compare_protocols()
    assert [r.outcome for r in comparison.results] == ["api_error", "parse_error"]
    assert [type(r.error) for r in comparison.results] == [
        pixelz.APIError, pixelz.ResponseParseError]
    assert comparison.consistent  # no two answers to disagree


def test_client_repr_and_protocol_state(router, make_client) -> None:
    router.route().mock(side_effect=serve([]))
    client = make_client()
    assert KEY not in repr(client) and EMAIL in repr(client)
    assert client.protocol is None
    client.list_images()
    assert client.protocol is Protocol.SOAP11

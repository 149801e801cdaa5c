"""HTML pages that infrastructure answers with instead of the service.

Their only job is to look like what a client meets in the field (ASP.NET error pages, a WAF
block page, a load balancer's 503, IIS's 405) so the SDK's classification by status, content
type and document shape is exercised; the wording is modelled on the real pages. The service's
own documentation pages (``GET /soap.asmx``, ``?op={Op}``) are generated in ``_help``.
"""

from __future__ import annotations

import html

from pixelz.emulator._runtime_error import RUNTIME_ERROR_PAGE

__all__ = [
    "aspnet_error_page",
    "method_not_allowed_page",
    "not_found_page",
    "unavailable_page",
    "waf_block_page",
]

_STYLE = (
    "body { background-color: #FFFFFF; font-size: .75em; font-family: Verdana, Helvetica, "
    "Sans-Serif; margin: 0; padding: 0; color: #696969; }\n"
    "h1 { font-weight: bold; margin-bottom: 0; margin-top: 0; padding-bottom: 0; }\n"
    "h2.exceptionMessage { white-space: pre; }\n"
    ".details { font-family: monospace; white-space: pre; background-color: #eeeeff; }\n"
)


def _aspnet_page(title: str, heading: str, main: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<style type="text/css">
{_STYLE}</style>
<title>{html.escape(title)}</title>
</head>
<body>
<div class="page">
<div id="header">
<div id="header-text">{html.escape(heading)}</div>
</div>
<div id="main">
{main}<div id="footer">
  <div style="color:Black;"><strong>Version Information:</strong> \
<tt>pixelz emulator</tt>; ASP.NET Version: <tt>4.0.30319.42000</tt></div>
</div>
</div>
</div>
</body>
</html>
"""


def aspnet_error_page(type_name: str, message: str, detail: str, *, remote: bool) -> str:
    """ASP.NET's unhandled-exception page: generic for remote callers, detailed for local ones."""
    if remote:
        return RUNTIME_ERROR_PAGE
    main = (
        f"  <h1>Server Error in '/' Application</h1>\n"
        f'  <h2 class="exceptionMessage">{html.escape(message)}</h2>\n'
        f"  <p><strong>Description:</strong> HTTP 500. Error processing request.</p>"
        f"<p><strong>Details:</strong> Non-web exception. Exception origin (name of application "
        f"or object): System.Web.Services.</p>\n"
        f"<p><strong>Exception Details:</strong> {html.escape(type_name)}: "
        f"{html.escape(message)}</p>\n"
        f'<div class="details">{html.escape(detail)}</div>\n'
    )
    return _aspnet_page(message, "Application Exception", main)


def waf_block_page(reference: str) -> str:
    """A web application firewall's rejection page."""
    return (
        "<!DOCTYPE html>\n<html><head><title>Request Rejected</title></head>\n"
        "<body><h1>Request blocked</h1>\n"
        "<p>Request blocked by web application firewall. The requested URL was rejected. "
        "Please consult with your administrator.</p>\n"
        f"<p>Your support ID is: {html.escape(reference)}</p>\n"
        "</body></html>\n"
    )


def unavailable_page() -> str:
    """A load balancer's transient 503 page."""
    return (
        "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
        "<body><h1>Service Unavailable</h1>\n"
        "<p>The server is temporarily unable to service your request. Please try again later.</p>\n"
        "</body></html>\n"
    )


def method_not_allowed_page() -> str:
    """IIS's answer to a verb the ``.asmx`` handler mapping does not accept."""
    return (
        "<!DOCTYPE html>\n<html><head><title>405 - HTTP verb used to access this page is not "
        "allowed.</title></head>\n<body><h2>405 - HTTP verb used to access this page is not "
        "allowed.</h2>\n<h3>The page you are looking for cannot be displayed because an invalid "
        "method (HTTP verb) was used to attempt access.</h3>\n</body></html>\n"
    )


def not_found_page(path: str) -> str:
    """ASP.NET's 404 page."""
    return _aspnet_page(
        "The resource cannot be found.",
        "Application Exception",
        "  <h1>Server Error in '/' Application</h1>\n"
        '  <h2 class="exceptionMessage">The resource cannot be found.</h2>\n'
        f"  <p><strong>Requested URL:</strong> {html.escape(path)}</p>\n",
    )

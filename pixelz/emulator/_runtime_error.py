# ruff: noqa: E501  (verbatim captured bytes)
"""The generic ASP.NET "Runtime Error" page that remote callers get, byte for byte as captured.

Mono's page, version footer included: the reference server (docs/reference-server.md)
answers a disabled protocol with exactly these bytes.
"""

__all__ = ["RUNTIME_ERROR_PAGE"]

RUNTIME_ERROR_PAGE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml">\n'
    "<head>\n"
    '<style type="text/css">\n'
    "body { background-color: #FFFFFF; font-size: .75em; font-family: Verdana, Helvetica, Sans-Serif; margin: 0; padding: 0;\tcolor: #696969; }\n"
    "a:link { color: #000000; text-decoration: underline; }\n"
    "a:visited { color: #000000; }\n"
    "a:hover { color: #000000; text-decoration: none; }\n"
    "a:active { color: #12eb87; }\n"
    "p, ul {\tmargin-bottom: 20px; line-height: 1.6em; }\n"
    "pre { font-size: 1.2em;\tmargin-left: 20px; margin-top: 0px; }\n"
    "h1, h2, h3, h4, h5, h6 { font-size: 1.6em; color: #000;\tfont-family: Arial, Helvetica, sans-serif; }\n"
    "h1 { font-weight: bold;\tmargin-bottom: 0; margin-top: 0; padding-bottom: 0; }\n"
    "h2 { font-size: 1em; padding: 0 0 0px 0; color: #696969; font-weight: normal; margin-top: 0; margin-bottom: 20px; }\n"
    "h2.exceptionMessage { white-space: pre; }\n"
    "h3 { font-size: 1.2em; }\n"
    "h4 { font-size: 1.1em; }\n"
    "h5, h6 { font-size: 1em; }\n"
    "#header { position: relative; margin-bottom: 0px; color: #000; padding: 0; background-color: #5c87b2; height: 38px; padding-left: 10px; }\n"
    "#header h1 { font-weight: bold;\tpadding: 5px 0;\tmargin: 0; color: #fff;\tborder: none; line-height: 2em;\tfont-family: Arial, Helvetica, sans-serif; font-size: 32px !important; }\n"
    "#header-image { float: left; padding: 3px; margin-left: 1px; margin-right: 1px; }\n"
    "#header-text { color: #fff; font-size: 1.4em; line-height: 38px; font-weight: bold; }\n"
    "#main {\tpadding: 20px 20px 15px 20px; background-color: #fff; _height: 1px; }\n"
    "#footer { color: #999; padding: 5px 0; text-align: left; line-height: normal; margin: 20px 0px 0px 0px;\tfont-size: .9em; border-top: solid 1px #5C87B2; }\n"
    "#footer-powered-by { float: right; }\n"
    ".details { font-family: monospace; border: solid 1px #e8eef4; white-space: pre; font-size: 1.2em; overflow: auto; padding: 6px; margin-top: 6px; background-color: #eeeeff; color: 555555 }\n"
    ".details-wrapped { white-space: normal }\n"
    ".details-header { margin-top: 1.5em }\n"
    ".details-header a { font-weight: bold; text-decoration: none }\n"
    "p { margin-bottom: 0.3em; margin-top: 0.1em }\n"
    ".sourceErrorLine { color: #770000; font-weight: bold; }\n"
    "</style>\n"
    '<script type="text/javascript">\n'
    "\tvar hideElementsById = new Array ();\n"
    "\twindow.onload = function () {\n"
    "\t\tif (!hideElementsById || hideElementsById.length < 1)\n"
    "\t\t\treturn;\n"
    "\t\tfor (index in hideElementsById)\n"
    "\t\t\ttoggle (hideElementsById [index]);\n"
    "\t}\n"
    "\t\n"
    "\tfunction toggle (divId)\n"
    "\t{\n"
    "\t\tvar e = document.getElementById (divId);\n"
    "\t\tif (!e)\n"
    "\t\t\treturn;\n"
    '\t\tvar h = document.getElementById (divId + "Hint");\n'
    '\t\tif (e.style.display == "block" || e.style.display == "") {\n'
    '\t\t\te.style.display = "none";\n'
    "\t\t\tif (h)\n"
    '\t\t\t\th.innerHTML = " (click to show)";\n'
    "\t\t} else {\n"
    '\t\t\te.style.display = "block";\n'
    "\t\t\tif (h)\n"
    '\t\t\t\th.innerHTML = " (click to hide)";\n'
    "\t\t}\n"
    "\t}\n"
    "</script>\n"
    "<title>Runtime Error</title>\n"
    "</head>\n"
    "<body>\n"
    '<div class="page">\n'
    '<div id="header">\n'
    '<div id="header-text">Application Exception</div>\n'
    "</div>\n"
    '<div id="main">\n'
    "  <h1>Runtime Error</h1>\n"
    '  <h2 class="exceptionMessage">A runtime error has occurred</h2>\n'
    "  <p><strong>Description:</strong> An application error occurred on the server. The current custom error settings for this application prevent the details of the application error from being viewed (for security reasons).</p><p><strong>Details:</strong> To enable the details of this specific error message to be viewable, please create a &lt;customErrors&gt; tag within a &quot;web.config&quot; configuration file located in the root directory of the current web application. This &lt;customErrors&gt; tag should then have its &quot;mode&quot; attribute set to &quot;Off&quot;.</p>\n"
    '<table class="sampleCode"><tr><td><pre>\n'
    "&lt;!-- Web.Config Configuration File --&gt;\n"
    "\n"
    "&lt;configuration&gt;\n"
    "    &lt;system.web&gt;\n"
    "        &lt;customErrors mode=&quot;Off&quot;/&gt;\n"
    "    &lt;/system.web&gt;\n"
    "&lt;/configuration&gt;</pre> </td></tr></table><br/>\n"
    "<p><strong>Notes:</strong> The current error page you are seeing can be replaced by a custom error page by modifying the &quot;defaultRedirect&quot; attribute of the application's &lt;customErrors&gt; configuration tag to point to a custom error page URL.</p>\n"
    '<table class="sampleCode"><tr><td><pre>\n'
    "&lt;!-- Web.Config Configuration File --&gt;\n"
    "\n"
    "&lt;configuration&gt;\n"
    "    &lt;system.web&gt;\n"
    "        &lt;customErrors mode=&quot;RemoteOnly&quot; defaultRedirect=&quot;mycustompage.htm&quot;/&gt;\n"
    "    &lt;/system.web&gt;\n"
    "&lt;/configuration&gt;</pre></td></tr></table>\n"
    '<div id="footer">\n'
    '  <div style="color:Black;"><strong>Version Information:</strong> <tt>6.8.0.105 (Debian 6.8.0.105+dfsg-3.3+deb12u1 Sat Jun 21 16:33:59 UTC 2025)</tt>; ASP.NET Version: <tt>4.0.30319.42000</tt></div>\n'
    '  <div id="footer-powered-by">Powered by <a href="http://mono-project.com/">Mono</a></div>\n'
    "</div>\n"
    "</div>\n"
    "</div>\n"
    "</body>\n"
    "</html>\n"
)

"""ASP.NET request validation, as the server applies it to query strings and form posts.

Written from ASP.NET's ``CrossSiteScriptingValidation.IsDangerousString`` rather than shared
with the SDK (which avoids sending such values over GET/POST): if the SDK's copy of the rule
were wrong, tests against the emulator must show it, not agree with it. SOAP bodies are not
validated.
"""

from __future__ import annotations

__all__ = ["is_dangerous"]

_STARTING_CHARS = ("<", "&")


def _is_a_to_z(char: str) -> bool:
    return "a" <= char <= "z" or "A" <= char <= "Z"


def is_dangerous(value: str) -> bool:
    """Whether ASP.NET refuses ``value``: a ``<`` followed by an ASCII letter, ``!``, ``/``
    or ``?`` (a tag, comment, end tag or processing instruction), or ``&#`` (a character
    reference). A ``<`` or ``&`` as the last character is harmless."""
    start = 0
    while True:
        found = [i for i in (value.find(c, start) for c in _STARTING_CHARS) if i >= 0]
        if not found:
            return False
        n = min(found)
        if n == len(value) - 1:
            return False
        following = value[n + 1]
        if value[n] == "<" and (_is_a_to_z(following) or following in "!/?"):
            return True
        if value[n] == "&" and following == "#":
            return True
        start = n + 1

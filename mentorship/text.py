"""Control characters out of people's text, in one place (docs/security.md "Bad input").

* ``clean_text``: what the shared form base (``mentorship.forms``) keeps of a
  submitted value: no C0/C1 control character except tab and line breaks,
  and in a single-line field no line break either (a browser never sends
  one from ``<input>``; a forged request may).
* ``header_text``: a value fit for a mail header (a subject naming a person):
  every control character and line break becomes a space, runs of spaces
  collapse. A display name with a newline then cannot stop the mail about
  its owner (Django refuses a header with a newline) nor add headers.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Everything that can end a line or a header, for single-line values.
_LINE_BREAKS = re.compile("[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_ALL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_text(value: str, *, multiline: bool) -> str:
    """``value`` without control characters (line breaks kept only if ``multiline``)."""
    if multiline:
        return _CONTROLS.sub("", value)
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))


def header_text(value: str, *, max_length: int = 200) -> str:
    """``value`` on one line, safe for an email header."""
    return " ".join(_ALL_CONTROLS.sub(" ", str(value)).split())[:max_length]

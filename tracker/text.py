"""One rule for the control characters in text people paste in (from Word, mostly).

Word's soft line break (Shift+Enter) arrives as a vertical tab and its page break as a form feed;
both become a line break. Every other C0 control character except tab, line feed and carriage
return is dropped: they cannot be seen, PostgreSQL refuses NUL, and XLSX and the PDF's XML refuse
the rest. Applied where text comes in (forms, the admin, imports) and again in exports, for
whatever was stored before this rule existed."""

import re

_LINE_BREAKS = re.compile("[\x0b\x0c]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f]")


def normalise_text(text: str) -> str:
    """``text`` with a vertical tab or form feed as a line break and other C0 controls gone."""
    return _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))

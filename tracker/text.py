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


_DATED_NAME = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<words>.+?)(?:\.[a-z0-9]{1,5})?$")
_WORDS = {"cpc": "Corporate Peer Challenge", "lga": "LGA"}
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def document_title(filename: str) -> str:
    """A source document's title as people cite it, from the name its file was stored under:
    '2023-11-cpc-feedback-report.txt' is 'Corporate Peer Challenge feedback report, November
    2023'. A name that is not dated and hyphenated is returned as it is."""
    match = _DATED_NAME.match(filename.strip())
    if not match or not 1 <= int(match["month"]) <= 12:
        return filename
    words = [_WORDS.get(word, word) for word in match["words"].split("-") if word]
    title = " ".join(words)
    return f"{title[:1].upper()}{title[1:]}, {_MONTHS[int(match['month']) - 1]} {match['year']}"

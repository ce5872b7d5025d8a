"""Amber is one colour: the tags on every page, the charts and the PDF all fill it with
``Rag.AMBER.hex`` (GOV.UK orange), rather than orange in charts and yellow in tags."""

import re
from pathlib import Path

from django.conf import settings

from actions.choices import Rag


def _rule(css: str, selector: str) -> str:
    match = re.search(rf"(?:^|[}},\s]){re.escape(selector)}[^{{]*{{([^}}]*)}}", css)
    assert match, f"no rule for {selector}"
    return match.group(1).lower()


def test_the_amber_tag_has_the_charts_amber():
    css = (Path(settings.BASE_DIR) / "static/govuk/govuk-frontend.min.css").read_text()
    assert f"background-color:{Rag.AMBER.hex}" in _rule(css, ".app-tag--amber")


def test_the_pdf_s_amber_is_the_same():
    css = (Path(settings.BASE_DIR) / "templates/reports/pdf/cabinet_report_paper.css").read_text()
    assert Rag.AMBER.hex in _rule(css.replace(" ", ""), ".rag-amber")

"""How reports.pdf drives WeasyPrint: the page list it keeps and the warm-up before forking.
(Speed itself is measured by ``make bench``, never by a timed test.)"""

import logging

import pydyf

from reports import pdf as report_pdf


def _references(pdf) -> tuple:
    return tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])


def test_the_page_list_is_kept_between_reads_and_follows_new_pages():
    report_pdf.keep_page_references()
    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        # The same answer pydyf gives, built once per page count rather than once per read
        # (WeasyPrint's PDF/UA tagging reads it for every structure element).
        assert pdf.page_references == _references(pdf)
        assert pdf.page_references is pdf.page_references
    report_pdf.keep_page_references()  # a second call does not wrap it again
    assert getattr(pydyf.PDF.page_references.fget, "kept", False)


def test_a_failed_warm_up_is_logged_and_does_not_stop_a_render(monkeypatch, caplog):
    monkeypatch.setattr(report_pdf, "_warmed_up", False)
    monkeypatch.setattr(report_pdf, "_WARM_UP_HTML", "{not a placeholder")  # fails to format
    with caplog.at_level(logging.ERROR, logger="reports.pdf"):
        rendered = report_pdf.render_pdf('<html lang="en"><title>T</title><p>Hello</p></html>')
    assert rendered.pages == 1 and rendered.content.startswith(b"%PDF")
    assert "could not be warmed up" in caplog.text
    caplog.clear()
    report_pdf.warm_up()  # once per process, even when it failed
    assert caplog.text == ""


def test_the_warm_up_document_renders_cleanly(monkeypatch, caplog):
    monkeypatch.setattr(report_pdf, "_warmed_up", False)
    with caplog.at_level(logging.WARNING):
        report_pdf.warm_up()
    assert report_pdf._warmed_up
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []

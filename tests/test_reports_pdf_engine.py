"""How reports.pdf drives WeasyPrint: the page list it keeps between reads.
(Speed itself is measured by ``make bench``, never by a timed test.)"""

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

"""Render one report HTML file to PDF the way the tracker does (WeasyPrint with PDF/UA-1, then
``reports.pdfua``), as a whole process, so ``bench/report.py`` can time it beside Chromium:

    python -m bench.render_weasyprint report.html report.pdf [--phases]

With ``--phases`` it prints the seconds spent in layout, PDF writing and the PDF/UA repairs."""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()


def main(source: str, target: str, phases: bool) -> None:
    import weasyprint

    from reports.pdf import PDF_VARIANT, STATIC_BASE_URL, _fetcher_class, font_config
    from reports.pdfua import pdf_make_accessible

    html = Path(source).read_text(encoding="utf-8")
    started = time.perf_counter()
    document = weasyprint.HTML(
        string=html, base_url=STATIC_BASE_URL, url_fetcher=_fetcher_class()()
    ).render(font_config=font_config(), pdf_variant=PDF_VARIANT)
    laid_out = time.perf_counter()
    content = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[], pdf_forms=False)
    written = time.perf_counter()
    content = pdf_make_accessible(content)
    repaired = time.perf_counter()
    Path(target).write_bytes(content)
    if phases:
        print(
            f"{len(document.pages)} {laid_out - started:.3f} {written - laid_out:.3f} "
            f"{repaired - written:.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--phases" in sys.argv[3:])

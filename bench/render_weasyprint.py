"""Render one report HTML file to PDF the way the tracker does (``reports.pdf.lay_out`` and
``write``: WeasyPrint with PDF/UA-1, then ``reports.pdfua``), as a whole process, so
``bench/report.py`` can time it beside Chromium:

    python -m bench.render_weasyprint report.html report.pdf [--phases]

With ``--phases`` it prints the pages, then the seconds spent in layout, PDF writing and the
PDF/UA repairs. The process loads the settings (for the static folder) but not Django's apps:
a render uses none of them, and the tracker renders in a child forked from a worker that has
them loaded already, so their start-up is not part of any PDF's time."""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(source: str, target: str, phases: bool) -> None:
    import weasyprint  # noqa: F401 - imported before the clock starts, so layout is only layout

    from reports.pdf import lay_out, write
    from reports.pdfua import pdf_make_accessible

    html = Path(source).read_text(encoding="utf-8")
    started = time.perf_counter()
    document = lay_out(html)
    laid_out = time.perf_counter()
    content = write(document)
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

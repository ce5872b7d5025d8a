"""The one helper that turns report HTML into a PDF with WeasyPrint, safely.

* Resources: WeasyPrint may fetch only the project's own static files, through
  ``StaticOnlyURLFetcher``; every other URL (file:, http(s):, data:, ...) is refused without
  being opened, there are no redirects and no attachments.
* Time: each render runs in a forked child process that is killed after ``timeout`` seconds,
  so a pathological document cannot hold a web worker. The parent touches the database only
  after the child has returned a complete PDF, so a killed render leaves nothing behind.
* PDF/UA-1: WeasyPrint tags the document; ``reports.pdfua`` repairs what its tagging misses.
* Speed: one ``FontConfiguration`` per process, created before forking so every child
  inherits it (and WeasyPrint, imported) ready-made; and ``pydyf.PDF.page_references`` is kept
  between reads (below), so PDF/UA tagging is linear in the page count rather than quadratic.
  Rendering a small document in the parent before the first fork was tried and measured: the
  first report after it took as long as without it (1.22-1.29 s against 1.21-1.24 s, four
  runs each), so it only added half a second to each worker's first render.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# Relative URLs in report HTML resolve against this made-up origin; the fetcher maps it onto
# settings.BASE_DIR / "static" and nothing else. ".invalid" can never resolve (RFC 2606).
STATIC_BASE_URL = "https://static.pct.invalid/static/"
DEFAULT_TIMEOUT_SECONDS = 60
PDF_VARIANT = "pdf/ua-1"


class RenderError(Exception):
    """The PDF could not be produced."""


class RenderTimeout(RenderError):
    """The render took longer than allowed and was stopped."""


class URLRefused(ValueError):
    """WeasyPrint asked for a URL outside the project's static files."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves files under the project's static folder for URLs below ``STATIC_BASE_URL``
        and refuses everything else. It never opens a network connection or a path outside
        that folder (the resolved path must stay inside it, so ``..`` and symlinks fail)."""

        def __init__(self):
            super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = self.static_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("Refused a resource outside the static files: %.200s", url)
                raise URLRefused(f"Only the tracker's own static files may be used: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

        @staticmethod
        def static_path(url: str) -> Path | None:
            if not url.startswith(STATIC_BASE_URL):
                return None
            relative = url[len(STATIC_BASE_URL) :].split("?", 1)[0].split("#", 1)[0]
            if not relative or "\\" in relative or "%" in relative:
                return None
            root = static_root()
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
            return path

    return StaticOnlyURLFetcher


_font_config = None


def font_config():
    """The process's one FontConfiguration (building one costs a fontconfig scan)."""
    global _font_config
    if _font_config is None:
        # WeasyPrint logs every layout step at INFO; a report is not worth 20 log lines.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def keep_page_references() -> None:
    """Make ``pydyf.PDF.page_references`` build its tuple once per page count, not per read.

    pydyf (0.13) builds that tuple (one entry per page) afresh on every read, and WeasyPrint's
    PDF/UA tagging reads it once for each structure element it creates: O(pages x elements),
    about a fifth of the whole render at 170 pages and growing with every page. Pages are only
    ever appended (``PDF.add_page``), so a tuple rebuilt whenever the page count changes is the
    same answer. If a pydyf release turns it into something other than a plain property, this
    leaves it alone."""
    import pydyf

    built = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(built, property) or getattr(built.fget, "kept", False):
        return

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_kept_page_references")
        if kept is None or kept[0] != count:
            kept = pdf.__dict__["_kept_page_references"] = (count, built.fget(pdf))
        return kept[1]

    page_references.kept = True
    pydyf.PDF.page_references = property(page_references, doc=built.__doc__)


def lay_out(html: str):
    """WeasyPrint's laid-out ``Document`` for ``html``, tagged for PDF/UA-1."""
    import weasyprint

    keep_page_references()
    fetcher = _fetcher_class()()
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render(
        font_config=font_config(), pdf_variant=PDF_VARIANT
    )
    # <link rel=attachment> cannot come from escaped text, but make sure regardless.
    document.metadata.attachments = []
    return document


def write(document) -> bytes:
    """The PDF/UA-1 file WeasyPrint writes for a laid-out ``document``, before our repairs."""
    keep_page_references()
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[], pdf_forms=False)


def render_in_process(html: str) -> RenderedPdf:
    """Render without the time cap; ``render_pdf`` calls this in a child process."""
    from reports.pdfua import pdf_make_accessible

    document = lay_out(html)
    content = write(document)
    return RenderedPdf(content=pdf_make_accessible(content), pages=len(document.pages))


def _child(html: str, connection) -> None:
    try:
        connection.send(("ok", render_in_process(html)))
    except BaseException as exc:  # report any failure to the parent rather than hang it
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def render_pdf(html: str, *, timeout: float | None = None) -> RenderedPdf:
    """Render ``html`` to a tagged PDF/UA-1 document in a child process, killed at ``timeout``."""
    if timeout is None:
        timeout = getattr(settings, "REPORT_RENDER_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    font_config()  # build it once here so forked children inherit it
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(html, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"The PDF took longer than {timeout:g} seconds and was stopped.")
        try:
            outcome, value = receiver.recv()
        except EOFError as exc:
            raise RenderError("The PDF renderer stopped without producing a document.") from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if outcome != "ok":
        raise RenderError(f"The PDF could not be produced ({value}).")
    return value

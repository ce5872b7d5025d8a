"""A stored file (a report's or a statement's frozen PDF or Word version) sent as a download:
one response for the reports, the position statements and the public page."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """``content`` as a download named ``filename``, never shown inline."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response

"""What an evidence file is, read from its first bytes, never from its name or the browser's
say-so: PDF, Word, Excel and images. One rule, used by the update form and the service."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

# (signature, extension, content type, what people call it). Office's zip formats are told
# apart by what the zip holds, below.
_SIGNATURES = [
    (b"%PDF-", "pdf", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png", "PNG image"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg", "JPEG image"),
    (b"GIF87a", "gif", "image/gif", "GIF image"),
    (b"GIF89a", "gif", "image/gif", "GIF image"),
    # Word 97-2003 and Excel 97-2003 share one container; we accept both as legacy Office.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/msword", "Word or Excel 97-2003"),
]
_OFFICE_ZIPS = [
    ("word/", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]
ACCEPTED = "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), PNG, JPEG or GIF"


def evidence_types(uploads) -> list[tuple[str, str]]:
    """``evidence_type`` of each of several files given with one update, refusing more than
    ``EVIDENCE_MAX_FILES``; a message names the file it is about."""
    uploads = list(uploads)
    if len(uploads) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError(
            f"Choose {settings.EVIDENCE_MAX_FILES} files or fewer (you chose {len(uploads)})"
        )
    types = []
    for upload in uploads:
        try:
            types.append(evidence_type(upload))
        except ValidationError as refused:
            raise ValidationError(f"{upload.name}: {refused.messages[0]}") from None
    return types


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MEGABYTES * 1024 * 1024


def evidence_type(upload) -> tuple[str, str]:
    """(extension, content type) of an uploaded file, judged by its content; raises
    ``ValidationError`` with a message for the person if it is too big or not accepted."""
    if upload.size > max_bytes():
        raise ValidationError(
            f"The file must be smaller than {settings.EVIDENCE_MAX_MEGABYTES} MB "
            f"(it is {upload.size / 1024 / 1024:.1f} MB)"
        )
    if upload.size == 0:
        raise ValidationError("The file is empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, extension, content_type, _name in _SIGNATURES:
        if head.startswith(signature):
            return extension, content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for folder, extension, content_type in _OFFICE_ZIPS:
                if any(name.startswith(folder) for name in names):
                    return extension, content_type
    raise ValidationError(f"The file must be a {ACCEPTED}")

"""What every document the performance team issues has in common: the Cabinet report
(``reports``) and the position statement (``statements``).

A document is a draft until it is issued. A draft's PDF and Word files are made and remade from
its frozen snapshot as often as needed; once issued, the row and its files never change, and a
correction or update is a later version that ``supersedes`` it. The services of each app enforce
that; this module holds the fields and the words for it, once."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class DocumentStatus(models.TextChoices):
    """A document is a draft until the performance team issues it; issued ones never change."""

    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"

    @property
    def tag_class(self) -> str:
        return {"draft": "app-tag--grey", "issued": "app-tag--blue"}[self.value]


class IssuedDocumentQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=DocumentStatus.ISSUED)


class IssuedDocument(models.Model):
    """A versioned document with a frozen snapshot and its rendered PDF and DOCX."""

    version = models.PositiveSmallIntegerField(default=1, editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="superseded_by",
    )
    status = models.CharField(
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        editable=False,
    )

    snapshot = models.JSONField(default=dict, editable=False)
    pdf = models.BinaryField(null=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_pages = models.PositiveIntegerField(null=True, editable=False)
    pdf_bytes = models.PositiveIntegerField(null=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, editable=False)
    # The Word version, made from the same snapshot whenever the PDF is; frozen with it on issue.
    docx = models.BinaryField(null=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def status_choice(self) -> DocumentStatus:
        return DocumentStatus(self.status)

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_sha256)

    def files_keep(self, *, pdf: bytes, pages: int, docx: bytes) -> None:
        """Hold a render's PDF, with its checksum, size and page count, and its Word file (the
        caller saves the row)."""
        self.pdf, self.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        self.pdf_pages, self.pdf_bytes, self.pdf_rendered_at = pages, len(pdf), timezone.now()
        self.docx = docx

    def files_discard(self) -> None:
        """A draft whose words or date changed no longer matches its files."""
        self.pdf, self.pdf_sha256, self.pdf_pages, self.pdf_bytes = None, "", None, None
        self.pdf_rendered_at = self.docx = None

    @property
    def pdf_filename(self) -> str:
        raise NotImplementedError  # each document names its files from what it is, never typed text

    @property
    def docx_filename(self) -> str:
        return self.pdf_filename.removesuffix(".pdf") + ".docx"

from django.db import models

from tracker.documents import DocumentStatus

# A statement is a draft until the performance team issues it, as every issued document is.
StatementStatus = DocumentStatus


class SectionKind(models.TextChoices):
    """The parts of a position statement the performance team writes or edits, in the shape of
    Sefton's own 2018 statement."""

    INTRODUCTION = "introduction", "Introduction"
    JOURNEY = "journey", "On our transformation journey"
    HAVE = "have", "We have"
    NEXT = "next", "Next we will"

from django.db import models


class StatementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class SectionKind(models.TextChoices):
    """The parts of a position statement the performance team writes or edits, in the shape of
    Sefton's own 2018 statement."""

    INTRODUCTION = "introduction", "Introduction"
    JOURNEY = "journey", "On our transformation journey"
    HAVE = "have", "We have"
    NEXT = "next", "Next we will"

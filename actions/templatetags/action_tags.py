"""Status, RAG and direction shown the same way on every page: a word, with colour as a second
signal, never alone."""

from django import template

from actions.choices import ActionStatus, Direction
from tracker.people import display_name
from tracker.text import document_title

register = template.Library()


@register.inclusion_tag("actions/_status_tag.html")
def status_tag(status):
    if status in (None, ""):
        return {"status": None}
    status = ActionStatus(status)
    return {"status": status, "rag": status.rag}


@register.inclusion_tag("actions/_direction.html")
def direction(value):
    return {"direction": Direction(value) if value else None}


@register.filter
def rag_hint(status):
    """'Shown as amber: some slippage, being managed', the RAG colour in words."""
    status = ActionStatus(status)
    return f"Shown as {status.rag.label.lower()}: {status.rag_meaning.lower()}"


@register.filter
def status_label(status):
    return ActionStatus(status).label if status else ""


@register.filter(name="display_name")
def display_name_filter(user):
    """A person as the app names them everywhere; empty for nobody, so ``default`` applies."""
    return display_name(user)


@register.filter(name="document_title")
def document_title_filter(filename: str) -> str:
    """A cited source document by its title, not its file name (``tracker.text``)."""
    return document_title(filename or "")

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def job_request_key():
    """A hidden field naming this one rendering of a form: posting it twice (a double-click, a
    resubmitted page) finds the job the first post started instead of starting another."""
    return format_html('<input type="hidden" name="request_key" value="{}">', uuid.uuid4().hex)

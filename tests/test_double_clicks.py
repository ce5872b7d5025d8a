"""Every submit button prevents double clicks (GOV.UK Frontend's Button module), so a slow
save on a phone is never sent twice."""

import re
from pathlib import Path

from django.conf import settings

BUTTON = re.compile(r"<button\b[^>]*>")


def test_it_prevents_double_clicks_on_every_submit_button():
    templates = Path(settings.BASE_DIR) / "templates"
    missing = [
        f"{path.relative_to(templates)}: {tag}"
        for path in templates.rglob("*.html")
        if "pdf" not in path.parts
        for tag in BUTTON.findall(path.read_text())
        if 'type="submit"' in tag
        and not ('data-prevent-double-click="true"' in tag and 'data-module="govuk-button"' in tag)
    ]
    assert not missing, "\n".join(missing)

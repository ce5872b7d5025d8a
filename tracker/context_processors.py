from django.conf import settings
from django.urls import reverse


def service(request):
    """Branding shown in every page header, so a council can rebrand without editing templates."""
    return {
        "service_name": settings.SERVICE_NAME,
        "council_short_name": settings.COUNCIL_SHORT_NAME,
    }


# (label, URL name, who sees it): apps add their pages here as they arrive.
NAVIGATION = [
    ("Reviews", "reviews:overview", None),
    ("Actions", "actions:action_list", None),
    ("Admin", "admin:index", "is_staff"),
]


def navigation(request):
    """The service navigation, with the current section marked for screen readers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, url_name, needs in NAVIGATION:
        if needs and not getattr(user, needs, False):
            continue
        url = reverse(url_name)
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "active": active})
    return {"navigation": items}

from django.urls import reverse

from accounts.roles import approves_updates, is_performance_team, leads_actions

# (label, URL name, who sees it): apps add their pages here as they arrive.
NAVIGATION = [
    ("Dashboard", "dashboard:dashboard", None),
    ("Reviews", "reviews:overview", None),
    ("Recommendations", "reviews:recommendation_list", None),
    ("Recurring themes", "reviews:recurring", None),
    ("My actions", "actions:my_actions", leads_actions),
    ("Actions", "actions:action_list", None),
    ("Approvals", "actions:approval_queue", approves_updates),
    ("Update rounds", "actions:round_list", is_performance_team),
    ("Cabinet reports", "reports:cabinet_report_list", None),
    ("Import", "imports:importbatch_create", "is_staff"),  # the performance team
    ("Admin", "admin:index", "is_staff"),
]


def navigation(request):
    """The service navigation, with the current section marked for screen readers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, url_name, needs in NAVIGATION:
        if needs and not (needs(user) if callable(needs) else getattr(user, needs, False)):
            continue
        url = reverse(url_name)
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "active": active})
    # A view may say which section it belongs to (the update form is part of My actions, as
    # its breadcrumb says, though its address is under /actions/).
    section = getattr(request, "navigation_section", None)
    if section and any(i["url"] == reverse(section) for i in items):
        for item in items:
            item["active"] = item["url"] == reverse(section)
        return {"navigation": items}
    # Only the most specific section is current: /actions/mine/ is My actions, not Actions.
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["url"]) == longest
    return {"navigation": items}

"""Every page each demo role can reach, checked with axe-core against WCAG 2.2 A and AA at
1280 px and 375 px: zero violations allowed. Pages are found by crawling from the start page
and the navigation, so pages added later are checked without editing this file."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

ROLES = ["officer", "director", "performance", "cabinet", "scrutiny"]
WIDTHS = [1280, 375]
MAX_PAGES_PER_ROLE = 60  # the footer adds help, statement, privacy, cookies, password pages
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SKIP_PREFIXES = ("/accounts/logout", "/accounts/login", "/admin/", "/static/", "/media/")
DOWNLOAD_MARKERS = ("_export=", "download", "format=", ".pdf", ".csv", ".xlsx", ".json", ".docx")

# getAttribute, not .href: links inside SVG charts have an SVGAnimatedString there.
ABSOLUTE_HREFS = (
    "as => as.map(a => new URL(a.getAttribute('href'), location.href).href.split('#')[0])"
)
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 120)),
  }));
}"""


def axe_violations(page) -> list[dict]:
    return page.evaluate(RUN_AXE, AXE_TAGS)


# What sticks out past the right edge (tables may: they scroll inside their own wrapper).
WIDE_ELEMENTS = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.app-table-wrapper, .govuk-visually-hidden, .govuk-skip-link'))
  .slice(0, 3).map(e => e.outerHTML.slice(0, 100))"""


def overflows(page) -> list[str]:
    """The elements that make the page scroll sideways, if it does."""
    if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
        return []
    return page.evaluate(WIDE_ELEMENTS) or ["(the page scrolls sideways)"]


def page_kind(path: str) -> tuple[str, bool]:
    """One page per view, filtered or not: 40 action pages share one template."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return (path, False)
    return (match.view_name, "?" in path)


def is_page_link(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.netloc}" == origin
        and not parts.path.startswith(SKIP_PREFIXES)
        and not any(marker in url.lower() for marker in DOWNLOAD_MARKERS)
    )


def crawl_and_check(page, origin: str, problems: list[str]) -> list[str]:
    """Visit up to MAX_PAGES_PER_ROLE pages breadth-first, noting every problem; return paths."""
    queue = [f"{origin}/", *links_in_navigation(page, origin)]
    seen, checked = set(), []
    while queue and len(checked) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if page_kind(path) in seen:
            continue
        seen.add(page_kind(path))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(url)
        if response is None or response.status == 404 or urlsplit(page.url).path != parts.path:
            continue  # a redirect target is visited under its own address
        checked.append(path)
        if response.status >= 400:
            problems.append(f"{path}: HTTP {response.status}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems.extend(
                f"{path} @{width}px: {v['id']} ({v['impact']}) {v['help']}: {v['nodes']}"
                for v in axe_violations(page)
            )
            if width < 400 and (wide := overflows(page)):
                problems.append(f"{path} @{width}px: the page scrolls sideways: {wide}")
        links = page.eval_on_selector_all("a[href]", ABSOLUTE_HREFS)
        queue.extend(link for link in links if is_page_link(link, origin))
    return checked


def links_in_navigation(page, origin):
    page.goto(f"{origin}/reviews/")
    links = page.eval_on_selector_all(".govuk-service-navigation a[href]", ABSOLUTE_HREFS)
    return [link for link in links if is_page_link(link, origin)]


def test_every_page_of_every_role_has_no_axe_violations(demo_data, new_page, live_server):
    problems, checked = [], {}
    for username in ROLES:
        page = new_page()
        page.sign_in(username)
        checked[username] = crawl_and_check(page, live_server.url, problems)
        problems.extend(f"{username}: {error}" for error in page.console_errors)
        page.context.close()
    summary = ", ".join(f"{role}: {len(paths)} pages" for role, paths in checked.items())
    print(f"\naxe checked at {WIDTHS} px — {summary}")
    for role, paths in checked.items():
        print(f"  {role}: {' '.join(paths)}")
    assert all(len(paths) >= 3 for paths in checked.values()), summary
    assert not problems, "\n".join([summary, *problems])


def test_the_sign_in_page_has_no_axe_violations(demo_data, new_page, live_server):
    for width in WIDTHS:
        page = new_page(width=width)
        page.goto(f"{live_server.url}/accounts/login/")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Sign in").click()  # empty: the error state
        page.wait_for_load_state()
        assert "There is a problem" in page.content()
        assert axe_violations(page) == []
        assert not overflows(page)
        assert page.console_errors == []


def test_axe_finds_a_violation_when_there_is_one(demo_data, new_page, live_server):
    # Proves the checks above can fail: an image without alternative text is a violation.
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]


def test_the_public_page_has_no_axe_violations_without_a_session(demo_data, new_page, live_server):
    # The demo council publishes; an issued report (stand-in files) gives the page its figures.
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reports.models import CabinetReport
    from reports.services import cabinet_report_create
    from reviews.models import Council, Review
    from tracker.quarters import FinancialQuarter

    council = Council.objects.get(short_name="Sefton")
    report = cabinet_report_create(
        council=council,
        quarter=FinancialQuarter(2024, 2),
        reviews=list(Review.objects.filter(council=council, slug="2023-cpc")),
        created_by=get_user_model().objects.get(username="performance"),
        meeting_date=dt.date(2024, 11, 14),
    )
    CabinetReport.objects.filter(pk=report.pk).update(
        pdf=b"%PDF-1.7", pdf_sha256="0" * 64, status="issued", issued_at=timezone.now(),
        issued_by=report.created_by, docx=b"PK",
    )  # fmt: skip
    for width in WIDTHS:
        page = new_page(width=width)
        response = page.goto(f"{live_server.url}/public/sefton/")
        assert response.status == 200
        assert "public" in response.headers["cache-control"]
        assert page.context.cookies() == []  # no session, no CSRF cookie
        assert axe_violations(page) == []
        assert not overflows(page)
        assert page.console_errors == []

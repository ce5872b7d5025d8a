"""Find every page a person can reach by following links, so security and accessibility tests
cover pages added after they were written without anyone listing them."""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.context_processors import NAVIGATION
from actions.choices import ActionStatus
from actions.services import progress_update_create
from reviews.models import PeerFeedback, PeerTeamMember
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    PortfolioFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)

# Never followed: signing out ends the crawl's session; the admin is crawled on purpose only.
SKIP_PREFIXES = ("/accounts/logout", "/admin/", "/static/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.post_actions: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.post_actions.append(attrs.get("action") or "")


def links_in(html: str, base: str) -> tuple[list[str], list[str]]:
    """Same-origin links and POST form targets in a page, as paths with their query strings."""
    parser = _Links()
    parser.feed(html)

    def local(href):
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("", "http", "https") or (url.netloc and url.netloc != "testserver"):
            return None
        return url.path + (f"?{url.query}" if url.query else "")

    links = [u for u in map(local, parser.links) if u]
    posts = [u for u in (local(a or base) for a in parser.post_actions) if u]
    return links, posts


def url_shape(url: str) -> tuple[str, frozenset[str]]:
    # ?sort=a and ?sort=b render the same template: visit one of each shape.
    parts = urlsplit(url)
    return parts.path, frozenset(k.split("=")[0] for k in parts.query.split("&") if k)


def navigation_urls() -> list[str]:
    """Every page in the service navigation (tracker.context_processors.NAVIGATION)."""
    urls = []
    for _label, url_name, _needs in NAVIGATION:
        try:
            urls.append(reverse(url_name))
        except NoReverseMatch:
            continue
    return urls


def crawl(client, start: str = "/", *, limit: int = 80, skip=SKIP_PREFIXES):
    """Follow same-origin links breadth-first from ``start`` (and, from "/", every navigation
    entry); return ({url: response}, posts).

    ``posts`` holds every URL a POST form on a visited page sends to.
    """
    seen_shapes, pages, posts = set(), {}, set()
    queue = [start, *(navigation_urls() if start == "/" else [])]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url_shape(url) in seen_shapes or (url.startswith(skip) and url != start):
            continue
        seen_shapes.add(url_shape(url))
        response = client.get(url)
        pages[url] = response
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            links, actions = links_in(response.content.decode(), url)
            queue.extend(links)
            posts.update(actions)
    return pages, posts


def plan_build(*, council, directorate, lead_officer, slug: str, text: str = "Plain words"):
    """One review of ``council`` with a theme, peer team, feedback, recommendation, action,
    milestone and a progress update: an object behind every kind of page."""
    review = ReviewFactory(council=council, slug=slug, title=f"{text} review", summary=text)
    theme = ThemeFactory(review=review, title=f"{text} theme", description=text)
    recommendation = RecommendationFactory(
        review=review, theme=theme, title=f"{text} recommendation", text=text
    )
    PeerTeamMember.objects.create(review=review, name=text, role=text, organisation=text)
    PeerFeedback.objects.create(review=review, recommendation=recommendation, text=text)
    action = ActionFactory(
        recommendation=recommendation,
        lead_officer=lead_officer,
        directorate=directorate,
        portfolio=PortfolioFactory(council=council, name=f"{text} portfolio"),
        description=text,
        expected_outcome=text,
        target_date=dt.date(2025, 3, 31),  # overdue: the overdue filter and its export have a row
    )
    MilestoneFactory(action=action, title=text)
    progress_update_create(
        action=action,
        author=lead_officer,
        status=ActionStatus.AT_RISK,
        percent_complete=40,
        commentary=text,
        recorded_at=timezone.make_aware(dt.datetime(2026, 9, 20, 12)),
    )
    return review

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def sefton(db):
    call_command("load_sefton", verbosity=0)


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sign_in_page_is_open_to_everyone(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in to Peer Challenge Tracker" in response.content


def test_a_wrong_password_shows_a_gov_uk_error_summary(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "nope"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'value="officer"' in response.content


def test_the_overview_lists_all_four_reviews_with_their_recommendations(
    client, sefton, cabinet_member
):
    client.force_login(cabinet_member)
    response = client.get(reverse("reviews:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Corporate Peer Challenge", "Progress", "Revisit"):
        assert title.lower() in page.lower()
    assert "6 recommendations" in page
    assert "5 recommendations" in page
    assert "10 recommendations" in page
    assert "Peer feedback on 5 earlier recommendations" in page
    assert "Increase Financial Reserves" in page


def test_the_overview_runs_the_same_number_of_queries_whatever_the_data(
    client, sefton, cabinet_member, django_assert_max_num_queries
):
    client.force_login(cabinet_member)
    with django_assert_max_num_queries(12):
        client.get(reverse("reviews:overview"))


def test_a_recommendation_page_shows_its_lineage_and_feedback(client, sefton, cabinet_member):
    client.force_login(cabinet_member)
    url = reverse("reviews:recommendation_detail", kwargs={"slug": "2022-revisit", "number": 5})
    page = client.get(url).content.decode()
    assert "Peer feedback" in page
    assert "Corporate Peer Challenge" in page and "follows up" in page.lower()


def test_a_review_page_shows_its_cycle_and_peer_team(client, sefton, cabinet_member):
    client.force_login(cabinet_member)
    page = client.get(
        reverse("reviews:review_detail", kwargs={"slug": "2023-cpc"})
    ).content.decode()
    assert "Next CPC due" in page and "November 2028" in page
    assert "Peer team" in page


def test_an_unknown_review_is_a_404(client, sefton, cabinet_member):
    client.force_login(cabinet_member)
    assert client.get("/reviews/no-such-review/").status_code == 404
    assert client.get("/reviews/2023-cpc/recommendations/99/").status_code == 404


def test_citations_name_the_source_document_by_its_title(client, sefton, cabinet_member):
    client.force_login(cabinet_member)
    url = reverse("reviews:recurring")
    page = client.get(url).content.decode()
    assert ".txt" not in page
    assert "Progress review note, January 2023" in page
    review = reverse("reviews:review_detail", kwargs={"slug": "2023-cpc"})
    page = client.get(review).content.decode()
    assert "Corporate Peer Challenge feedback report, November 2023" in page
    assert "2023-11-cpc-feedback-report.txt" not in page

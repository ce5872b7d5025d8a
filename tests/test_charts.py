"""The SVG charts: accessible, escaped, drawn from plain data, with their data tables."""

import datetime as dt

from django.template.loader import render_to_string

from charts import Chart, milestone_timeline, rag_by_theme, status_over_quarters


def test_it_draws_rag_by_theme_as_labelled_stacked_bars_with_links():
    chart = rag_by_theme(
        [("Governance and culture", {"red": 2, "green": 5}), ("Finance", {"amber": 1})],
        link=lambda index, rag: f"/actions/?theme={index}&rag={rag}",
    )
    assert isinstance(chart, Chart)
    assert chart.columns == ["Theme", "Red", "Amber", "Green", "Blue", "Grey", "Total"]
    assert chart.rows == [
        ["Governance and culture", 2, 0, 5, 0, 0, 7],
        ["Finance", 0, 1, 0, 0, 0, 1],
    ]
    svg = str(chart.svg)
    # With links inside, the chart is a group of links, not an image (axe nested-interactive).
    assert svg.startswith("<svg") and 'role="group"' in svg
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
    assert f'<title id="{chart.id}-title">' in svg and "<desc" in svg
    assert 'href="/actions/?theme=0&amp;rag=red"' in svg
    assert "5 Green" in svg  # the word on the bar, not colour alone
    # Each link's name starts with the words it shows (WCAG 2.5.3 label in name).
    assert 'aria-label="5 Green, Governance and culture: 5 Green actions: show them"' in svg
    assert "rag=blue" not in svg  # no link for an empty segment
    assert "8 actions across 2 themes" in chart.description


def test_a_chart_without_links_is_an_image():
    svg = str(rag_by_theme([("Finance", {"amber": 1})]).svg)
    assert 'role="img"' in svg and "<a " not in svg


def test_it_escapes_user_text_everywhere_in_the_svg():
    chart = rag_by_theme([('<script>alert("x")</script> & Co', {"red": 1})])
    svg = str(chart.svg)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg and "&amp; Co" in svg


def test_it_never_references_outside_the_svg():
    svg = str(status_over_quarters([("2026/27 Q2", {"closed": 2, "on_track": 1})]).svg)
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in svg and "style=" not in svg and "<image" not in svg


def test_it_tells_closed_from_not_started_by_pattern_and_word():
    chart = status_over_quarters(
        [("2026/27 Q1", {"not_started": 3}), ("2026/27 Q2", {"closed": 3})]
    )
    svg = str(chart.svg)
    assert f"url(#{chart.id}-hatch)" in svg
    assert "Closed / superseded" in svg and "Not started" in svg
    assert "From 2026/27 Q1 to 2026/27 Q2" in chart.description


def test_it_marks_milestones_done_due_or_overdue_in_words():
    today = dt.date(2026, 11, 23)
    items = [
        {"title": "Plan agreed", "due_date": dt.date(2026, 10, 10),
         "completed_on": dt.date(2026, 10, 9), "action_reference": "R1.1", "overdue": False},
        {"title": "Consultation", "due_date": dt.date(2026, 11, 1), "completed_on": None,
         "action_reference": "R1.2", "overdue": True},
        {"title": "Go live", "due_date": dt.date(2027, 2, 1), "completed_on": None,
         "action_reference": "R1.3", "overdue": False},
    ]  # fmt: skip
    chart = milestone_timeline(
        items,
        start=dt.date(2026, 10, 1),
        end=dt.date(2027, 3, 31),
        today=today,
        link=lambda item: f"/actions/{item['action_reference']}/",
    )
    assert [row[3] for row in chart.rows] == ["Done", "Overdue", "Due"]
    svg = str(chart.svg)
    assert "Today" in svg and "Overdue 1 Nov" in svg and "Done 10 Oct" in svg
    assert 'href="/actions/R1.2/"' in svg
    assert "1 done, 1 overdue and 1 still to come" in chart.description


def test_the_partial_shows_the_chart_with_its_data_table():
    chart = rag_by_theme([("Finance", {"red": 1})], link=lambda index, rag: "/actions/?rag=red")
    html = render_to_string("charts/_chart.html", {"chart": chart})
    assert "<figure" in html and "<figcaption" in html and chart.description in html
    assert "Show the data for this chart" in html and "govuk-details" in html
    assert '<th scope="row" class="govuk-table__header">Finance</th>' in html
    assert '<th scope="col"' in html
    assert 'href="/actions/?rag=red"' in html  # the same drill-down, for people not using SVG

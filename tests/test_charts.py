"""The SVG charts: accessible, escaped, drawn from plain data, with their data tables."""

import datetime as dt
import re

import pytest
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


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _labels_on_segments(svg: str):
    """(background, text colour) for each word drawn on a bar segment or on a print chip."""
    import re

    pattern = re.compile(
        r'<rect [^>]*fill="([^"]+)"[^>]*(?:/>|>.*?</rect>)'  # the segment
        r'(?:<rect [^>]*fill="([^"]+)"/>)?'  # a chip under the words, in print
        r'<text [^>]*fill="([^"]+)"[^>]*pointer-events="none">'
    )
    for segment, chip, text in pattern.findall(svg):
        yield chip or segment, text


def test_printed_charts_have_no_halo_and_every_label_keeps_its_contrast():
    rows = [("2026/27 Q1", dict.fromkeys(["off_track", "at_risk", "on_track", "complete"], 3))]
    rows.append(("2026/27 Q2", {"closed": 4, "not_started": 4, "complete": 2}))
    themes = [("Finance", {"red": 4, "amber": 4, "green": 4, "blue": 4, "grey": 4})]
    for chart in (status_over_quarters(rows, printed=True), rag_by_theme(themes, printed=True)):
        svg = str(chart.svg)
        assert "paint-order" not in svg and 'stroke-width="4"' not in svg
        labels = list(_labels_on_segments(svg))
        assert len(labels) >= 5
        for background, text in labels:
            assert not background.startswith("url("), "a word on a pattern needs a chip"
            assert _contrast(background, text) >= 4.5, (background, text)


def test_the_screen_charts_keep_their_halo():
    svg = str(rag_by_theme([("Finance", {"red": 4})]).svg)
    assert 'paint-order="stroke"' in svg


def test_printed_chart_text_is_near_body_size_and_its_title_describes_it():
    from charts.charts import FONT, PRINT_WIDTH, SMALL

    points_per_unit = 170 / PRINT_WIDTH * 72 / 25.4  # drawn across the 170 mm text width
    assert 9 <= SMALL * points_per_unit <= 11 and FONT * points_per_unit <= 12.5
    chart = rag_by_theme([("Finance", {"red": 1})], printed=True)
    assert f'viewBox="0 0 {PRINT_WIDTH} ' in str(chart.svg)
    # WeasyPrint makes the SVG <title> the figure's /Alt.
    assert f">{chart.title}. {chart.description}</title>" in str(chart.svg)


def test_printed_milestone_words_sit_on_a_chip_not_on_the_rule():
    chart = milestone_timeline(
        [{"title": "Report", "due_date": dt.date(2026, 8, 1), "completed_on": None,
          "action_reference": "R1.1", "overdue": True}],
        start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), today=dt.date(2026, 10, 1),
        printed=True,
    )  # fmt: skip
    svg = str(chart.svg)
    assert svg.index('fill="#ffffff"/><circle') < svg.index(">Overdue 1 Aug</text>")


def test_a_long_milestone_chart_is_printed_in_parts_that_each_fit_a_page():
    import re
    from types import SimpleNamespace

    from actions.progress import MilestoneState
    from reports.rendering import MILESTONE_ROWS_PER_FIGURE, charts_for
    from reports.snapshot import SnapshotMilestone

    milestones = [
        SnapshotMilestone(title=f"Milestone {i}", due_date=dt.date(2026, 7, i % 28 + 1),
                          completed_on=None, action=f"R1.{i}", state=MilestoneState.OVERDUE)
        for i in range(30)
    ]  # fmt: skip
    snapshot = SimpleNamespace(
        as_at=dt.date(2026, 9, 30),
        quarter=SimpleNamespace(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30)),
        milestones_due=milestones,
        rag_by_theme=(),
        status_over_quarters=(),
    )
    group = charts_for(snapshot, printed=True)[2]
    assert len(group["parts"]) == 3
    for part in group["parts"]:
        assert str(part).count("<circle") <= MILESTONE_ROWS_PER_FIGURE
    drawn = "".join(str(part) for part in group["parts"])
    assert all(f">R1.{i} Milestone {i}<" in drawn for i in range(30))  # every row drawn
    assert len(group["chart"].rows) == 30  # one data table with every row
    ids = [re.search(r'<title id="([^"]+)"', str(part)).group(1) for part in group["parts"]]
    assert len(set(ids)) == 3  # every part's ids are its own
    assert len(charts_for(snapshot, printed=False)[2]["parts"]) == 1


def _today_label_extent(svg: str) -> tuple[float, float, float]:
    """(left, right, viewBox width) of the "Today" label, from its x, anchor and estimated width."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    label = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>Today</text>', svg)
    x, anchor = float(label.group(1)), label.group(2)
    text_width = len("Today") * 17 * 0.6  # the charts' own generous estimate at the small size
    left = {"start": x, "middle": x - text_width / 2, "end": x - text_width}[anchor]
    return left, left + text_width, width


@pytest.mark.parametrize("printed", [False, True])
@pytest.mark.parametrize(
    "today", [dt.date(2026, 10, 1), dt.date(2026, 11, 15), dt.date(2026, 12, 31)]
)
def test_the_today_label_is_inside_the_chart_even_at_the_quarter_ends(today, printed):
    # The Cabinet report draws the time line as at the quarter's last day, so "Today" sits on
    # the right edge: centred on it, half the word was cut off in the PDF and the Word file.
    chart = milestone_timeline(
        [{"title": "Go live", "due_date": dt.date(2026, 11, 1), "completed_on": None,
          "action_reference": "R1.1", "overdue": False}],
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31),
        today=today,
        printed=printed,
    )  # fmt: skip
    left, right, width = _today_label_extent(str(chart.svg))
    assert left > 0 and right < width

import datetime as dt

import pytest

from tracker.quarters import FinancialQuarter


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(2024, 4, 1), "2024/25 Q1"),
        (dt.date(2024, 6, 30), "2024/25 Q1"),
        (dt.date(2024, 7, 1), "2024/25 Q2"),
        (dt.date(2024, 12, 31), "2024/25 Q3"),
        (dt.date(2025, 1, 1), "2024/25 Q4"),
        (dt.date(2025, 3, 31), "2024/25 Q4"),
        (dt.date(2099, 12, 31), "2099/00 Q3"),
    ],
)
def test_it_puts_a_day_in_its_financial_quarter(day, label):
    assert FinancialQuarter.containing(day).label == label


def test_it_gives_2024_25_q1_as_april_to_june_2024():
    quarter = FinancialQuarter.parse("2024-25-Q1")
    assert (quarter.start, quarter.end) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert quarter.months_label == "April to June 2024"


def test_it_ends_q4_on_31_march_of_the_next_calendar_year():
    quarter = FinancialQuarter(2023, 4)
    assert (quarter.start, quarter.end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert quarter.months_label == "January to March 2024"


def test_it_steps_back_from_q1_into_the_previous_year_q4():
    assert FinancialQuarter(2024, 1).previous() == FinancialQuarter(2023, 4)
    assert FinancialQuarter(2023, 4).next() == FinancialQuarter(2024, 1)


def test_it_lists_the_last_four_quarters_oldest_first():
    labels = [q.label for q in FinancialQuarter(2025, 2).last(4)]
    assert labels == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]


@pytest.mark.parametrize("text", ["2024/25 Q1", "2024-25-Q1", "2024-25 q1", " 2024/25Q1 "])
def test_it_reads_the_ways_people_write_a_quarter(text):
    assert FinancialQuarter.parse(text) == FinancialQuarter(2024, 1)


@pytest.mark.parametrize("text", ["2024-26-Q1", "2024-25-Q5", "Q1 2024", "", "2024"])
def test_it_refuses_what_is_not_a_quarter(text):
    with pytest.raises(ValueError, match="financial"):
        FinancialQuarter.parse(text)


def test_it_round_trips_its_slug():
    quarter = FinancialQuarter(1999, 3)
    assert quarter.slug == "1999-00-Q3"
    assert FinancialQuarter.parse(quarter.slug) == quarter


def test_every_day_of_a_year_falls_in_exactly_the_quarter_that_contains_it():
    day = dt.date(2023, 1, 1)
    while day.year < 2026:
        quarter = FinancialQuarter.containing(day)
        assert quarter.contains(day)
        assert not quarter.previous().contains(day)
        assert not quarter.next().contains(day)
        day += dt.timedelta(days=1)

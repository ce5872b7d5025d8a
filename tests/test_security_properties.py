"""Property-based tests of the financial-year calendar (hypothesis): every day belongs to exactly
one quarter, and labels, slugs and neighbours agree with each other."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.quarters import FinancialQuarter

days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(9998, 12, 31))
# Kept three years inside the supported range so neighbours and last(12) stay valid.
quarters = st.builds(FinancialQuarter, st.integers(1904, 9995), st.integers(1, 4))


@given(days)
def test_every_day_is_in_exactly_one_quarter(day):
    quarter = FinancialQuarter.containing(day)
    assert quarter.contains(day)
    assert not quarter.previous().contains(day)
    assert not quarter.next().contains(day)
    assert quarter.start <= day <= quarter.end


@given(days)
def test_a_quarter_starts_on_the_first_of_april_july_october_or_january(day):
    quarter = FinancialQuarter.containing(day)
    first_months = {1: 4, 2: 7, 3: 10, 4: 1}
    assert quarter.start.day == 1 and quarter.start.month == first_months[quarter.number]
    assert (quarter.end + dt.timedelta(days=1)).day == 1


@given(quarters)
def test_quarters_tile_the_calendar_without_gaps_or_overlaps(quarter):
    assert quarter.next().start == quarter.end + dt.timedelta(days=1)
    assert quarter.previous().end == quarter.start - dt.timedelta(days=1)
    assert quarter.next().previous() == quarter == quarter.previous().next()


@given(quarters)
def test_a_slug_and_a_label_read_back_as_the_same_quarter(quarter):
    assert FinancialQuarter.parse(quarter.slug) == quarter
    assert FinancialQuarter.parse(quarter.label) == quarter
    assert FinancialQuarter.containing(quarter.start) == quarter
    assert FinancialQuarter.containing(quarter.end) == quarter


@given(quarters, quarters)
def test_quarters_sort_in_date_order(first, second):
    assert (first < second) == (first.start < second.start)
    assert (first == second) == (first.start == second.start)


@given(quarters, st.integers(1, 12))
def test_last_n_quarters_are_consecutive_and_end_with_this_one(quarter, count):
    run = quarter.last(count)
    assert len(run) == count and run[-1] == quarter
    assert all(a.next() == b for a, b in itertools.pairwise(run))


@given(st.text(max_size=20))
def test_parsing_any_text_gives_a_quarter_or_a_clear_error(text):
    try:
        quarter = FinancialQuarter.parse(text)
    except ValueError as error:
        assert str(error)
    else:
        assert FinancialQuarter.parse(quarter.slug) == quarter


@given(st.integers(1901, 9997), st.integers(1, 4), st.integers(0, 99))
def test_a_financial_year_must_be_two_consecutive_years(start_year, number, suffix):
    text = f"{start_year}-{suffix:02d}-Q{number}"
    if suffix == (start_year + 1) % 100:
        assert FinancialQuarter.parse(text) == FinancialQuarter(start_year, number)
    else:
        with pytest.raises(ValueError, match="not one financial year"):
            FinancialQuarter.parse(text)

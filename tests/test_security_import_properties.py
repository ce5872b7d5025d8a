"""Property-based tests (hypothesis) of the spreadsheet parsers: dates as people type them,
percentages, headers, and the formula neutralising that keeps exports safe to open."""

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.text import normalise_text

parsing = pytest.importorskip("imports.parsing")

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(days)
def test_a_date_written_the_uk_way_reads_back_as_the_same_day(day):
    for text in (
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
    ):
        assert parsing.parse_date(text) == day, text


@given(days)
def test_a_month_and_year_means_the_last_day_of_that_month(day):
    parsed = parsing.parse_date(f"{day:%B %Y}")
    assert (parsed.year, parsed.month) == (day.year, day.month)
    assert (parsed + dt.timedelta(days=1)).day == 1


@given(st.text(max_size=30))
def test_any_text_is_a_date_nothing_or_a_clear_error(text):
    try:
        parsed = parsing.parse_date(text)
    except ValueError as error:
        assert "is not a date" in str(error)
    else:
        assert parsed is None or isinstance(parsed, dt.date)


@given(st.integers(0, 100))
def test_a_percentage_reads_back_with_or_without_its_sign(number):
    assert parsing.parse_percent(str(number)) == number
    assert parsing.parse_percent(f"{number}%") == number
    assert parsing.parse_percent(float(number)) == number


@given(st.integers().filter(lambda n: not 0 <= n <= 100))
def test_a_percentage_outside_0_to_100_is_refused(number):
    with pytest.raises(ValueError, match="not between 0 and 100"):
        parsing.parse_percent(str(number))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_header_keys_ignore_case_spacing_and_punctuation(text):
    key = parsing.header_key(text)
    assert key == parsing.header_key(text.upper()) == parsing.header_key(f"  {text} ")
    assert key == parsing.header_key(key)
    assert all(c.isascii() and c.isalnum() for c in key)


# Text as a cell holds it: no surrounding spaces, no carriage returns. (Text that itself starts
# with an apostrophe before a formula sign loses that apostrophe on reading: not covered here.)
cell_texts = st.text(max_size=40).map(str.strip).filter(lambda t: "\r" not in t)


@given(cell_texts.filter(lambda t: not t.startswith("'")))
@example("\x00\t0")  # a control character before a tab: the tab is quoted, then read as space
def test_neutralised_text_never_starts_a_formula_and_reads_back_unchanged(text):
    safe = parsing.neutralise(text)
    assert not safe.startswith(parsing.FORMULA_PREFIXES)
    # Control characters are normalised on the way out (tracker.text); all else reads back.
    assert parsing.cell_text(safe) == parsing.cell_text(normalise_text(text))
    if text == normalise_text(text):
        assert parsing.cell_text(safe) == text


@given(st.sampled_from(["=", "+", "-", "@"]), cell_texts)
def test_formula_like_text_is_quoted(prefix, rest):
    assert parsing.neutralise(prefix + rest) == "'" + prefix + normalise_text(rest)

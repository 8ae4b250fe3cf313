"""Small-number suppression: no count from 1 to 7 can be read, or worked back, from a document."""

import itertools

import pytest

from discharge.disclosure import HIDDEN, disclosed_count, disclosed_percentage


@pytest.mark.parametrize("count", range(1, 8))
def test_counts_from_one_to_seven_are_hidden(count):
    assert disclosed_count(count) == HIDDEN


def test_zero_and_larger_counts_are_shown_rounded_to_five():
    assert [disclosed_count(n) for n in (0, 8, 10, 12, 13, 23, 100)] == [0, 10, 10, 10, 15, 25, 100]


def test_a_hidden_count_cannot_be_worked_back_from_a_total():
    # For every table of two counts, one of them hidden, the shown total and the shown other count
    # are the same for at least two different hidden values: the hidden one cannot be recovered.
    seen = {}
    for hidden, other in itertools.product(range(1, 8), range(0, 80)):
        shown = (disclosed_count(other), disclosed_count(hidden + other))
        seen.setdefault(shown, set()).add(hidden)
    for shown, hidden_values in seen.items():
        assert len(hidden_values) >= 2, (shown, hidden_values)


def test_percentages_hide_a_small_part_or_a_small_remainder():
    assert disclosed_percentage(3, 40) == HIDDEN
    assert disclosed_percentage(37, 40) == HIDDEN  # 3 not done
    assert disclosed_percentage(20, 40) == 50
    assert disclosed_percentage(0, 0) is None

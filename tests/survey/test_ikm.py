"""The IKM of PermenPAN-RB 14/2017: worked examples, boundaries, and the regulation's method."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpp_digital.survey import ikm


def test_everyone_answering_the_same_gives_that_answer_times_25():
    for answer, score, grade in ((1, "25.00", "D"), (2, "50.00", "D"), (3, "75.00", "C"),
                                 (4, "100.00", "A")):
        result = ikm.from_answers([[answer] * 9] * 7)
        assert result.score == Decimal(score) and result.grade == grade
        assert result.respondents == 7


def test_a_hand_computed_example_by_the_regulation_method():
    # Four respondents. Per element: total of answers ÷ respondents = NRR per unsur;
    # NRR tertimbang = Σ NRR × 0.111…; IKM = NRR tertimbang × 25.
    responses = [
        (3, 3, 2, 4, 3, 3, 4, 2, 3),
        (4, 3, 3, 4, 3, 4, 4, 3, 3),
        (3, 2, 2, 4, 3, 3, 3, 2, 4),
        (4, 4, 3, 4, 4, 3, 4, 3, 3),
    ]
    # Totals per element: 14 12 10 16 13 13 15 10 13 = 116; NRR: 3.5 3 2.5 4 3.25 3.25 3.75
    # 2.5 3.25. Σ NRR = 29; × 1/9 = 3.2222…; × 25 = 80.5555… → 80.56, grade B (Baik).
    result = ikm.from_answers(responses)
    assert result.element_means == tuple(Fraction(t, 4) for t in (14, 12, 10, 16, 13, 13, 15,
                                                                    10, 13))
    assert result.raw == Fraction(29, 9)
    assert result.score == Decimal("80.56")
    assert (result.grade, result.performance) == ("B", "Baik")
    assert result.element_scores()[2] == Decimal("62.50")


@pytest.mark.parametrize("score, grade", [
    ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
])
def test_grade_boundaries(score, grade):
    assert ikm.grade_of(Decimal(score))[0] == grade


def test_boundaries_reached_through_the_computation():
    # Totals chosen so that the converted value lands on each side of each boundary.
    def score_of(total_points, respondents):
        # Spread `total_points` over nine elements as evenly as the scale allows.
        base, extra = divmod(total_points, 9)
        totals = [base + (1 if i < extra else 0) for i in range(9)]
        return ikm.from_totals(totals, respondents)

    # raw × 25 = total_points × 25 / (9 × n). With n = 100: 88.31 needs ≥ 3179.16 points.
    assert score_of(3179, 100).score == Decimal("88.31") and score_of(3179, 100).grade == "A"
    assert score_of(3178, 100).score == Decimal("88.28") and score_of(3178, 100).grade == "B"
    assert score_of(2758, 100).score == Decimal("76.61") and score_of(2758, 100).grade == "B"
    assert score_of(2757, 100).score == Decimal("76.58") and score_of(2757, 100).grade == "C"
    assert score_of(2340, 100).score == Decimal("65.00") and score_of(2340, 100).grade == "C"
    assert score_of(2339, 100).score == Decimal("64.97") and score_of(2339, 100).grade == "D"


def test_half_a_hundredth_rounds_up():
    # Σ totals × 25 / (9 × 5000) = 88.305 exactly when Σ totals = 158,949.
    base, extra = divmod(158949, 9)
    totals = [base + (1 if i < extra else 0) for i in range(9)]
    result = ikm.from_totals(totals, 5000)
    assert result.raw * 25 == Fraction(88305, 1000)
    assert result.score == Decimal("88.31") and result.grade == "A"


def test_no_respondents_is_no_index_and_bad_answers_are_refused():
    assert ikm.from_answers([]) is None
    with pytest.raises(ValueError):
        ikm.from_answers([(5, 3, 3, 3, 3, 3, 3, 3, 3)])
    with pytest.raises(ValueError):
        ikm.from_answers([(3, 3, 3)])
    with pytest.raises(ValueError):
        ikm.from_totals([0] * 9, 1)
    with pytest.raises(ValueError):
        ikm.grade_of(Decimal("24.99"))


@given(st.lists(st.lists(st.integers(1, 4), min_size=9, max_size=9), min_size=1, max_size=40))
def test_the_index_matches_the_floating_point_formula_and_stays_in_range(responses):
    result = ikm.from_answers(responses)
    n = len(responses)
    expected = sum(sum(r[i] for r in responses) / n for i in range(9)) * 0.111 * 25
    # The regulation's worked examples use 0.111 for 1/9; exact 1/9 differs by at most 0.1 %.
    assert abs(float(result.score) - expected) <= 0.1 + 0.01
    assert Decimal("25.00") <= result.score <= Decimal("100.00")
    assert result.grade == ikm.grade_of(result.score)[0]


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.integers(n, 4 * n), min_size=9, max_size=9))))
def test_the_index_is_each_elements_mean_weighted_one_ninth(case):
    """from_totals() makes Σ totals / (9 × respondents) at once: the regulation's sum of the
    nine means × 1/9, exactly."""
    respondents, totals = case
    result = ikm.from_totals(totals, respondents)
    assert result.raw == sum(Fraction(t, respondents) * Fraction(1, 9) for t in totals)
    assert result.element_means == tuple(Fraction(t, respondents) for t in totals)

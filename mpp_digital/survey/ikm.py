"""The Indeks Kepuasan Masyarakat, exactly as PermenPAN-RB 14/2017 computes it.

Each of the nine elements (unsur) is answered on a 1–4 scale. The index is the mean answer of
each element, weighted 1/9 each, summed, and converted to 25–100 by multiplying by 25. The
grade is read from the converted value rounded to two decimals: A from 88.31, B from 76.61,
C from 65.00, D below. Arithmetic is exact (fractions) until that one rounding, so a result
never lands on the wrong side of a boundary through floating-point error.

Pure: no database, no Flask. The survey's operations sum the answers in SQL and pass the
totals here.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ELEMENTS = 9
CONVERSION = 25

# (lowest converted value, grade, the regulation's words for the unit's performance)
GRADES = ((Decimal("88.31"), "A", "Sangat baik"),
          (Decimal("76.61"), "B", "Baik"),
          (Decimal("65.00"), "C", "Kurang baik"),
          (Decimal("25.00"), "D", "Tidak baik"))


@dataclass(frozen=True)
class Ikm:
    respondents: int
    totals: tuple             # the sum of each element's answers
    raw: Fraction             # Σ mean × 1/9, on the 1–4 scale (NRR tertimbang)
    score: Decimal            # raw × 25, rounded half up to two decimals (25.00–100.00)
    grade: str                # A, B, C or D
    performance: str          # "Sangat baik" … "Tidak baik"

    @property
    def element_means(self):
        """Nine Fractions: the mean answer per element (NRR per unsur). Worked out when read:
        a table of indexes by agency or service shows only the score."""
        return tuple(Fraction(total, self.respondents) for total in self.totals)

    def element_scores(self):
        """Each element's mean converted to 25–100, two decimals, for the report's table."""
        return tuple(_two_decimals(mean * CONVERSION) for mean in self.element_means)


def grade_of(score):
    """(grade, performance) for a converted value (25–100, two decimals)."""
    score = Decimal(score)
    for lowest, grade, performance in GRADES:
        if score >= lowest:
            return grade, performance
    raise ValueError(f"an IKM cannot be below 25: {score}")


def from_totals(totals, respondents):
    """The index from the sum of the answers to each element over `respondents` responses.

    None when nobody answered: an index of no responses is not zero, it does not exist.
    """
    totals = tuple(totals)
    if len(totals) != ELEMENTS:
        raise ValueError(f"need the totals of {ELEMENTS} elements, got {len(totals)}")
    if respondents <= 0:
        return None
    if any(not respondents <= total <= 4 * respondents for total in totals):
        raise ValueError("each answer is between 1 and 4")
    # Σ mean × 1/9 = Σ totals / (9 × respondents): the same fraction, made once.
    raw = Fraction(sum(totals), ELEMENTS * respondents)
    score = _two_decimals(raw * CONVERSION)
    return Ikm(respondents, totals, raw, score, *grade_of(score))


def from_answers(responses):
    """The index of a list of responses, each nine answers from 1 to 4."""
    totals, count = [0] * ELEMENTS, 0
    for answers in responses:
        answers = tuple(answers)
        if len(answers) != ELEMENTS or any(a not in (1, 2, 3, 4) for a in answers):
            raise ValueError(f"a response is {ELEMENTS} answers from 1 to 4: {answers}")
        totals = [t + a for t, a in zip(totals, answers)]
        count += 1
    return from_totals(totals, count)


def _two_decimals(value):
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

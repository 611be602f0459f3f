"""The visit planner on its own: every plan it returns fits (no overlap, the walk between
counters, each step in a free slot of its day, what a step needs comes first), it finds a
plan whenever one exists and keeps the one with the least time at the hall; when none
exists it says which service blocks and plans the rest without it."""
from datetime import date, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_digital.booking.planner import (Need, Opening, PlanningError, orders, plan,
                                         plan_day)

DAY = date(2027, 1, 4)
WALK = timedelta(minutes=10)
_ids = iter(range(1, 10**9))


def at(hour, minute=0, day=DAY):
    return datetime(day.year, day.month, day.day, hour, minute)


def slots(start, end, minutes, day=DAY):
    """Openings every `minutes` from `start` to `end` (hours, local)."""
    found, moment = [], at(start, day=day)
    while moment + timedelta(minutes=minutes) <= at(end, day=day):
        found.append(Opening(moment, moment + timedelta(minutes=minutes), next(_ids)))
        moment += timedelta(minutes=minutes)
    return found


def _fits(found, needs, openings, walk=WALK):
    """The plan's steps: one per need, each a given opening, in order, apart by the walk."""
    assert sorted(step.key for step in found.steps) == sorted(need.key for need in needs)
    after = {need.key: need.after for need in needs}
    seen = set()
    for step in found.steps:
        assert step.opening in openings[step.key]
        assert after[step.key] & {n.key for n in needs} <= seen
        seen.add(step.key)
    for one, two in zip(found.steps, found.steps[1:]):
        assert one.opening.ends + walk <= two.opening.starts


def test_two_services_fit_one_after_the_other_with_a_walk_between():
    openings = {"akta": slots(8, 12, 15), "kk": slots(8, 12, 15)}
    found = plan_day(DAY, [Need("akta"), Need("kk")], openings, WALK)
    _fits(found, [Need("akta"), Need("kk")], openings)
    # 08.00–08.15, a 10-minute walk, then the next slot on the quarter hour: 08.30–08.45.
    assert found.span == timedelta(minutes=45)


def test_what_a_step_needs_comes_first():
    needs = [Need("kia", frozenset({"kk"})), Need("kk")]
    openings = {"kk": slots(8, 12, 15), "kia": slots(8, 12, 15)}
    found = plan_day(DAY, needs, openings, WALK)
    assert [step.key for step in found.steps] == ["kk", "kia"]


def test_the_visit_is_kept_short_rather_than_early():
    # The first service is free at 08.00 and 13.00, the second only at 13.30: come at 13.00.
    first = [Opening(at(8), at(8, 15), 1), Opening(at(13), at(13, 15), 2)]
    second = [Opening(at(13, 30), at(13, 45), 3)]
    found = plan_day(DAY, [Need("a"), Need("b")], {"a": first, "b": second}, WALK)
    assert [step.opening.slot_id for step in found.steps] == [2, 3]


def test_mixed_slot_lengths():
    openings = {"paspor": slots(8, 12, 30), "skck": slots(8, 12, 15), "sim": slots(9, 11, 20)}
    needs = [Need(key) for key in openings]
    found = plan_day(DAY, needs, openings, WALK)
    _fits(found, needs, openings)
    assert (found.span, found.starts) == _best_by_brute_force(needs, openings, WALK)
    assert found.span < timedelta(minutes=30 + 10 + 15 + 10 + 20 + 30)


def test_an_agency_present_on_some_days_moves_the_plan_to_its_day():
    monday, wednesday = DAY, DAY + timedelta(days=2)
    days = {monday: {"kk": slots(8, 12, 15, monday)},
            wednesday: {"kk": slots(8, 12, 15, wednesday),
                        "nikah": slots(9, 11, 30, wednesday)}}
    found = plan([Need("kk"), Need("nikah")], days, WALK)
    assert [p.day for p in found.plans] == [wednesday]


def test_with_no_plan_the_blocking_service_is_named_and_the_rest_planned():
    days = {DAY: {"akta": slots(8, 12, 15), "kk": slots(8, 12, 15), "bpn": []}}
    found = plan([Need("akta"), Need("kk"), Need("bpn")], days, WALK)
    assert found.plans == [] and found.blocking == ["bpn"] and found.full == {"bpn"}
    assert {step.key for step in found.without[0].steps} == {"akta", "kk"}


def test_services_that_never_meet_on_a_day_block_each_other():
    monday, tuesday = DAY, DAY + timedelta(days=1)
    days = {monday: {"a": slots(8, 9, 15, monday)}, tuesday: {"b": slots(8, 9, 15, tuesday)}}
    found = plan([Need("a"), Need("b")], days, WALK)
    assert found.plans == [] and found.blocking == ["a", "b"] and found.full == set()
    assert found.without[0].day == tuesday                  # without "a": "b" on Tuesday


def test_a_day_too_short_for_the_sequence_has_no_plan():
    openings = {"a": [Opening(at(8), at(8, 30), 1)], "b": [Opening(at(8, 30), at(9), 2)]}
    assert plan_day(DAY, [Need("a"), Need("b")], openings, WALK) is None   # no time to walk
    assert plan_day(DAY, [Need("a"), Need("b")], openings, timedelta(0)) is not None


def test_a_cycle_of_needs_is_refused():
    with pytest.raises(PlanningError):
        list(orders([Need("a", frozenset({"b"})), Need("b", frozenset({"a"}))]))


# --- properties ------------------------------------------------------------------------------

@st.composite
def problems(draw):
    count = draw(st.integers(1, 4))
    keys = [f"s{n}" for n in range(count)]
    needs = [Need(key, frozenset(draw(st.sets(st.sampled_from(keys[:n]), max_size=n))
                                 if n else ()))
             for n, key in enumerate(keys)]
    openings = {}
    for key in keys:
        length = draw(st.sampled_from([10, 15, 20, 30, 60]))
        starts = draw(st.lists(st.integers(0, 8 * 60 // 5), max_size=5, unique=True))
        openings[key] = [Opening(at(8) + timedelta(minutes=5 * s),
                                 at(8) + timedelta(minutes=5 * s + length), next(_ids))
                         for s in starts]
    return needs, openings, timedelta(minutes=draw(st.sampled_from([0, 5, 10])))


def _best_by_brute_force(needs, openings, walk):
    """The least span (then the earliest start) over every choice of openings and order."""
    best = None
    keys = [need.key for need in needs]
    for order in orders(needs):
        for chosen in product(*(openings[key] for key in order)):
            if all(a.ends + walk <= b.starts for a, b in zip(chosen, chosen[1:])):
                score = (chosen[-1].ends - chosen[0].starts, chosen[0].starts)
                best = score if best is None or score < best else best
    return best if keys else None


@settings(max_examples=300, deadline=None)
@given(problems())
def test_any_plan_fits_and_none_is_missed_or_longer_than_needed(problem):
    needs, openings, walk = problem
    found = plan_day(DAY, needs, openings, walk)
    best = _best_by_brute_force(needs, openings, walk)
    if found is None:
        assert best is None
    else:
        _fits(found, needs, openings, walk)
        assert (found.span, found.starts) == best

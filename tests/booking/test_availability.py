from datetime import date, datetime, time, timezone

from mpp_digital.booking.availability import bookable, day_plan

MONDAY = date(2026, 11, 30)
MORNING = [(time(8), time(12))]


def test_a_morning_is_cut_into_slots_that_fit():
    plan = day_plan(MONDAY, [(time(8), time(11, 50))], 15, 1)
    assert [p.starts_at.time() for p in plan][:3] == [time(8), time(8, 15), time(8, 30)]
    assert plan[-1].ends_at.time() == time(11, 45) and len(plan) == 15


def test_several_spans_make_slots_in_each():
    plan = day_plan(MONDAY, [(time(8), time(9)), (time(13), time(14))], 30, 2)
    assert [p.starts_at.time() for p in plan] == [time(8), time(8, 30), time(13), time(13, 30)]
    assert all(p.seats == 2 and p.online == 2 for p in plan)


def test_the_walk_in_share_is_held_back_evenly_across_the_day():
    plan = day_plan(MONDAY, MORNING, 15, 1, walkin_share=25)     # 16 slots, 4 kept back
    assert sum(p.online for p in plan) == 12
    held = [i for i, p in enumerate(plan) if p.online == 0]
    assert held == [3, 7, 11, 15]


def test_the_daily_quota_caps_the_seats_before_the_walk_in_share():
    plan = day_plan(MONDAY, MORNING, 15, 2, daily_quota=20, walkin_share=20)   # 32 seats
    assert sum(p.seats for p in plan) == 20 and sum(p.online for p in plan) == 16
    assert all(0 <= p.online <= p.seats <= 2 for p in plan)


def test_a_full_walk_in_share_leaves_nothing_online_and_a_closed_day_nothing_at_all():
    assert sum(p.online for p in day_plan(MONDAY, MORNING, 15, 1, walkin_share=100)) == 0
    assert day_plan(MONDAY, [], 15, 1) == []


def test_the_cut_off_closes_a_slot_shortly_before_it_starts():
    start = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)
    assert bookable(start, datetime(2026, 11, 29, 23, 59, tzinfo=timezone.utc), 60)
    assert not bookable(start, datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc), 60)
    assert not bookable(start, datetime(2026, 11, 30, 0, 30, tzinfo=timezone.utc), 60)

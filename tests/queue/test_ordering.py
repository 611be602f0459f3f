from datetime import datetime, timedelta

from mpp_digital.queue.ordering import Policy, Waiting, order

T0 = datetime(2027, 1, 4, 1, 0)


def _ids(tickets, now, policy=Policy()):
    return [t.id for t in order(tickets, now, policy)]


def minutes(n):
    return T0 + timedelta(minutes=n)


def test_walk_ins_are_called_in_arrival_order():
    tickets = [Waiting(3, minutes(2)), Waiting(1, minutes(0)), Waiting(2, minutes(1))]
    assert _ids(tickets, minutes(5)) == [1, 2, 3]


def test_a_priority_visitor_goes_ahead_of_recent_arrivals():
    tickets = [Waiting(1, minutes(0)), Waiting(2, minutes(10)), Waiting(3, minutes(20), True)]
    assert _ids(tickets, minutes(21)) == [3, 1, 2]


def test_a_normal_ticket_that_waited_long_enough_is_not_passed_again():
    old = Waiting(1, minutes(0))
    late_priority = Waiting(2, minutes(31), priority=True)
    assert _ids([old, late_priority], minutes(32)) == [1, 2]
    just_within = Waiting(3, minutes(29), priority=True)
    assert _ids([old, just_within], minutes(32)) == [3, 1]


def test_a_due_booking_goes_before_walk_ins_and_an_early_one_waits_its_turn():
    walk_in = Waiting(1, minutes(0))
    booked = Waiting(2, minutes(20), due_at=minutes(30))
    assert _ids([walk_in, booked], minutes(21)) == [1, 2]        # 9 minutes early: not yet
    assert _ids([walk_in, booked], minutes(26)) == [2, 1]        # within the 5-minute grace
    assert _ids([walk_in, booked, Waiting(3, minutes(1), True)], minutes(40)) == [2, 3, 1]


def test_the_policy_is_configurable():
    tickets = [Waiting(1, minutes(0)), Waiting(2, minutes(10), priority=True)]
    assert _ids(tickets, minutes(11), Policy(priority_boost=timedelta(minutes=5))) == [1, 2]
    assert _ids(tickets, minutes(11), Policy(priority_boost=timedelta(minutes=15))) == [2, 1]


def test_ties_fall_back_to_arrival_then_id():
    tickets = [Waiting(5, minutes(0)), Waiting(4, minutes(0))]
    assert _ids(tickets, minutes(1)) == [4, 5]

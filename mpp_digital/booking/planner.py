"""Planning one trip for several services: a pure function of the free seats.

Given the services a citizen needs at one hall, which of them needs the result of which, and,
for each day, the free slots of each service's offering (only seats offered online: the
walk-in reserve and the daily quota are already out of them), it proposes for each day a
sequence of slots that do not overlap, leave `walk` between one counter and the next, and put
a service after the services whose result it needs. Of the sequences possible on a day it
keeps the one with the least time at the hall, then the earliest.

Nothing here reads the database or the clock; `booking.visits` feeds it.
"""
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import permutations


@dataclass(frozen=True, order=True)
class Opening:
    """A slot with at least one free seat."""
    starts: datetime
    ends: datetime
    slot_id: int


@dataclass(frozen=True)
class Need:
    """A service of the visit; `after` holds the services of the visit it needs first."""
    key: object
    after: frozenset = frozenset()


@dataclass(frozen=True)
class Step:
    key: object
    opening: Opening


@dataclass(frozen=True)
class Plan:
    day: date
    steps: tuple

    @property
    def starts(self):
        return self.steps[0].opening.starts

    @property
    def ends(self):
        return self.steps[-1].opening.ends

    @property
    def span(self):
        return self.ends - self.starts


@dataclass
class Planning:
    """Plans for the days on which every service fits (earliest day first); when there is
    none, `blocking` names the services without which the others fit, and `without` holds
    the plans for the rest."""
    plans: list
    blocking: list = field(default_factory=list)
    without: list = field(default_factory=list)
    # The services with no free seat on any day asked.
    full: set = field(default_factory=set)


class PlanningError(ValueError):
    """The needs cannot be ordered (a service needs itself, through others)."""


def orders(needs):
    """Every order of the needs in which each comes after what it needs (a generator)."""
    keys = [need.key for need in needs]
    after = {need.key: need.after & set(keys) for need in needs}
    if not _acyclic(after):
        raise PlanningError("the services' dependencies form a cycle")
    for order in permutations(keys):
        seen = set()
        for key in order:
            if not after[key] <= seen:
                break
            seen.add(key)
        else:
            yield order


def _acyclic(after):
    done, visiting = set(), set()

    def visit(key):
        if key in done:
            return True
        if key in visiting:
            return False
        visiting.add(key)
        ok = all(visit(other) for other in after[key])
        visiting.discard(key)
        done.add(key)
        return ok
    return all(visit(key) for key in after)


def _first_from(openings, starts, moment):
    """The first opening (by start) that starts at or after `moment`, or None."""
    index = bisect_left(starts, moment)
    return openings[index] if index < len(openings) else None


def plan_day(day, needs, openings, walk, order_list=None):
    """The best plan of one day, or None. `openings`: {key: [Opening]} of that day."""
    if any(not openings.get(need.key) for need in needs):
        return None
    sorted_openings = {key: sorted(openings[key]) for key in (n.key for n in needs)}
    starts = {key: [o.starts for o in value] for key, value in sorted_openings.items()}
    best = None
    for order in order_list if order_list is not None else orders(needs):
        first = order[0]
        for anchor in sorted_openings[first]:
            steps = [Step(first, anchor)]
            moment = anchor.ends + walk
            for key in order[1:]:
                found = _first_from(sorted_openings[key], starts[key], moment)
                if found is None:
                    break
                steps.append(Step(key, found))
                moment = found.ends + walk
            else:
                plan = Plan(day, tuple(steps))
                if best is None or (plan.span, plan.starts) < (best.span, best.starts):
                    best = plan
                continue
            break                   # no later anchor can fit the rest either
    return best


def plan(needs, days, walk=timedelta(minutes=10), limit=3):
    """Plans for up to `limit` days. `days`: {day: {key: [Opening]}}, any order."""
    needs = list(needs)
    order_list = list(orders(needs))
    plans = []
    for day in sorted(days):
        found = plan_day(day, needs, days[day], walk, order_list)
        if found is not None:
            plans.append(found)
            if len(plans) >= limit:
                break
    if plans or len(needs) < 2:
        return Planning(plans, full=_full(needs, days))
    blocking, without = [], []
    for need in needs:
        rest = [Need(other.key, other.after - {need.key}) for other in needs if other is not need]
        found = plan(rest, days, walk, limit).plans
        if found:
            blocking.append(need.key)
            if not without:
                without = found
    return Planning([], blocking, without, _full(needs, days))


def _full(needs, days):
    return {need.key for need in needs
            if not any(openings.get(need.key) for openings in days.values())}

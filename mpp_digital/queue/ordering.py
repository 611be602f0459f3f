"""Who is called next: one pure, configurable function of the waiting tickets and the time.

1. A checked-in booking whose time has come (due_at - grace ≤ now) goes first, earliest first:
   the citizen booked to avoid the queue.
2. Everyone else by how long they have waited, where a priority visitor (lansia, disabilitas,
   ibu hamil, small children) counts as having waited `priority_boost` longer. So priority
   visitors go ahead, yet a normal ticket that has waited long enough is not passed forever.
3. Ties: the earlier arrival, then the lower ticket id.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    priority_boost: timedelta = timedelta(minutes=30)
    appointment_grace: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Waiting:
    id: int
    arrived_at: datetime
    priority: bool = False
    due_at: datetime | None = None


def order(waiting, now, policy=Policy()):
    """The waiting tickets in the order they should be called."""
    def key(ticket):
        if ticket.due_at is not None and ticket.due_at - policy.appointment_grace <= now:
            return (0, ticket.due_at, ticket.arrived_at, ticket.id)
        credit = ticket.arrived_at - (policy.priority_boost if ticket.priority else timedelta())
        return (1, credit, ticket.arrived_at, ticket.id)
    return sorted(waiting, key=key)

"""Seats: the only way a slot's `booked` count changes.

The statements are built once, with bind parameters: a booking runs them on every request,
and constructing one costs more than running it.
"""
from sqlalchemy import bindparam, update

from .models import Slot

_slot = Slot.__table__
_TAKE = (update(_slot).where(_slot.c.id == bindparam("slot"), _slot.c.booked < _slot.c.capacity,
                             _slot.c.retired.is_(False))
         .values(booked=_slot.c.booked + 1))
_RELEASE = (update(_slot).where(_slot.c.id == bindparam("slot"), _slot.c.booked > 0)
            .values(booked=_slot.c.booked - 1))


def take_seat(session, slot_id):
    """The only way a seat is taken: one conditional UPDATE, and its row count decides."""
    return session.connection().execute(_TAKE, {"slot": slot_id}).rowcount == 1


def release_seat(session, slot_id):
    session.connection().execute(_RELEASE, {"slot": slot_id})

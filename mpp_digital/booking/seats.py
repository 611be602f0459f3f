"""Seats: the only way a slot's `booked` count changes."""
from sqlalchemy import update

from .models import Slot


def take_seat(session, slot_id):
    """The only way a seat is taken: one conditional UPDATE, and its row count decides."""
    result = session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked < Slot.capacity,
                           Slot.retired.is_(False))
        .values(booked=Slot.booked + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_seat(session, slot_id):
    session.execute(update(Slot).where(Slot.id == slot_id, Slot.booked > 0)
                    .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))

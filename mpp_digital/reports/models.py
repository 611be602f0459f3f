"""The daily rollup the reports read: one row per line and local day, written once the day is
over (reports/rollup.py), so that a year's report adds up days instead of re-reading millions
of ticket events."""
from datetime import date

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LineDay(db.Model):
    """One line's visits on one local day: counts, and waits and service times as histograms
    of whole minutes (reports/stats.py: the bucket and how percentiles are read from it)."""
    __tablename__ = "line_day"
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    visits: Mapped[int]
    booked: Mapped[int]
    no_shows: Mapped[int]
    waits: Mapped[dict] = mapped_column(JSON)        # {"minutes": visits}
    services: Mapped[dict] = mapped_column(JSON)
    # The same figures per local hour of arrival, {"8": Tally.as_json(), …}: read by a hall's
    # report and its "best time to come", never by the national report.
    hours: Mapped[dict] = mapped_column(JSON, deferred=True)

    __table_args__ = (Index("ix_line_day_mpp_day", "mpp_id", "day"),)


class RolledUp(db.Model):
    """Every local day up to `through` is in line_day for this hall; later days are counted
    live from the ticket events."""
    __tablename__ = "rolled_up"
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    through: Mapped[date]

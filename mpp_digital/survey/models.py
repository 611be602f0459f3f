"""SKM responses: nine answers from 1 to 4, with nothing that points back to the citizen.

A response names the hall, line, service and day it is about, never the ticket: the ticket
only records that it has been rated (`Ticket.surveyed`), so one response per ticket holds
without keeping a link from an answer to a visit (or, through a booking, to a name).
"""
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

ANSWER_COLUMNS = tuple(f"u{i}" for i in range(1, 10))


class SurveyResponse(db.Model):
    __tablename__ = "survey_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    day: Mapped[date]                       # the visit's local day; no time of day is kept
    u1: Mapped[int] = mapped_column(SmallInteger)
    u2: Mapped[int] = mapped_column(SmallInteger)
    u3: Mapped[int] = mapped_column(SmallInteger)
    u4: Mapped[int] = mapped_column(SmallInteger)
    u5: Mapped[int] = mapped_column(SmallInteger)
    u6: Mapped[int] = mapped_column(SmallInteger)
    u7: Mapped[int] = mapped_column(SmallInteger)
    u8: Mapped[int] = mapped_column(SmallInteger)
    u9: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(String(500), default="")

    service = relationship("Service")

    __table_args__ = (
        *(CheckConstraint(f"{c} BETWEEN 1 AND 4", name=f"{c}_scale") for c in ANSWER_COLUMNS),
        Index("ix_survey_response_mpp_day", "mpp_id", "day"),
    )

    @property
    def answers(self):
        return tuple(getattr(self, c) for c in ANSWER_COLUMNS)


class SurveyDay(db.Model):
    """The responses of one hall's day about one service, added up: the number of respondents
    and the sum of each element's answers, from which the IKM of any period, hall, agency or
    service follows exactly (survey/ikm.py). Kept in the same transaction as every response,
    so it always equals the responses it sums."""
    __tablename__ = "survey_day"
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # The service rated, or 0 when the response names none (a key column cannot be NULL).
    service_key: Mapped[int] = mapped_column(primary_key=True)
    respondents: Mapped[int]
    u1: Mapped[int] = mapped_column(Integer)
    u2: Mapped[int] = mapped_column(Integer)
    u3: Mapped[int] = mapped_column(Integer)
    u4: Mapped[int] = mapped_column(Integer)
    u5: Mapped[int] = mapped_column(Integer)
    u6: Mapped[int] = mapped_column(Integer)
    u7: Mapped[int] = mapped_column(Integer)
    u8: Mapped[int] = mapped_column(Integer)
    u9: Mapped[int] = mapped_column(Integer)

"""The catalogue: where the halls are, who sits in them and what they offer."""
import enum
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db, enum_column


class RegionKind(enum.StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"


class OnlineMode(enum.StrEnum):
    ONLINE = "online"                    # can be done fully online, at online_url
    BOOK_THEN_VISIT = "book_then_visit"  # register or book online, then come in person
    VISIT_ONLY = "visit_only"

    @property
    def label(self):
        return {
            "online": _l("Bisa sepenuhnya daring"),
            "book_then_visit": _l("Daftar daring, lalu datang"),
            "visit_only": _l("Datang langsung"),
        }[self.value]


class DurationUnit(enum.StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"


# Service categories: a fixed list so that every category has a label in both languages.
CATEGORIES = {
    "kependudukan": _l("Kependudukan"),
    "keimigrasian": _l("Keimigrasian"),
    "kepolisian": _l("Kepolisian"),
    "kendaraan": _l("Kendaraan bermotor"),
    "jaminan-sosial": _l("Jaminan sosial"),
    "perpajakan": _l("Perpajakan"),
    "pertanahan": _l("Pertanahan"),
    "keagamaan": _l("Keagamaan"),
    "perizinan": _l("Perizinan"),
    "utilitas": _l("Listrik dan air"),
    "pembayaran": _l("Pembayaran"),
    "umum": _l("Layanan umum"),
}

TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


class Province(db.Model):
    """A province, keyed by its Kemendagri code ("35")."""
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(20))

    regions: Mapped[list["Region"]] = relationship(back_populates="province",
                                                   order_by="Region.name")

    __table_args__ = (
        CheckConstraint(f"timezone IN {TIMEZONES!r}", name="timezone"),
    )


class Region(db.Model):
    """A kabupaten or kota, keyed by its Kemendagri code ("35.71")."""
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[RegionKind] = mapped_column(enum_column(RegionKind, "region_kind"))

    province: Mapped[Province] = relationship(back_populates="regions")
    mpp: Mapped["Mpp | None"] = relationship(back_populates="region")


class Mpp(db.Model):
    """One Mal Pelayanan Publik: a hall in one kabupaten/kota."""
    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    opened_on: Mapped[date | None]

    region: Mapped[Region] = relationship(back_populates="mpp")
    offerings: Mapped[list["Offering"]] = relationship(back_populates="mpp",
                                                       cascade="all, delete-orphan",
                                                       order_by="Offering.id")
    hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="mpp", cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens_at)")
    queues: Mapped[list["Queue"]] = relationship(back_populates="mpp", order_by="Queue.letter",
                                                 cascade="all, delete-orphan")
    counters: Mapped[list["Counter"]] = relationship(back_populates="mpp",
                                                     order_by="Counter.number",
                                                     cascade="all, delete-orphan")

    @property
    def timezone(self):
        return self.region.province.timezone


class Agency(db.Model):
    """A service provider that has counters in MPPs (Disdukcapil, Imigrasi, Samsat, …)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    short_name: Mapped[str] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(200))

    services: Mapped[list["Service"]] = relationship(back_populates="agency",
                                                     order_by="Service.name")


# "Needs the result of": a KIA is issued on the family card, so KIA needs KK. A visit puts a
# service after those of the visit it needs; a life event lists them in that order.
service_need = Table(
    "service_need", db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("needs_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    CheckConstraint("service_id <> needs_id", name="not_itself"),
)


class Service(db.Model):
    """The national description of one service: the public components of its standard."""
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str | None] = mapped_column(String(160))
    category: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[list[str]] = mapped_column(JSON)
    procedure: Mapped[list[str]] = mapped_column(JSON)
    duration_value: Mapped[int]
    duration_unit: Mapped[DurationUnit] = mapped_column(enum_column(DurationUnit, "duration_unit"))
    fee: Mapped[int]                      # Rupiah; 0 means free
    fee_note: Mapped[str] = mapped_column(Text, default="")
    product: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[list[str]] = mapped_column(JSON)
    online_mode: Mapped[OnlineMode] = mapped_column(enum_column(OnlineMode, "online_mode"))
    online_url: Mapped[str | None] = mapped_column(String(300))
    keywords: Mapped[str] = mapped_column(Text, default="")

    agency: Mapped[Agency] = relationship(back_populates="services")
    offerings: Mapped[list["Offering"]] = relationship(back_populates="service")
    needs: Mapped[list["Service"]] = relationship(
        secondary=service_need, primaryjoin=lambda: Service.id == service_need.c.service_id,
        secondaryjoin=lambda: Service.id == service_need.c.needs_id, order_by="Service.name")

    __table_args__ = (
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("duration_value > 0", name="duration_positive"),
        CheckConstraint(f"category IN {tuple(CATEGORIES)!r}", name="category"),
        CheckConstraint("online_mode <> 'online' OR online_url IS NOT NULL",
                        name="online_has_url"),
    )


counter_queue = Table(
    "counter_queue", db.metadata,
    Column("counter_id", ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True),
    Column("queue_id", ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True),
)


class Queue(db.Model):
    """A ticket line at one MPP, with the letter its ticket numbers start with."""
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    letter: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))

    mpp: Mapped[Mpp] = relationship(back_populates="queues")
    counters: Mapped[list["Counter"]] = relationship(secondary=counter_queue,
                                                     back_populates="queues",
                                                     order_by="Counter.number")

    __table_args__ = (
        UniqueConstraint("mpp_id", "letter"),
        CheckConstraint("letter <> ''", name="letter_not_empty"),
    )


class Counter(db.Model):
    """A desk (loket) that serves one or more queues."""
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(80), default="")
    is_open: Mapped[bool] = mapped_column(default=False)     # staffed and calling

    mpp: Mapped[Mpp] = relationship(back_populates="counters")
    queues: Mapped[list[Queue]] = relationship(secondary=counter_queue,
                                               back_populates="counters",
                                               order_by="Queue.letter")

    __table_args__ = (
        UniqueConstraint("mpp_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
    )


class Offering(db.Model):
    """A service at one MPP: its queue, booking rules and the days its agency is there."""
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id"))
    bookable: Mapped[bool] = mapped_column(default=False)
    slot_minutes: Mapped[int] = mapped_column(default=15)
    seats_per_slot: Mapped[int] = mapped_column(default=1)
    daily_quota: Mapped[int | None]
    walkin_share: Mapped[int] = mapped_column(default=20)    # percent held back from booking
    horizon_days: Mapped[int] = mapped_column(default=14)
    cutoff_minutes: Mapped[int] = mapped_column(default=60)
    # The hour (local) of the day before at which bookings not confirmed from their reminder
    # are released to the waitlist; None: never (the default).
    release_hour: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    mpp: Mapped[Mpp] = relationship(back_populates="offerings")
    service: Mapped[Service] = relationship(back_populates="offerings")
    queue: Mapped[Queue | None] = relationship()
    hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="offering", cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens_at)")

    __table_args__ = (
        UniqueConstraint("mpp_id", "service_id"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes_positive"),
        CheckConstraint("seats_per_slot > 0", name="seats_positive"),
        CheckConstraint("daily_quota IS NULL OR daily_quota >= 0", name="quota_not_negative"),
        CheckConstraint("walkin_share BETWEEN 0 AND 100", name="walkin_share_percent"),
        CheckConstraint("horizon_days BETWEEN 1 AND 180", name="horizon_range"),
        CheckConstraint("cutoff_minutes >= 0", name="cutoff_not_negative"),
        CheckConstraint("release_hour IS NULL OR release_hour BETWEEN 0 AND 23",
                        name="release_hour_range"),
    )


class OpeningHours(db.Model):
    """One opening interval on one ISO weekday, for an MPP or (overriding it) an offering."""
    __tablename__ = "opening_hours"
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    offering_id: Mapped[int | None] = mapped_column(ForeignKey("offering.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)             # ISO: 1 = Monday … 7 = Sunday
    opens_at: Mapped[time]
    closes_at: Mapped[time]

    mpp: Mapped[Mpp | None] = relationship(back_populates="hours")
    offering: Mapped[Offering | None] = relationship(back_populates="hours")

    __table_args__ = (
        CheckConstraint("(mpp_id IS NULL) <> (offering_id IS NULL)", name="one_owner"),
        CheckConstraint("weekday BETWEEN 1 AND 7", name="iso_weekday"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
    )


# Halls that stay open on a national closure (a Pemda may keep its MPP open on cuti bersama).
closure_open_mpp = Table(
    "closure_open_mpp", db.metadata,
    Column("closure_id", ForeignKey("closure.id", ondelete="CASCADE"), primary_key=True),
    Column("mpp_id", ForeignKey("mpp.id", ondelete="CASCADE"), primary_key=True),
)


class Closure(db.Model):
    """Days an MPP (or every MPP, when mpp_id is NULL: cuti bersama) is closed."""
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))

    mpp: Mapped[Mpp | None] = relationship()
    open_mpps: Mapped[list[Mpp]] = relationship(secondary=closure_open_mpp)

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_starts"),
    )


class CatalogueVersion(db.Model):
    """One number for the whole public catalogue, bumped in the transaction of every change to
    it (catalogue/versioning.py): pages' ETags and cache keys carry it, so a change committed
    on one machine is never served stale by another."""
    __tablename__ = "catalogue_version"
    id: Mapped[int] = mapped_column(primary_key=True)          # always 1
    version: Mapped[int]


class LifeEvent(db.Model):
    """A moment of life that takes several services ("kelahiran": akta, KK, KIA, BPJS), in
    order; kept nationally by the national admins, shown nationally and per hall."""
    __tablename__ = "life_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    steps: Mapped[list["LifeEventStep"]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="LifeEventStep.position")


class LifeEventStep(db.Model):
    __tablename__ = "life_event_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("life_event.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    position: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")       # "bila bayi lahir di luar negeri…"

    event: Mapped[LifeEvent] = relationship(back_populates="steps")
    service: Mapped[Service] = relationship()

    __table_args__ = (UniqueConstraint("event_id", "service_id"),)

"""What the search keeps in the database: the change feed, extra synonyms and search counts."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CatalogueChange(db.Model):
    """A service whose search document must be rebuilt, written in the changing transaction.

    Every process keeps its own index in step by applying the changes it has not seen yet.
    """
    __tablename__ = "catalogue_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int]                 # no foreign key: the service may have been deleted
    changed_at: Mapped[datetime]

    __table_args__ = (Index("ix_catalogue_change_changed_at", "changed_at"),)


class SearchSynonym(db.Model):
    """A group of words that mean the same to a citizen, added by staff beside the shipped list."""
    __tablename__ = "search_synonym"
    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(String(500))     # "akte, akta, certificate"
    created_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("terms <> ''", name="terms_not_empty"),)


class SearchTally(db.Model):
    """How often a service was the first answer to a search: the "most searched" list."""
    __tablename__ = "search_tally"
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"),
                                            primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("hits >= 0", name="hits_not_negative"),)

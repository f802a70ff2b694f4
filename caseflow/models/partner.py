"""Organisations caseflow partners with, and the kept record of every change to their details or flags."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc

# The kinds of civil society partner follow seed 001 ("Civil society partnerships"), one for each
# kind it lists; companies, knowledge institutions and GPPs follow E/ICEF/2009/10.
PARTNER_TYPES = {
    "international_ngo": "International NGO",
    "national_ngo": "National NGO",
    "community_based": "Community-based organisation",
    "social_movement": "Social movement",
    "faith_based": "Faith-based organisation",
    "advocacy_group": "Advocacy group",
    "trade_union": "Trade union",
    "womens_group": "Women's group",
    "professional_association": "Professional voluntary association",
    "foundation": "Foundation",
    "independent_media": "Independent media",
    "social_network": "Social network",
    "think_tank": "Think tank or research institute",
    "company": "Company",
    "knowledge_institution": "Knowledge institution",
    "gpp": "Global programme partnership",
}
PARTNER_LEVELS = {"global": "Global", "regional": "Regional", "country": "Country"}
NAME_LENGTH = 200
# casefold() can lengthen a name (ß -> ss, and some letters to three), so the key has room for that.
NAME_KEY_LENGTH = 3 * NAME_LENGTH


def tidy_partner_name(name: str) -> str:
    """A partner's name as stored: no surrounding spaces, single spaces inside."""
    return " ".join(str(name).split())


def partner_name_key(name: str) -> str:
    """What makes two partner names the same: case and spacing aside ("Tostan" is " tostan ")."""
    return tidy_partner_name(name).casefold()


def _key_of_inserted_name(context) -> str:
    # Core inserts (the engine's propose, the import) get the key from the name they insert.
    return partner_name_key(context.get_current_parameters()["name"])


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    # Unique: the database itself refuses a second "tostan" however it is written.
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True, default=_key_of_inserted_name)
    type: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str | None] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    sanctions_flag: Mapped[bool] = mapped_column(default=False)
    reputational_flag: Mapped[bool] = mapped_column(default=False)
    flag_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    cases: Mapped[list["Case"]] = relationship(back_populates="partner")  # noqa: F821

    @validates("name")
    def _keep_name_key(self, _key, name):
        self.name_key = partner_name_key(name)
        return name

    @property
    def type_label(self) -> str:
        return PARTNER_TYPES.get(self.type, self.type)

    @property
    def blocking_flags(self) -> list[str]:
        """Name the flags that forbid vetting a partnership with this organisation."""
        flags = []
        if self.sanctions_flag:
            flags.append("sanctions")
        if self.reputational_flag:
            flags.append("reputational risk")
        return flags


class PartnerChange(db.Model):
    """One change to a partner's details (a correction) or flags: what, why, who and when. Never updated."""

    __tablename__ = "partner_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "correction" or "flags"
    changes: Mapped[str] = mapped_column(Text)  # JSON: {field: [before, after]}
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Chained per partner, as the history is per case (caseflow/partners/chain.py).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    by: Mapped["User"] = relationship()  # noqa: F821

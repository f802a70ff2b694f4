"""Organisations caseflow partners with."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc

PARTNER_TYPES = {
    "international_ngo": "International NGO",
    "national_ngo": "National NGO",
    "community_based": "Community-based organisation",
    "faith_based": "Faith-based organisation",
    "social_movement": "Social movement",
    "advocacy_group": "Advocacy group",
    "trade_union": "Trade union",
    "womens_group": "Women's group",
    "professional_association": "Professional association",
    "foundation": "Foundation",
    "independent_media": "Independent media",
    "think_tank": "Think tank or research institute",
    "company": "Company",
    "knowledge_institution": "Knowledge institution",
    "gpp": "Global programme partnership",
}
PARTNER_LEVELS = {"global": "Global", "regional": "Regional", "country": "Country"}


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
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

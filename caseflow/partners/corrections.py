"""Correcting a partner's details (name, type, country, level), kept with who, when and why."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseflow.jobs.batches import write_transaction
from caseflow.models import PARTNER_LEVELS, PARTNER_TYPES, Organisation, User, partner_name_key, tidy_partner_name
from caseflow.models.partner import NAME_LENGTH
from caseflow.partners.service import record_change

CORRECTABLE = ("name", "type", "country", "level")
COUNTRY_LENGTH = Organisation.__table__.c.country.type.length


class CorrectionRefused(Exception):
    """The correction was refused; `errors` names each field and why. Nothing was changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _clean(values: dict) -> tuple[dict, dict]:
    """The corrected details as stored, and the problems with them by field."""
    errors, clean = {}, {}
    clean["name"] = tidy_partner_name(values.get("name") or "")
    if not clean["name"]:
        errors["name"] = "is required"
    elif len(clean["name"]) > NAME_LENGTH:
        errors["name"] = f"has {len(clean['name'])} characters; at most {NAME_LENGTH} are allowed"
    clean["type"], clean["level"] = values.get("type"), values.get("level")
    if clean["type"] not in PARTNER_TYPES:
        errors["type"] = "must be one of the kinds of partner listed"
    if clean["level"] not in PARTNER_LEVELS:
        errors["level"] = "must be global, regional or country"
    clean["country"] = tidy_partner_name(values.get("country") or "") or None
    if clean["country"] and len(clean["country"]) > COUNTRY_LENGTH:
        errors["country"] = f"has {len(clean['country'])} characters; at most {COUNTRY_LENGTH} are allowed"
    return clean, errors


def correct_partner(partner_id: int, values: dict, reason: str, by: User) -> dict:
    """Store the corrected details and their record in one transaction; return {field: [before, after]}.

    Raise CorrectionRefused naming the field when a value is bad, the name is another partner's
    (whatever its case and spacing), nothing would change, or no reason is given.
    """
    clean, errors = _clean(values)
    if not (reason or "").strip():
        errors["reason"] = "is required: say what was wrong"
    if errors:
        raise CorrectionRefused(errors)
    try:
        with write_transaction() as session:
            partner = session.get(Organisation, partner_id, with_for_update=True, populate_existing=True)
            other = session.scalar(select(Organisation.name).where(
                Organisation.name_key == partner_name_key(clean["name"]), Organisation.id != partner_id))
            if other is not None:
                raise CorrectionRefused({"name": f"is the name of another partner, '{other}'"})
            changes = {f: [getattr(partner, f), clean[f]] for f in CORRECTABLE if getattr(partner, f) != clean[f]}
            if not changes:
                raise CorrectionRefused({"details": "nothing differs from the details stored"})
            for field, (_, after) in changes.items():
                setattr(partner, field, after)
            record_change(session, partner, "correction", changes, reason, by)
    except IntegrityError:  # another writer took the name between the check and the write
        raise CorrectionRefused({"name": "another partner took this name meanwhile"}) from None
    return changes

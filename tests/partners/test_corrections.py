"""A reviewer or admin corrects a partner's details; the correction is kept with who, when and why."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from caseflow import models
from caseflow.extensions import db
from caseflow.models import Organisation
from tests.factories import proposal


def _correct(client, partner, reason="The registration certificate says otherwise.", **details):
    data = {"name": partner.name, "type": partner.type, "country": partner.country or "", "level": partner.level,
            "reason": reason, **details}
    return client.post(f"/partners/{partner.id}/details", data=data)


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_a_reviewer_or_admin_corrects_the_details_and_the_correction_is_kept(client, users, sign_in, tostan, role):
    sign_in(users[role])
    response = _correct(client, tostan, name="Tostan International", type="international_ngo", country="Senegal",
                        level="regional")
    assert response.status_code == 302
    partner = db.session.get(Organisation, tostan.id)
    assert (partner.name, partner.name_key, partner.type, partner.level) == (
        "Tostan International", "tostan international", "international_ngo", "regional")
    change = db.session.scalar(select(models.PartnerChange))
    assert change.kind == "correction" and change.by_user_id == users[role].id and change.at is not None
    assert json.loads(change.changes) == {"name": ["Tostan", "Tostan International"],
                                          "type": ["national_ngo", "international_ngo"], "level": ["country", "regional"]}
    page = client.get(f"/partners/{tostan.id}").get_data(as_text=True)
    assert "name: Tostan → Tostan International" in page and "The registration certificate says otherwise." in page
    assert users[role].name in page


def test_the_record_of_a_correction_is_never_rewritten(client, users, sign_in, tostan):
    from caseflow.partners.service import ChangesAreKept

    sign_in(users["reviewer"])
    _correct(client, tostan, level="regional")
    change = db.session.scalar(select(models.PartnerChange))
    change.reason = "Nothing to see."
    with pytest.raises(ChangesAreKept):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(models.PartnerChange)))
    with pytest.raises(ChangesAreKept):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_officers_and_auditors_may_not_correct(client, users, sign_in, tostan, role):
    sign_in(users[role])
    assert _correct(client, tostan, name="Someone else").status_code == 403
    assert "Correct the details" not in client.get(f"/partners/{tostan.id}").get_data(as_text=True)
    assert db.session.get(Organisation, tostan.id).name == "Tostan" and db.session.scalar(select(models.PartnerChange)) is None


@pytest.mark.parametrize("name", ["plan international", " PLAN  International "])
def test_a_correction_may_not_take_another_partners_name(client, users, sign_in, tostan, name):
    db.session.add(Organisation(name="Plan International", type="international_ngo", level="global"))
    db.session.commit()
    sign_in(users["reviewer"])
    response = _correct(client, tostan, name=name)
    assert response.status_code == 422 and "is the name of another partner, &#39;Plan International&#39;" in \
        response.get_data(as_text=True)
    assert db.session.get(Organisation, tostan.id).name == "Tostan" and db.session.scalar(select(models.PartnerChange)) is None


def test_a_partner_may_correct_the_spelling_of_its_own_name(client, users, sign_in, tostan):
    sign_in(users["reviewer"])
    assert _correct(client, tostan, name="TOSTAN").status_code == 302
    assert db.session.get(Organisation, tostan.id).name == "TOSTAN"


@pytest.mark.parametrize("details, problem", [
    ({"reason": ""}, "This field is required."),
    ({"name": "   "}, "is required"),
    ({"type": "pirates"}, "Not a valid choice"),
    ({}, "nothing differs from the details stored"),
])
def test_a_bad_correction_says_why_and_changes_nothing(client, users, sign_in, tostan, details, problem):
    sign_in(users["reviewer"])
    response = _correct(client, tostan, **details)
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert db.session.get(Organisation, tostan.id).name == "Tostan" and db.session.scalar(select(models.PartnerChange)) is None


def test_seed_001s_kinds_of_civil_society_partner_are_all_there(users, cases):
    from caseflow.models import PARTNER_TYPES

    # Seed 001, "What is 'civil society'?": the kinds of civil society partner it lists.
    seed = ["International NGO", "National NGO", "Community-based organisation", "Social movement",
            "Faith-based organisation", "Advocacy group", "Trade union", "Women's group",
            "Professional voluntary association", "Foundation", "Independent media", "Social network",
            "Think tank or research institute"]
    assert set(seed) <= set(PARTNER_TYPES.values())
    case = cases.propose(partner_name="Kids Online Network", partner_type="social_network")
    assert case.partner.type == "social_network" and case.partner.type_label == "Social network"

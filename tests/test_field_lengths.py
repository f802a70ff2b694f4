"""Every field of the definition has a maximum length, and its longest value fits every column it is stored in."""
from __future__ import annotations

import pycountry
import pytest
from sqlalchemy import inspect

from caseflow import ROOT
from caseflow.extensions import db
from caseflow.workflow import current_workflow
from caseflow.workflow.columns import NEW_PARTNER_COLUMNS, fields_too_long, landing_columns, longest_value
from caseflow.workflow.definition import DefinitionError
from caseflow.workflow.definition_loader import load_definition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.guards import GUARDS

DEFINITION = ROOT / "workflows" / "partnership.yaml"


def migrated_lengths() -> dict[tuple[str, str], int | None]:
    """(table, column) -> the VARCHAR length the migrations built on this database; None for text."""
    inspector = inspect(db.engine)
    return {(table, c["name"]): getattr(c["type"], "length", None)
            for table in inspector.get_table_names() for c in inspector.get_columns(table)}


def test_every_text_field_of_the_definition_has_a_maximum_length(app):
    definition = current_workflow().definition
    for trigger in definition.transitions:
        for field in definition.fields_of(trigger):
            if field.type in {"text", "textarea"}:
                assert field.max_length, f"{trigger}.{field.name} has no max_length"


def test_every_form_field_fits_the_columns_it_lands_in_as_migrated(app):
    """On PostgreSQL this reads the lengths the database enforces; on SQLite those it was declared with."""
    definition, lengths = current_workflow().definition, migrated_lengths()
    landings = landing_columns(definition)
    assert landings[("complete_review", "recommendation")][-1].table.name == "reviews"
    assert {c.table.name for c in landings[("propose", "partner_name")]} == {"history_records", "organisations"}
    for (trigger, name), columns in landings.items():
        field = next(f for f in definition.fields_of(trigger) if f.name == name)
        longest = longest_value(field)
        for column in columns:
            length = lengths[(column.table.name, column.name)]
            assert longest is None or length is None or longest <= length, (
                f"{trigger}.{name} takes {longest} characters; {column.table.name}.{column.name} holds {length}")
    assert fields_too_long(definition) == []


def test_a_definition_whose_field_outgrows_its_column_is_named(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_text(DEFINITION.read_text().replace(
        "{name: office, type: text, label: Office, required: true, max_length: 120",
        "{name: office, type: text, label: Office, required: true, max_length: 500"))
    definition = load_definition(path, set(GUARDS), set(EFFECTS))
    assert fields_too_long(definition) == ["propose.office holds up to 500 characters but cases.office only 120"]


@pytest.mark.parametrize("max_length", ["0", "-3", "lots", "true"])
def test_a_max_length_must_be_a_positive_whole_number(tmp_path, max_length):
    path = tmp_path / "bad.yaml"
    path.write_text(DEFINITION.read_text().replace("max_length: 120", f"max_length: {max_length}"))
    with pytest.raises(DefinitionError, match="max_length of 'office' must be a positive whole number"):
        load_definition(path, set(GUARDS), set(EFFECTS))


def test_the_new_partner_fields_are_the_propose_form_s():
    definition = load_definition(DEFINITION, set(GUARDS), set(EFFECTS))
    assert set(NEW_PARTNER_COLUMNS) <= {f.name for f in definition.fields_of("propose")}


def test_every_currency_the_definition_converts_is_an_iso_4217_code():
    definition = load_definition(DEFINITION, set(GUARDS), set(EFFECTS))
    assert all(pycountry.currencies.get(alpha_3=code) for code in definition.usd_rates)

"""Where each field of a step's form is stored, and whether its longest value fits there on every database.

A field lands in the case column its definition names, in the history record (text without limit),
and in the columns the step's effects or the creating step write it to: those are listed here, beside
the code that writes them (engine._new_partner, effects.open_review / close_review / record_closure_reason).
"""
from __future__ import annotations

from sqlalchemy import Column, String

from caseflow.models import Case, HistoryRecord, Organisation, Review
from caseflow.workflow.definition import DEFAULT_MAX_LENGTH, WorkflowDefinition

#: The columns an effect writes a field of the step's data to: effect -> {field: column}.
EFFECT_COLUMNS: dict[str, dict[str, Column]] = {
    "open_review": {"reason": Review.__table__.c.reason},
    "close_review": {"progress": Review.__table__.c.progress, "recommendation": Review.__table__.c.recommendation},
    "record_closure_reason": {"reason": Case.__table__.c.closure_reason},
}
#: The creating step registers a new partner from these fields (engine._new_partner).
NEW_PARTNER_COLUMNS: dict[str, Column] = {
    "partner_name": Organisation.__table__.c.name,
    "partner_type": Organisation.__table__.c.type,
    "partner_country": Organisation.__table__.c.country,
    "partner_level": Organisation.__table__.c.level,
}
#: Every step's data and comment are kept in the history record.
HISTORY_COLUMNS = (HistoryRecord.__table__.c.data, HistoryRecord.__table__.c.comment)
#: A step's comment, kept in the history: the forms, the API and the import hold it to this length.
COMMENT_MAX_LENGTH = 2000


def column_length(column: Column) -> int | None:
    """The most characters `column` holds on PostgreSQL (a VARCHAR's length); None for unbounded text."""
    return getattr(column.type, "length", None)


def landing_columns(definition: WorkflowDefinition) -> dict[tuple[str, str], list[Column]]:
    """Each (trigger, field) of the definition -> the columns its value is stored in."""
    landings = {}
    for spec in definition.transitions.values():
        for field in definition.fields_of(spec.trigger):
            columns = list(HISTORY_COLUMNS[:1])
            if field.column:
                columns.append(Case.__table__.c[field.column])
            for effect in spec.effects:
                if field.name in EFFECT_COLUMNS.get(effect, {}):
                    columns.append(EFFECT_COLUMNS[effect][field.name])
            if spec.sources is None and field.name in NEW_PARTNER_COLUMNS:
                columns.append(NEW_PARTNER_COLUMNS[field.name])
            landings[(spec.trigger, field.name)] = columns
    return landings


def longest_value(field) -> int | None:
    """The most characters a field's value can have once read: its max_length, or its longest choice."""
    if field.type in DEFAULT_MAX_LENGTH:
        return field.max_length
    if field.type == "choice":
        return max(len(code) for code in field.choices)
    if field.type == "currency":
        return 3
    return None


def fields_too_long(definition: WorkflowDefinition) -> list[str]:
    """Name every field whose longest value does not fit a column it is stored in."""
    problems = []
    for (trigger, name), columns in landing_columns(definition).items():
        field = next(f for f in definition.fields_of(trigger) if f.name == name)
        longest = longest_value(field)
        for column in columns:
            length = column_length(column)
            if longest is not None and length is not None and longest > length:
                problems.append(f"{trigger}.{name} holds up to {longest} characters but "
                                f"{column.table.name}.{column.name} only {length}")
    return problems


def case_column_limits(definition: WorkflowDefinition) -> dict[str, int]:
    """The most characters each text column of cases may receive: its fields' max_length, else its own length."""
    limits = {}
    for column in Case.__table__.columns:
        if isinstance(column.type, String):
            limits[column.name] = column_length(column) or DEFAULT_MAX_LENGTH["textarea"]
    for spec in definition.transitions.values():
        for field in definition.fields_of(spec.trigger):
            if field.column and field.max_length:
                limits[field.column] = min(limits.get(field.column, field.max_length), field.max_length)
    return limits

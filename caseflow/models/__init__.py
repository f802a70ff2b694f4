"""The data model; importing this package registers every table on the metadata."""
from caseflow.models.activity import DOCUMENT_KINDS, Comment, Document, Notification, Review
from caseflow.models.case import COOPERATION_FORMS, RESOURCE_KINDS, RUNNING, Case, in_state
from caseflow.models.history import HistoryRecord
from caseflow.models.idempotency import IdempotencyKey
from caseflow.models.money import CONTRIBUTION_KINDS, INSTALMENT_STATUSES, PARTIES, BudgetLine, Instalment
from caseflow.models.partner import (PARTNER_LEVELS, PARTNER_TYPES, Organisation, PartnerChange, partner_name_key,
                                     tidy_partner_name)
from caseflow.models.scheduler import SchedulerLease, SweepRun
from caseflow.models.user import ROLE_LABELS, ROLES, ApiToken, User, a_role, hash_token

__all__ = [
    "ApiToken", "BudgetLine", "Case", "CONTRIBUTION_KINDS", "Comment", "COOPERATION_FORMS", "Document", "DOCUMENT_KINDS", "HistoryRecord", "IdempotencyKey", "Instalment", "INSTALMENT_STATUSES",
    "Notification", "Organisation", "PARTNER_LEVELS", "PARTIES", "PARTNER_TYPES", "PartnerChange", "RESOURCE_KINDS", "Review",
    "ROLE_LABELS", "ROLES", "RUNNING", "SchedulerLease", "SweepRun", "User", "a_role", "hash_token", "in_state",
    "partner_name_key", "tidy_partner_name",
]

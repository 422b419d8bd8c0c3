"""Writes on the hazard ledger: every step of a hazard's life, listed supervision, dual
reporting, campaigns and citizens' reports.

reported (已上报) → confirmed (已确认: graded, assigned to a responsible and a supervising unit,
deadline set) → rectifying (整改中) → awaiting_acceptance (待验收) → closed (已销号); or
rejected (已驳回) with a reason. A 重大 hazard starts rectifying only with 五落实 in place; the
supervising unit accepts, never the unit that fixed it. Extensions (延期) are requested and
decided, never typed over: the original deadline stays.

Every service is keyword-only and atomic, checks the actor against the hazard inside the
transaction (``require``), records a ``HazardEvent`` and notifies whoever must act next.
Every door — pages, API, import, admin, seed_demo — goes through these functions, imported
from here (``from hazards import services``; ``services.hazard_accept(...)``).
"""

from .base import NOTIFY_CATEGORY
from .campaigns import CAMPAIGN_FIELDS, campaign_save
from .citizen import (
    CITIZEN_REPORTS_PER_HOUR,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    citizen_report_dismiss,
    citizen_report_submit,
    citizen_report_triage,
)
from .extensions import extension_decide, extension_request
from .lifecycle import (
    CODE_COUNTER,
    DESCRIPTIVE_FIELDS,
    hazard_accept,
    hazard_actions,
    hazard_add_photos,
    hazard_confirm,
    hazard_plan,
    hazard_reject,
    hazard_report,
    hazard_send_back,
    hazard_start,
    hazard_submit,
    hazard_update,
    missing_five,
)
from .listing import (
    QUARTER_ENDS,
    dual_report_record,
    hazard_list,
    is_quarter_end,
    listing_lift,
    listing_progress_report,
    quarter_end,
)

__all__ = [
    "CAMPAIGN_FIELDS",
    "CITIZEN_REPORTS_PER_HOUR",
    "CODE_COUNTER",
    "DESCRIPTIVE_FIELDS",
    "NOTIFY_CATEGORY",
    "QUARTER_ENDS",
    "RECEIPT_ALPHABET",
    "RECEIPT_LENGTH",
    "campaign_save",
    "citizen_report_dismiss",
    "citizen_report_submit",
    "citizen_report_triage",
    "dual_report_record",
    "extension_decide",
    "extension_request",
    "hazard_accept",
    "hazard_actions",
    "hazard_add_photos",
    "hazard_confirm",
    "hazard_list",
    "hazard_plan",
    "hazard_reject",
    "hazard_report",
    "hazard_send_back",
    "hazard_start",
    "hazard_submit",
    "hazard_update",
    "is_quarter_end",
    "listing_lift",
    "listing_progress_report",
    "missing_five",
    "quarter_end",
]

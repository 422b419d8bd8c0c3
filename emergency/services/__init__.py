"""Writes on emergency preparedness: plans (and their revisions, evaluations and withdrawal),
drills, rescue teams, stockpiles and their movements, and shelters.

Every service is keyword-only and atomic, checks the actor against the object inside the
transaction (``require``) and keeps what is derived: a plan's evaluation and drill due dates
(``emergency.rules``) and a stockpile's quantity, which only ``stock_move`` changes and which
always equals the sum of its movements. Every door — pages, API, import, demo — calls these,
imported from here (``from emergency import services``; ``services.plan_save(...)``).
"""

from .base import NOTIFY_CATEGORY
from .plans import (
    DRILL_FIELDS,
    EDITABLE_PLAN_STATES,
    OWNER_REQUIRES,
    PLAN_FIELDS,
    REVISION_CARRIES,
    REVISION_FIELDS,
    drill_record,
    plan_evaluate,
    plan_revise,
    plan_save,
    plan_withdraw,
)
from .resources import (
    INITIAL_STOCK_REASON,
    SHELTER_FIELDS,
    STOCKPILE_FIELDS,
    TEAM_FIELDS,
    shelter_save,
    stock_move,
    stockpile_save,
    team_save,
)

__all__ = [
    "DRILL_FIELDS",
    "EDITABLE_PLAN_STATES",
    "INITIAL_STOCK_REASON",
    "NOTIFY_CATEGORY",
    "OWNER_REQUIRES",
    "PLAN_FIELDS",
    "REVISION_CARRIES",
    "REVISION_FIELDS",
    "SHELTER_FIELDS",
    "STOCKPILE_FIELDS",
    "TEAM_FIELDS",
    "drill_record",
    "plan_evaluate",
    "plan_revise",
    "plan_save",
    "plan_withdraw",
    "shelter_save",
    "stock_move",
    "stockpile_save",
    "team_save",
]

"""工作交接 — handing a departing person's open items to a colleague.

Each app registers one function ``(from_user, to_user) -> int`` that moves what it owns (unit
roles, object grants, grid posts, open tasks, hazards…) and returns how many items moved.
``responsibilities.services.accounts.account_handover`` runs them all inside its transaction
and then deactivates the departing account, so every app's items move or none do.

    @register_handover
    def hand_over_hazards(from_user, to_user) -> int:
        \"\"\"隐患整改责任人\"\"\"
        ...

The first line of the function's docstring (or ``label=``) names the items on the result page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Handover = Callable[..., int]


@dataclass(frozen=True)
class HandoverStep:
    label: str  # may be a lazy translation
    func: Handover


_STEPS: list[HandoverStep] = []


def register_handover(func: Handover | None = None, *, label: str | None = None):
    """Register ``func``; usable bare (``@register_handover``) or with ``label=``."""

    def register(f: Handover) -> Handover:
        name = label or (f.__doc__ or f.__name__).strip().splitlines()[0]
        if all(step.func is not f for step in _STEPS):
            _STEPS.append(HandoverStep(label=name, func=f))
        return f

    return register(func) if func is not None else register


def unregister_handover(func: Handover) -> None:
    """Remove a step (for tests, or an app that is switched off)."""
    _STEPS[:] = [step for step in _STEPS if step.func is not func]


def handover_steps() -> list[HandoverStep]:
    return list(_STEPS)


def run_handovers(from_user, to_user) -> dict[str, int]:
    """Run every registered step; the caller owns the transaction. Returns label -> count."""
    moved: dict[str, int] = {}
    for step in _STEPS:
        label = str(step.label)
        moved[label] = moved.get(label, 0) + int(step.func(from_user, to_user) or 0)
    return moved

"""The workbench's panels. Each app registers a function that, given the request, returns
a panel (title, template, context) for that user, or None when it has nothing to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_PANELS: list[Callable] = []


def register_panel(func: Callable) -> Callable:
    if func not in _PANELS:
        _PANELS.append(func)
    return func


def workbench_panels(request) -> list[Panel]:
    panels = [panel for func in _PANELS if (panel := func(request)) is not None]
    return sorted(panels, key=lambda p: p.order)

"""Template helpers of the task ledger: the traffic light's colour, numbers without zeros."""

from django import template

from ..choices import Light
from ..ledger import number

register = template.Library()

# 亮灯: red overdue, yellow due soon, green on track, grey not started, blue done.
LIGHT_CLASSES = {
    Light.OVERDUE: "text-bg-danger",
    Light.DUE_SOON: "text-bg-warning",
    Light.ON_TRACK: "text-bg-success",
    Light.NOT_STARTED: "text-bg-secondary",
    Light.DONE: "text-bg-primary",
    Light.DONE_LATE: "text-bg-info",
}


@register.filter
def light_class(light) -> str:
    try:
        return LIGHT_CLASSES[Light(light)]
    except ValueError:
        return "text-bg-light"


@register.filter
def light_label(light) -> str:
    try:
        return str(Light(light).label)
    except ValueError:
        return ""


@register.filter
def plain_number(value) -> str:
    return number(value)


@register.inclusion_tag("tasks/ledger/_light.html")
def light_badge(light):
    return {"light": light, "css": light_class(light), "label": light_label(light)}
